"""Errors a person can read: every message says what is wrong and what to do."""


class WorkbookError(Exception):
    """A problem to show to the person as it is (one plain-English sentence or two)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidInput(WorkbookError):
    """Input refused; nothing was stored."""


class NotFound(WorkbookError):
    """Something asked for does not exist (any more)."""


class NotAllowed(WorkbookError):
    """The signed-in person's role does not allow this; nothing was stored."""


class StorageError(WorkbookError):
    """The database cannot be used: missing, damaged, read-only, newer or unreachable."""


class Conflict(WorkbookError):
    """Someone else saved the same thing since this person loaded it.

    ``theirs`` is what is stored now; ``mine`` is what this person tried to save. Both are kept:
    ``mine`` has already been written to the history as a conflict copy.
    """

    def __init__(self, message: str, *, mine, theirs, theirs_version: int, theirs_by: str, theirs_at):
        super().__init__(message)
        self.mine = mine
        self.theirs = theirs
        self.theirs_version = theirs_version
        self.theirs_by = theirs_by
        self.theirs_at = theirs_at
