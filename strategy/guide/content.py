"""Guide content as data: chapters, prompts and reference lists from ``data/``, loaded and
validated once per process. A broken data file fails loudly at start, naming file and id."""

from __future__ import annotations

import functools
import re
import string
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from strategy.core.settings import DATA_DIR

PROMPT_TYPES = ("text", "longtext", "number", "date", "image", "choice", "multichoice", "table", "grid", "reference")
COLUMN_TYPES = ("text", "longtext", "number", "statistic", "period", "date", "choice", "multichoice", "yesno")
PARTS = ("start", "A", "B", "C")
DEFAULT_MAX_CHARS = {"text": 300, "longtext": 100_000}
_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")

#: The checks a prompt may name in chapters.yaml (``checks:``); ``strategy.guide.checks.CHECKS`` has one
#: function for each, and a test holds the two lists together.
KNOWN_CHECKS = (
    "steering_group",
    "statutory_contributions",
    "forms_covered",
    "groups_considered",
    "pathways_in_place",
    "policies_reviewed",
)


class ContentError(Exception):
    """A data file is wrong; the message names the file and what to fix."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    id: str
    label: str
    #: A fixed choice's Welsh (chapters.yaml's own ``options:``; a list's items carry theirs in data/reference).
    label_cy: str = ""


class Column(_Strict):
    id: str
    label: str
    #: The column's Welsh: its header on the screens for a person who chose Cymraeg, in a Welsh
    #: document's table, and its question on a survey link's page (data/survey_links.yaml).
    label_cy: str = ""
    type: Literal["text", "longtext", "number", "statistic", "period", "date", "choice", "multichoice", "yesno"]
    help: str = ""
    help_cy: str = ""
    required: bool = False
    options: tuple[Option, ...] = ()
    options_from: str | None = None
    max_chars: int | None = None
    min: float | None = None
    max: float | None = None

    @property
    def limit(self) -> int:
        return self.max_chars or DEFAULT_MAX_CHARS.get(self.type, 300)


class Prompt(_Strict):
    id: str
    type: Literal["text", "longtext", "number", "date", "image", "choice", "multichoice", "table", "grid", "reference"]
    label: str
    help: str = ""
    #: The question and its help in Welsh, for a person who chose Cymraeg for the screens (empty: not
    #: yet translated, and the English shows; data/language/interface.yaml lists what is still English).
    label_cy: str = ""
    help_cy: str = ""
    guide: str = ""
    placeholder: str = ""
    max_chars: int | None = None
    identifying_details_note: bool = False
    options: tuple[Option, ...] = ()
    options_from: str | None = None
    source: str | None = None
    columns: tuple[Column, ...] = ()
    ordered: bool = False
    item_label: str = "row"
    checks: tuple[str, ...] = ()
    #: grid: the reference list(s) whose items are the rows; two lists give their cross product.
    rows_from: str | tuple[str, ...] | None = None
    #: grid: the partnership may add rows of its own (each with a label).
    extra_rows: bool = False
    #: table: rows come from a file import, not from typing.
    imported: bool = False
    min: float | None = None
    max: float | None = None
    #: Left out of a chapter's progress: worth answering only where it applies (an exemption list...).
    optional: bool = False
    #: Asked only of partnerships in these nations (empty: all).
    nations: tuple[str, ...] = ()

    def asked_in(self, nation: str) -> bool:
        return not self.nations or nation in self.nations

    @property
    def limit(self) -> int:
        return self.max_chars or DEFAULT_MAX_CHARS.get(self.type, 300)

    @property
    def answerable(self) -> bool:
        return self.type != "reference"

    @property
    def counted(self) -> bool:
        """Counts towards a chapter's progress."""
        return self.answerable and not self.optional

    @model_validator(mode="after")
    def _shape(self):
        if not _ID.match(self.id):
            raise ValueError(f"prompt id {self.id!r} must be lower_snake words joined by dots")
        if self.type in ("choice", "multichoice") and not (self.options or self.options_from):
            raise ValueError(f"prompt {self.id}: a {self.type} needs options or options_from")
        if self.type in ("table", "grid") and not self.columns:
            raise ValueError(f"prompt {self.id}: a {self.type} needs columns")
        if self.type == "grid" and not self.rows_from:
            raise ValueError(f"prompt {self.id}: a grid needs rows_from")
        if self.type != "grid" and (self.rows_from or self.extra_rows):
            raise ValueError(f"prompt {self.id}: only a grid has rows_from or extra_rows")
        if self.type == "reference" and not self.source:
            raise ValueError(f"prompt {self.id}: a reference needs a source")
        ids = [c.id for c in self.columns]
        if len(ids) != len(set(ids)):
            raise ValueError(f"prompt {self.id}: column ids repeat")
        return self


