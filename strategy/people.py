"""Who is making a change. Until accounts exist, a name and agency given once per browser
session; ``user_id`` is there so accounts slot in without touching the history already written."""

from __future__ import annotations

from dataclasses import dataclass

from strategy.errors import InvalidInput
from strategy.text import normalise_name


@dataclass(frozen=True)
class Author:
    name: str
    agency: str = ""
    user_id: int | None = None

    @classmethod
    def make(cls, name: str, agency: str = "", user_id: int | None = None) -> Author:
        name, agency = normalise_name(name), normalise_name(agency)
        if not name:
            raise InvalidInput("Please give your name, so the workbook can show who wrote what.")
        if len(name) > 120:
            raise InvalidInput("Your name is longer than 120 characters; please shorten it.")
        if len(agency) > 200:
            raise InvalidInput("The agency name is longer than 200 characters; please shorten it.")
        return cls(name=name, agency=agency, user_id=user_id)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.agency})" if self.agency else self.name


SYSTEM = Author(name="Workbook")
