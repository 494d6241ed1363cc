"""Delivering the strategy (Guide §14-15.1): progress updates, indicator readings, the scrutineer's
sections (operations), charts and the demo's year of delivery (demo)."""
