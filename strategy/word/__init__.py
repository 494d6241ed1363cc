"""The Word toolkit every document is built with: house styles, safe text, tables, charts, fields."""
