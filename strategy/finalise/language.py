"""The language check, acronyms and long sentences (Guide §1.6 and §13.1, clarity).

Reads every piece of text the partnership has written (answers and the text cells of tables), and
finds: terms the guide steers away from, with the wording it prefers (data/reference/terminology.yaml);
abbreviations a reader cannot look up; sentences too long to read easily. Words inside quotation marks
and phrases the partnership lists as exempt (quoted titles) are left alone. Each finding names the
chapter and field, so a page can link to where to fix it.

Other features register further text sources (``TEXT_SOURCES``) so the check covers them too."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from sqlalchemy.engine import Engine

from strategy.answers.operations import all_rows, get_answers, list_rows
from strategy.core.changes import UntilChanged
from strategy.core.models import stored_id
from strategy.guide.content import content
from strategy.people.partnerships import get_partnership
from strategy.plan.operations import load_plan
from strategy.word.language import phrase, phrases

EXEMPT_PROMPT = "finalise.language_exempt"
GLOSSARY_PROMPT = "finalise.glossary"
#: A sentence longer than this many words is hard to read aloud or take in at once.
LONG_SENTENCE_WORDS = 40
#: Corrections to the documents' Welsh (strategy.documents.welsh): not text for the plain-English check.
WELSH_WORDING_PROMPT = "finalise.welsh_wording"
_SKIP_PROMPTS = {EXEMPT_PROMPT, GLOSSARY_PROMPT, WELSH_WORDING_PROMPT}


@dataclass(frozen=True)
class Text:
    """One piece of text the partnership wrote, and where it lives."""

    chapter_id: str
    chapter_title: str
    where: str  # the field, as a person knows it ("Vision statement", "Steering group, row 3: Role")
    text: str
    prompt_id: str
    item_id: int | None = None
    column_id: str | None = None
    #: ``where`` in Welsh, for a person who chose Cymraeg (empty: the English is shown).
    where_cy: str = ""


@dataclass(frozen=True)
class TermFinding:
    text: Text
    found: str  # as written
    term_id: str
    prefer: str
    why: str
    guide: str
    snippet: str
    #: The language of ``message`` and ``why`` (and of the text's chapter and place): "en" or "cy".
    language: str = "en"

    @property
    def message(self) -> str:
        return phrase(
            "language.term",
            self.language,
            found=self.found,
            chapter=self.text.chapter_title,
            where=self.text.where,
            prefer=self.prefer,
            guide=self.guide,
        )


@dataclass(frozen=True)
class SentenceFinding:
    text: Text
    words: int
    snippet: str
    language: str = "en"

    @property
    def message(self) -> str:
        return phrase(
            "language.sentence",
            self.language,
            words=self.words,
            chapter=self.text.chapter_title,
            where=self.text.where,
            snippet=self.snippet,
        )


@dataclass
class Acronyms:
    """Every abbreviation the text uses, with its meaning where one is known."""

    meanings: dict[str, str] = field(default_factory=dict)  # acronym -> meaning
    source: dict[str, str] = field(default_factory=dict)  # acronym -> "yours" | "in your text" | "the workbook's list"
    unexplained: dict[str, list[Text]] = field(default_factory=dict)  # acronym -> where it appears

    def glossary(self) -> list[tuple[str, str]]:
        return sorted(self.meanings.items(), key=lambda kv: kv[0].casefold())


# --- Where text comes from ---------------------------------------------------------------------


def _chapter_texts(engine: Engine, partnership_id: int) -> Iterable[Text]:
    c = content()
    answers = get_answers(engine, partnership_id)
    rows = all_rows(engine, partnership_id)
    for chapter in c.chapters:
        for prompt in chapter.prompts:
            if prompt.id in _SKIP_PROMPTS or prompt.imported:
                continue  # imported rows are what others said (survey comments), not the strategy's words
            if prompt.type in ("text", "longtext"):
                answer = answers.get(prompt.id)
                if answer and answer.value.strip():
                    yield Text(
                        chapter.id,
                        chapter.title,
                        _short(prompt.label),
                        answer.value,
                        prompt.id,
                        where_cy=_short(prompt.label_cy or prompt.label),
                    )
            elif prompt.type in ("table", "grid"):
                columns = {col.id: col for col in prompt.columns if col.type in ("text", "longtext")}
                if prompt.type == "grid":
                    grid_labels = dict(c.grid_rows(prompt))
                    grid_labels_cy = dict(c.grid_rows(prompt, language="cy"))
                for number, row in enumerate(rows.get(prompt.id, []), start=1):
                    if prompt.type == "grid" and row.row_key:
                        row_name = grid_labels.get(row.row_key, row.row_key)
                        row_name_cy = grid_labels_cy.get(row.row_key, row_name)
                    else:
                        row_name = f"{prompt.item_label} {number}"
                        row_name_cy = phrase("language.row", "cy", number=number)
                        if prompt.type == "grid" and row.values.get("label"):
                            row_name = row_name_cy = str(row.values["label"])
                    for col_id, col in columns.items():
                        value = row.values.get(col_id)
                        if isinstance(value, str) and value.strip():
                            yield Text(
                                chapter.id,
                                chapter.title,
                                f"{_short(prompt.label)}, {row_name}: {col.label}",
                                value,
                                prompt.id,
                                row.id,
                                col_id,
                                f"{_short(prompt.label_cy or prompt.label)}, {row_name_cy}: {col.label_cy or col.label}",
                            )


def _plan_where(kind: str, code: str, label: str) -> str:
    """Where in the plan a text lives, in Welsh ("nod A1, teitl")."""
    return phrase(f"language.where.{kind}", "cy", code=code, field=phrase("language.field." + label.replace(" ", "_"), "cy"))


def _plan_texts(engine: Engine, partnership_id: int) -> Iterable[Text]:
    """The Theory of Change, the evaluation framework and the action plan (Guide §7, §12)."""

    plan = load_plan(engine, partnership_id)
    for aim in plan.aims:
        code = plan.code("aim", stored_id(aim))
        for label, value in (("title", aim.title), ("description", aim.description), ("why it matters", aim.rationale)):
            if value and value.strip():
                yield Text(
                    "theory_of_change",
                    "Theory of Change",
                    f"aim {code}, {label}",
                    value,
                    "plan.aim",
                    aim.id,
                    label,
                    _plan_where("aim", code, label),
                )
        for outcome in plan.outcomes.get(stored_id(aim), []):
            code = plan.code("outcome", stored_id(outcome))
            for label, value in (("title", outcome.title), ("why it leads to the aim", outcome.rationale)):
                if value and value.strip():
                    yield Text(
                        "theory_of_change",
                        "Theory of Change",
                        f"outcome {code}, {label}",
                        value,
                        "plan.outcome",
                        outcome.id,
                        label,
                        _plan_where("outcome", code, label),
                    )
            for action in plan.actions.get(stored_id(outcome), []):
                code = plan.code("action", stored_id(action))
                for label, value in (
                    ("action", action.title),
                    ("partners", action.partners),
                    ("why it leads to the outcome", action.rationale),
                ):
                    if value and value.strip():
                        yield Text(
                            "action_plan",
                            "Action plan",
                            f"action {code}, {label}",
                            value,
                            "plan.action",
                            action.id,
                            label,
                            _plan_where("action", code, label),
                        )
            for measure in plan.measures.get(stored_id(outcome), []):
                code = plan.code("measure", stored_id(measure))
                for label, value in (
                    ("the data", measure.indicator),
                    ("how it is collected", measure.collection),
                    ("how it is reported", measure.reporting),
                ):
                    if value and value.strip():
                        yield Text(
                            "evaluation",
                            "Evaluation framework",
                            f"measure {code}, {label}",
                            value,
                            "plan.measure",
                            measure.id,
                            label,
                            _plan_where("measure", code, label),
                        )


#: Each source yields the texts one feature holds; features add theirs (the review, the snapshot...).
TEXT_SOURCES: list[Callable[[Engine, int], Iterable[Text]]] = [_chapter_texts, _plan_texts]


def partnership_texts(engine: Engine, partnership_id: int) -> list[Text]:
    return [t for source in TEXT_SOURCES for t in source(engine, partnership_id)]


def _short(label: str, limit: int = 70) -> str:
    label = label.strip()
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


# --- Terms ------------------------------------------------------------------------------------

_QUOTED = re.compile(r"\"[^\"\n]{1,400}\"|“[^”\n]{1,400}”|‘[^’\n]{1,400}’|«[^»\n]{1,400}»")


def _pattern(term: str) -> re.Pattern:
    """A term as a whole word or phrase; capitals-only terms (CSA) match only in capitals."""
    escaped = r"\s+".join(re.escape(part) for part in term.split())
    if term.upper() == term and any(ch.isalpha() for ch in term):
        return re.compile(rf"(?<![A-Za-z]){escaped}(?:s|'s)?(?![A-Za-z])")
    return re.compile(rf"(?<![A-Za-z]){escaped}(?:s|es)?(?![A-Za-z])", re.IGNORECASE)


def _spans(pattern_texts: Iterable[str], text: str) -> list[tuple[int, int]]:
    spans = []
    for wanted in pattern_texts:
        wanted = wanted.strip()
        if wanted:
            spans += [(m.start(), m.end()) for m in re.finditer(re.escape(wanted), text, re.IGNORECASE)]
    return spans


def exempt_phrases(engine: Engine, partnership_id: int) -> list[str]:
    return [str(r.values.get("phrase") or "") for r in list_rows(engine, partnership_id, EXEMPT_PROMPT)]


def _snippet(text: str, start: int, end: int, width: int = 50) -> str:
    left = max(0, start - width)
    right = min(len(text), end + width)
    out = " ".join(text[left:right].split())
    return ("…" if left else "") + out + ("…" if right < len(text) else "")


def term_findings(texts: Iterable[Text], exempt: Iterable[str] = ()) -> list[TermFinding]:
    terms = [t for t in content().reference("terminology").items if t.get("avoid")]
    compiled = [(t, [_pattern(a) for a in t["avoid"]]) for t in terms]
    exempt = list(exempt)
    findings = []
    for piece in texts:
        quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(piece.text)]
        here: list[tuple[int, TermFinding]] = []  # in the order they are read
        for term, patterns in compiled:
            allowed = quoted + _spans([*exempt, *term.get("allow", [])], piece.text)
            seen: set[tuple[int, int]] = set()
            for pattern in patterns:
                for m in pattern.finditer(piece.text):
                    if any(a <= m.start() and m.end() <= b for a, b in allowed) or (m.start(), m.end()) in seen:
                        continue
                    # A longer avoided form ("disclosure") and its stem ("disclose") find the same place once.
                    if any(s <= m.start() < e for s, e in seen):
                        continue
                    seen.add((m.start(), m.end()))
                    here.append(
                        (
                            m.start(),
                            TermFinding(
                                piece,
                                m.group(0),
                                term["id"],
                                term["prefer"],
                                " ".join(term["why"].split()),
                                term.get("guide", "§1.6"),
                                _snippet(piece.text, m.start(), m.end()),
                            ),
                        )
                    )
        findings += [f for _, f in sorted(here, key=lambda pair: pair[0])]
    return findings


# --- Long sentences ------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def long_sentences(texts: Iterable[Text], limit: int = LONG_SENTENCE_WORDS) -> list[SentenceFinding]:
    findings = []
    for piece in texts:
        for sentence in _SENTENCE_END.split(piece.text):
            words = sentence.split()
            if len(words) > limit:
                findings.append(SentenceFinding(piece, len(words), " ".join(words[:12]) + " …"))
    return findings


# --- Acronyms -----------------------------------------------------------------------------------

_CANDIDATE = re.compile(r"(?<![A-Za-z0-9])([A-Z][A-Za-z&]{0,9})(?![A-Za-z0-9])")


def _known(nation: str | None) -> dict[str, str]:
    ref = content().reference("acronyms")
    items = ref.for_nation(nation) if nation else list(ref.items)
    return {i["label"]: i["meaning"] for i in items}


def _not_acronyms() -> set[str]:
    return set((content().reference("acronyms").model_extra or {}).get("not_acronyms", []))


def _is_acronym(token: str, known: dict[str, str], stop: set[str]) -> bool:
    if token in stop:
        return False
    if token in known:
        return True
    capitals = sum(ch.isupper() for ch in token)
    # At least two capitals and mostly capitals (DfE, SARC, ChISVA), at most eight letters.
    return capitals >= 2 and len(token) <= 8 and capitals * 2 >= len(token)


def _singular(token: str, known: dict[str, str]) -> str:
    """SARCs -> SARC, ICBs -> ICB (a plural of a known or capitals-only acronym)."""
    if token.endswith("s") and len(token) > 2 and (token[:-1] in known or token[:-1].isupper()):
        return token[:-1]
    return token


#: An abbreviation in brackets: "(SARC)", "( ICBs )". The words before it may spell it out.
_BRACKETED = re.compile(r"\(\s*([A-Za-z&]{1,12})\s*\)")
#: What may come between the words that spell an abbreviation out and its bracket.
_NOT_SPELLING = re.compile(r"[()\n.;:]")


def _spelled_out_in(text: str) -> dict[str, list[tuple[int, list[str]]]]:
    """Every bracketed abbreviation in ``text`` with the words before each bracket, in the order
    they appear: one pass over the text, however many abbreviations there are."""
    found: dict[str, list[tuple[int, list[str]]]] = {}
    for m in _BRACKETED.finditer(text):
        end = m.start()
        while end > 0 and text[end - 1].isspace():
            end -= 1
        # The words since the last bracket, full stop, colon, semicolon or line break, at most 160 characters.
        window = text[max(0, end - 160) : end]
        stops = list(_NOT_SPELLING.finditer(window))
        before = window[stops[-1].end() :] if stops else window
        if len(before) >= 2:
            found.setdefault(m.group(1), []).append((m.start(), before.split()))
    return found


def _spelled_out(bracketed: dict[str, list[tuple[int, list[str]]]], acronym: str) -> str | None:
    """'sexual assault referral centre (SARC)' -> 'sexual assault referral centre' (or "(SARCs)"):
    the first place in the text that spells it out."""
    candidates = sorted(bracketed.get(acronym, []) + bracketed.get(acronym + "s", []), key=lambda found: found[0])
    want = len(re.sub(r"[^A-Z]", "", acronym)) or len(acronym)
    for _, words in candidates:
        best = None
        for k in range(1, min(len(words), want + 3) + 1):
            if words[-k][:1].lower() == acronym[0].lower():
                if best is None or abs(k - want) < abs(best - want):
                    best = k
        if best:
            return " ".join(words[-best:]).strip(" ,")
    return None


def acronyms_in(
    texts: Iterable[Text], *, nation: str | None = None, own: dict[str, str] | None = None, raw: Iterable[str] = ()
) -> Acronyms:
    """Every acronym used in ``texts`` (and in ``raw`` strings, such as the Word draft's own text)."""
    known, stop, own = _known(nation), _not_acronyms(), dict(own or {})
    pieces = list(texts) + [Text("", "", "", s, "") for s in raw]
    whole = "\n".join(p.text for p in pieces)
    bracketed = _spelled_out_in(whole)
    result = Acronyms()
    for piece in pieces:
        for m in _CANDIDATE.finditer(piece.text):
            token = m.group(1)
            if not _is_acronym(token, known, stop):
                continue
            token = _singular(token, known)
            if token in result.meanings:
                continue
            if token in own:
                result.meanings[token], result.source[token] = own[token], "yours"
            elif (spelled := _spelled_out(bracketed, token)) is not None:
                result.meanings[token], result.source[token] = spelled, "in your text"
            elif token in known:
                result.meanings[token], result.source[token] = known[token], "the workbook's list"
            elif piece.prompt_id:
                result.unexplained.setdefault(token, []).append(piece)
            else:
                result.unexplained.setdefault(token, [])
    # Known multi-word names ("CSA Centre") are looked for as phrases.
    for label, meaning in known.items():
        if " " in label and label not in result.meanings and re.search(rf"\b{re.escape(label)}\b", whole):
            result.meanings[label], result.source[label] = meaning, "the workbook's list"
            result.unexplained.pop(label.split()[0], None)
    return result


def own_glossary(engine: Engine, partnership_id: int) -> dict[str, str]:
    rows = list_rows(engine, partnership_id, GLOSSARY_PROMPT)
    return {str(r.values.get("acronym") or "").strip(): str(r.values.get("meaning") or "").strip() for r in rows if r.values.get("acronym")}


# --- The whole check ------------------------------------------------------------------------------


@dataclass
class LanguageReport:
    terms: list[TermFinding]
    sentences: list[SentenceFinding]
    acronyms: Acronyms
    texts_read: int

    @property
    def clean(self) -> bool:
        return not self.terms and not self.acronyms.unexplained


#: Reports kept until the partnership changes (the Finalise page and the readiness check read it on every run).
_KEPT = UntilChanged()


def language_report(engine: Engine, partnership_id: int, *, nation: str | None = None, language: str = "en") -> LanguageReport:
    """The one way to the language check: the Finalise page, the readiness check and the CLI call this.
    Made again only when something in the partnership has changed. ``language`` "cy": the same findings
    with their chapters, places, reasons and messages in Welsh (what people wrote stays as written)."""
    if nation is None:
        nation = get_partnership(engine, partnership_id).nation
    english = _KEPT.get(engine, partnership_id, nation, lambda: _language_report(engine, partnership_id, nation))
    if language == "en":
        return english
    return _KEPT.get(engine, partnership_id, (nation, language), lambda: _in_language(english, language))


def _chapter_title_in(text: Text, language: str) -> str:
    if language == "en":
        return text.chapter_title
    key = f"language.page.{text.chapter_id}"
    if key in phrases():
        return phrase(key, language)
    try:
        return content().chapter(text.chapter_id).title_cy or text.chapter_title
    except KeyError:  # a source's own page (not a chapter): its title as it gave it
        return text.chapter_title


def _text_in(text: Text, language: str) -> Text:
    if language == "en":
        return text
    return replace(text, chapter_title=_chapter_title_in(text, language), where=text.where_cy or text.where)


def _why_in(term_id: str, english: str, language: str) -> str:
    key = f"language.why.{term_id}"
    return phrase(key, language) if language != "en" and key in phrases() else english


def _guide_in(term_id: str, english: str, language: str) -> str:
    key = f"language.guide.{term_id}"
    return phrase(key, language) if language != "en" and key in phrases() else english


def _source_in(source: str, language: str) -> str:
    key = "language.source." + re.sub(r"\W+", "_", source)
    return phrase(key, language) if key in phrases() else source


def _in_language(report: LanguageReport, language: str) -> LanguageReport:
    """The report with its fixed words in ``language``: the same findings, in the same order."""
    texts: dict[int, Text] = {}

    def text_in(text: Text) -> Text:
        return texts.setdefault(id(text), _text_in(text, language))

    return LanguageReport(
        terms=[
            replace(
                f,
                text=text_in(f.text),
                why=_why_in(f.term_id, f.why, language),
                guide=_guide_in(f.term_id, f.guide, language),
                language=language,
            )
            for f in report.terms
        ],
        sentences=[replace(f, text=text_in(f.text), language=language) for f in report.sentences],
        acronyms=Acronyms(
            report.acronyms.meanings,
            {a: _source_in(where, language) for a, where in report.acronyms.source.items()},
            {a: [text_in(t) for t in where] for a, where in report.acronyms.unexplained.items()},
        ),
        texts_read=report.texts_read,
    )


def _language_report(engine: Engine, partnership_id: int, nation: str) -> LanguageReport:
    texts = partnership_texts(engine, partnership_id)
    return LanguageReport(
        terms=term_findings(texts, exempt_phrases(engine, partnership_id)),
        sentences=long_sentences(texts),
        acronyms=acronyms_in(texts, nation=nation, own=own_glossary(engine, partnership_id)),
        texts_read=len(texts),
    )
