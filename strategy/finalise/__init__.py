"""Finalising (Guide §13): the language check, the readiness check and frozen review versions."""
