"""The evidence picture of Guide §4-6: population, identification, support, workforce (analysis and charts)."""
