"""A partnership's change stamp, and results kept until it changes.

Every content write records a Revision (``record_revision``, the one choke point), and a
partnership's own details stamp ``updated_at``. So the number of revisions, the latest revision id and
``updated_at`` together change whenever anything a check reads has changed: a cheap key (one indexed
query) for keeping an expensive result, such as the readiness and language checks that Home,
Readiness and Finalise show on every run. The count as well as the latest id: on PostgreSQL a
transaction holding a lower id can commit after a higher one has been seen."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy import text
from sqlalchemy.engine import Engine

T = TypeVar("T")

_STAMP = text(
    "SELECT (SELECT count(*) FROM revision WHERE partnership_id = :p), "
    "(SELECT max(id) FROM revision WHERE partnership_id = :p), "
    "(SELECT updated_at FROM partnership WHERE id = :p)"
)


def change_stamp(engine: Engine, partnership_id: int) -> tuple:
    """Changes whenever anything in the partnership has changed since the last call."""
    with engine.connect() as conn:
        return tuple(conn.execute(_STAMP, {"p": partnership_id}).one())


class UntilChanged:
    """Results kept per partnership (and any further key) until the partnership changes: the most
    recently used ``size`` of them, in this process. Safe across the server's threads; two people
    asking at once may both compute, never see a stale result."""

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._kept: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, engine: Engine, partnership_id: int, extra: Hashable, make: Callable[[], T]) -> T:
        # The stamp is read before the result is made: a change in between is seen as a new stamp on
        # the next call, so a result is never kept under a stamp newer than what it was made from.
        key = (id(engine), str(engine.url), partnership_id, extra, change_stamp(engine, partnership_id))
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]  # type: ignore[return-value]  # stored by make() below
        result = make()
        with self._lock:
            self._kept[key] = result
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
        return result

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
