"""Who is making a change.

An Author with a ``user_id`` is a signed-in account (every page passes one); its rights in a
partnership come from its membership there (strategy.core.access). An Author without one is the local
system or command line, which has database access anyway (the demo loader, imports from a
terminal, the tests of the foundation). History written before accounts keeps its names."""

from __future__ import annotations

from dataclasses import dataclass

from strategy.core.errors import InvalidInput
from strategy.core.text import normalise_name


@dataclass(frozen=True)
class Author:
    name: str
    agency: str = ""
    user_id: int | None = None
    #: The account's sign-in name (empty for the system actor).
    username: str = ""

    @classmethod
    def make(cls, name: str, agency: str = "", user_id: int | None = None, username: str = "") -> Author:
        name, agency = normalise_name(name), normalise_name(agency)
        if not name:
            raise InvalidInput("Please give your name, so the workbook can show who wrote what.")
        if len(name) > 120:
            raise InvalidInput("Your name is longer than 120 characters; please shorten it.")
        if len(agency) > 200:
            raise InvalidInput("The agency name is longer than 200 characters; please shorten it.")
        return cls(name=name, agency=agency, user_id=user_id, username=username)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.agency})" if self.agency else self.name


SYSTEM = Author(name="Workbook")
