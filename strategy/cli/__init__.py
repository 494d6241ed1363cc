"""``python -m strategy``: the same operations as the pages, from a terminal."""

from strategy.cli.commands import main

__all__ = ["main"]