class Section(_Strict):
    id: str
    title: str
    title_cy: str = ""
    guide: str = ""
    intro: str = ""
    intro_cy: str = ""
    prompts: tuple[Prompt, ...]


class Chapter(_Strict):
    id: str
    title: str
    title_cy: str = ""
    part: Literal["start", "A", "B", "C"]
    guide: str = ""
    template_sections: tuple[int, ...] = ()
    summary: str = ""
    summary_cy: str = ""
    sections: tuple[Section, ...]

    @property
    def prompts(self) -> list[Prompt]:
        return [p for s in self.sections for p in s.prompts]


class ReferenceList(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)
    id: str
    title: str
    guide: str = ""
    items: tuple[dict, ...] = Field(min_length=1)

    def for_nation(self, nation: str) -> list[dict]:
        return [i for i in self.items if nation in i.get("nations", [nation])]


class Nation(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)
    id: str
    label: str

    def words(self) -> dict[str, str]:
        return {k: v for k, v in self.model_dump().items() if isinstance(v, str)}


class Content(BaseModel):
    model_config = ConfigDict(frozen=True)
    chapters: tuple[Chapter, ...]
    references: dict[str, ReferenceList]
    nations: dict[str, Nation]

    def chapter(self, chapter_id: str) -> Chapter:
        for c in self.chapters:
            if c.id == chapter_id:
                return c
        raise KeyError(chapter_id)

    @functools.cached_property
    def prompts(self) -> dict[str, Prompt]:
        return {p.id: p for c in self.chapters for p in c.prompts}

    def chapter_of(self, prompt_id: str) -> Chapter:
        for c in self.chapters:
            if any(p.id == prompt_id for p in c.prompts):
                return c
        raise KeyError(prompt_id)

    def options(self, owner: Prompt | Column, nation: str | None = None, language: str = "en") -> list[Option]:
        """The choices for a choice prompt or column, in the nation's words where they differ, named in
        ``language`` (see ``item_label``); the ids are always the stored values."""
        if owner.options:
            return [Option(id=o.id, label=item_label(o.model_dump(), None, language)) for o in owner.options]
        if owner.options_from is None:
            raise ContentError(f"chapters.yaml: {owner.id} has no options and no options_from")
        return self.list_options(owner.options_from, nation, language)

    def list_options(self, ref_id: str, nation: str | None, language: str = "en") -> list[Option]:
        ref = self.references[ref_id]
        items = ref.for_nation(nation) if nation else list(ref.items)
        return [Option(id=i["id"], label=item_label(i, nation, language)) for i in items]

    def list_label(self, ref_id: str, item_id: object, nation: str | None = None, language: str = "en") -> str:
        """One item's name in ``language`` (the id as written where the list has no such item)."""
        found = next((i for i in self.references[ref_id].items if str(i["id"]) == str(item_id)), None)
        return item_label(found, nation, language) if found else str(item_id or "")

    def grid_rows(self, prompt: Prompt, nation: str | None = None, language: str = "en") -> list[tuple[str, str]]:
        """A grid's fixed rows as (row key, label); two lists give "a|b" keys in their cross product."""
        sources = (prompt.rows_from,) if isinstance(prompt.rows_from, str) else tuple(prompt.rows_from or ())
        if len(sources) == 1:
            return [(o.id, o.label) for o in self.list_options(sources[0], nation, language)]
        first, second = (self.list_options(src, nation, language) for src in sources[:2])
        return [(f"{a.id}|{b.id}", f"{a.label}: {b.label}") for a in first for b in second]

    def reference(self, ref_id: str) -> ReferenceList:
        return self.references[ref_id]

    def label_in(self, prompt: Prompt, nation: str, language: str = "en") -> str:
        """A question as the screens show it: in Welsh where the person chose Cymraeg and the question
        has its Welsh, else in English; the nation's words filled in."""
        return self.fill(prompt.label_cy if language == "cy" and prompt.label_cy else prompt.label, nation)

    def help_in(self, prompt: Prompt, nation: str, language: str = "en") -> str:
        return self.fill(prompt.help_cy if language == "cy" and prompt.help_cy else prompt.help, nation)

    def fill(self, text: str, nation: str) -> str:
        """Put the nation's words into help text (``{plan_term}`` and friends)."""
        return string.Formatter().vformat(text, (), _Words(self.nations[nation].words()))


