"""Documents built in the background: a build runs in a worker thread of the server, keyed by what it
builds (the database, the partnership, the document and what it is built from), so the person who
asked can go on working on another page and find the result when they come back. The build's steps
(``strategy.word.toolkit.step``) are kept on the job as it goes, for the page to show; a second
request while a build runs joins it rather than starting another; a build that fails keeps the
message saying why.

No Streamlit here: the page that starts and polls a job is ``strategy.ui.building``."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from strategy.core.errors import WorkbookError
from strategy.word.toolkit import reporting_progress

log = logging.getLogger(__name__)

State = Literal["running", "done", "failed"]

#: How long a finished job's result is kept for the person to come back to, in seconds.
KEEP_SECONDS = 2 * 60 * 60

#: What a person is told when a build fails for a reason the workbook did not foresee.
UNEXPECTED = "Something went wrong while building it, so nothing was built. Try again; if it happens again, tell your administrator."


@dataclass
class Job:
    """One build: what it is, how far it has got, and (when done) what it built or why it failed."""

    key: tuple[Hashable, ...]
    what: str
    state: State = "running"
    step: str = "Starting…"
    fraction: float = 0.0
    result: Any = None
    error: str = ""
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    #: When it finished, on the clock (for "built at 14:32": a build others may come back to later).
    finished_at: datetime | None = None
    #: How many requests this build answers (the first, and each that joined it while it ran).
    requests: int = 1
    _done: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def running(self) -> bool:
        return self.state == "running"

    def told(self, step: str, fraction: float) -> None:
        self.step, self.fraction = step, max(self.fraction, fraction)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the build to finish (True), or until ``timeout`` seconds pass (False)."""
        return self._done.wait(timeout)


class Jobs:
    """The builds of one server process, by key."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[tuple[Hashable, ...], Job] = {}

    def start(self, key: tuple[Hashable, ...], what: str, build: Callable[[], Any], *, done: Callable[[Any], None] | None = None) -> Job:
        """Start building (``build()`` in a worker thread) unless a build with this key is running, in
        which case that one is returned (the request joins it). A finished build with this key is
        replaced. ``done(result)`` runs in the worker after a successful build (to record it)."""
        with self._lock:
            self._forget_old()
            running = self._jobs.get(key)
            if running is not None and running.running:
                running.requests += 1
                return running
            job = Job(key=key, what=what)
            self._jobs[key] = job
        thread = threading.Thread(target=self._run, args=(job, build, done), name=f"build {what}", daemon=True)
        thread.start()
        return job

    def get(self, key: tuple[Hashable, ...]) -> Job | None:
        """The build with this key (running or finished), or None."""
        with self._lock:
            return self._jobs.get(key)

    def running(self) -> list[Job]:
        """The builds under way."""
        with self._lock:
            return [j for j in self._jobs.values() if j.running]

    def forget(self, key: tuple[Hashable, ...]) -> None:
        with self._lock:
            job = self._jobs.get(key)
            if job is not None and not job.running:
                del self._jobs[key]

    def _forget_old(self) -> None:
        now = time.monotonic()
        for key, job in list(self._jobs.items()):
            if job.finished is not None and now - job.finished > KEEP_SECONDS:
                del self._jobs[key]

    @staticmethod
    def _run(job: Job, build: Callable[[], Any], done: Callable[[Any], None] | None) -> None:
        try:
            with reporting_progress(job.told):
                result = build()
            if done is not None:
                done(result)
        except WorkbookError as exc:
            job.error, job.state = exc.message, "failed"
        except Exception:  # noqa: BLE001 - a worker must never die silently: the page says it failed
            log.exception("Building %s failed", job.what)
            job.error, job.state = UNEXPECTED, "failed"
        else:
            job.result, job.fraction, job.step, job.state = result, 1.0, "Done.", "done"
        finally:
            job.finished, job.finished_at = time.monotonic(), datetime.now(UTC)
            job._done.set()


#: The builds of this server process: every page and every person shares it, so a build started on
#: one page is found again from another, or after a page is left and opened again.
JOBS = Jobs()
