"""The plan (Guide §7, §12): aims, outcomes, actions and measures (operations), Excel and CSV (io),
charts, the Word draft's sections 5-11 (word) and the demo's plan (demo)."""