def item_label(item: dict, nation: str | None = None, language: str = "en") -> str:
    """The one lookup of a reference-list item's name: in English its label (the nation's wording where
    it differs); in Welsh (``"cy"``) its ``label_cy`` (the English where a list has no Welsh); in a
    bilingual document (``"bilingual"``) "Welsh / English". The stored value is always the item's id."""
    english = (item.get("label_by_nation") or {}).get(nation, item["label"]) if nation else item["label"]
    welsh = item.get("label_cy") or ""
    if language == "en" or not welsh:
        return english
    return welsh if language == "cy" or welsh == english else f"{welsh} / {english}"


def item_description(item: dict, language: str = "en") -> str:
    """A reference-list item's description in ``language``, as ``item_label`` names it: its
    ``description_cy`` in Welsh (the English where it has none), "Welsh" then "English" in a bilingual
    document; empty where the item has no description."""
    english = (item.get("description") or "").strip()
    welsh = (item.get("description_cy") or "").strip()
    if language == "en" or not welsh or not english:
        return english
    return welsh if language == "cy" else f"{welsh}\n{english}"


class _Words(dict):
    def __missing__(self, key):  # an unknown placeholder shows as written, never crashes a page
        return "{" + key + "}"


def _read_yaml(path: Path):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ContentError(f"{path.name}: not valid YAML: {exc}") from exc


