"""Spreadsheets in and out: one reader for CSV and Excel uploads, one formula guard for every export."""
