"""The guide as data: chapters, prompts and reference lists from ``data/``, and the checks the guide
suggests on what a partnership writes."""