def load_content(data_dir: Path = DATA_DIR) -> Content:
    """Load and validate every content file under ``data_dir``."""
    references: dict[str, ReferenceList] = {}
    for path in sorted((data_dir / "reference").glob("*.yaml")):
        try:
            ref = ReferenceList.model_validate(_read_yaml(path))
        except ValidationError as exc:
            raise ContentError(f"reference/{path.name}: {exc}") from exc
        if ref.id != path.stem:
            raise ContentError(f"reference/{path.name}: id {ref.id!r} should be {path.stem!r}")
        item_ids = [i.get("id") for i in ref.items]
        if None in item_ids or any(not i.get("label") for i in ref.items):
            raise ContentError(f"reference/{path.name}: every item needs an id and a label")
        if len(item_ids) != len(set(item_ids)):
            raise ContentError(f"reference/{path.name}: item ids repeat")
        if any("label_cy" in i and not (isinstance(i["label_cy"], str) and i["label_cy"].strip()) for i in ref.items):
            raise ContentError(f"reference/{path.name}: a label_cy (an item's Welsh name) is empty or not text")
        if any("description_cy" in i and not (isinstance(i["description_cy"], str) and i["description_cy"].strip()) for i in ref.items):
            raise ContentError(f"reference/{path.name}: a description_cy (an item's Welsh description) is empty or not text")
        if any("description_cy" in i and not i.get("description") for i in ref.items):
            raise ContentError(f"reference/{path.name}: a description_cy belongs to an item with a description")
        references[ref.id] = ref
    try:
        nations = {n["id"]: Nation.model_validate(n) for n in _read_yaml(data_dir / "nations.yaml")["nations"]}
        chapters = tuple(Chapter.model_validate(c) for c in _read_yaml(data_dir / "chapters.yaml")["chapters"])
    except ValidationError as exc:
        raise ContentError(f"chapters.yaml or nations.yaml: {exc}") from exc
    if set(nations) != {"england", "wales"}:
        raise ContentError("nations.yaml must define exactly england and wales")
    _check_unique([c.id for c in chapters], "chapter")
    _check_unique([p.id for c in chapters for p in c.prompts], "prompt")
    for c in chapters:
        _check_unique([s.id for s in c.sections], f"section in chapter {c.id}")
        for p in c.prompts:
            owners: tuple[Prompt | Column, ...] = (p, *p.columns)
            for owner in owners:
                src = owner.options_from
                if src and src not in references:
                    raise ContentError(f"chapters.yaml: {p.id} takes options from {src!r}, which is not in data/reference/")
            if p.source and p.source not in references:
                raise ContentError(f"chapters.yaml: {p.id} shows {p.source!r}, which is not in data/reference/")
            rows_from = (p.rows_from,) if isinstance(p.rows_from, str) else tuple(p.rows_from or ())
            for src in rows_from:
                if src not in references:
                    raise ContentError(f"chapters.yaml: {p.id} takes its rows from {src!r}, which is not in data/reference/")
            if len(rows_from) > 2:
                raise ContentError(f"chapters.yaml: {p.id} takes rows from more than two lists")
            for check in p.checks:
                if check not in KNOWN_CHECKS:
                    raise ContentError(f"chapters.yaml: {p.id} names an unknown check {check!r}")
            for text in (p.label, p.help, p.label_cy, p.help_cy, *(t for col in p.columns for t in (col.help, col.help_cy))):
                _check_fills(text, nations, p.id)
            for option in (*p.options, *(o for col in p.columns for o in col.options)):
                if option.label_cy and not option.label_cy.strip():
                    raise ContentError(f"chapters.yaml: {p.id}: option {option.id}'s label_cy (its Welsh) is blank")
            for col in p.columns:
                if col.label_cy and not col.label_cy.strip() or col.help_cy and not col.help_cy.strip():
                    raise ContentError(f"chapters.yaml: {p.id}: column {col.id}'s Welsh (label_cy or help_cy) is blank")
        for s in c.sections:
            _check_fills(s.intro, nations, f"section {c.id}.{s.id} intro")
            _check_fills(s.intro_cy, nations, f"section {c.id}.{s.id} intro_cy")
        _check_fills(c.summary, nations, f"chapter {c.id} summary")
        _check_fills(c.summary_cy, nations, f"chapter {c.id} summary_cy")
    return Content(chapters=chapters, references=references, nations=nations)


def _check_fills(text: str, nations: dict[str, Nation], where: str) -> None:
    """Pages fill this text with each nation's words: a stray brace, ``{}`` or ``{0}`` would break them."""
    for nation in nations.values():
        try:
            string.Formatter().vformat(text, (), _Words(nation.words()))
        except (ValueError, IndexError, KeyError, AttributeError) as exc:
            raise ContentError(f"chapters.yaml: {where}: a brace in the text is not a placeholder such as {{plan_term}} ({exc})") from exc


def _check_unique(ids: list[str], what: str) -> None:
    seen = set()
    for i in ids:
        if i in seen:
            raise ContentError(f"chapters.yaml: {what} id {i!r} is used twice")
        seen.add(i)


@functools.lru_cache(maxsize=1)
def content() -> Content:
    """The content of ``data/``, loaded once per process."""
    return load_content()
