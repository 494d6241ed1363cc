"""The server's own log (stderr, which systemd's journal or the console keeps): the first run's setup
code, and errors a person saw only as a reference to quote."""

from __future__ import annotations

import logging
import secrets
import sys

_LOGGER = "strategy"


class _Stderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (the console, the journal, a test's capture)."""

    _workbook = True

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def get_logger() -> logging.Logger:
    """The workbook's logger, writing to stderr once (Streamlit leaves loggers outside its own alone)."""
    logger = logging.getLogger(_LOGGER)
    if not any(isinstance(h, _Stderr) for h in logger.handlers):
        handler = _Stderr()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


def log_error(exc: BaseException, where: str = "") -> str:
    """Log an unexpected error with its traceback under a short reference, and return the reference:
    the person sees only the reference (to quote to whoever runs the workbook), never the traceback."""
    reference = secrets.token_hex(4).upper()
    get_logger().error("Error %s%s: %s", reference, f" on {where}" if where else "", type(exc).__name__, exc_info=exc)
    return reference
