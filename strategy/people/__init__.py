"""Partnerships, accounts and membership, backups and strategy periods."""
