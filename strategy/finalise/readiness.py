"""The readiness check (Guide §13.1): the five criteria for success turned into checks the workbook
runs on what the partnership has written.

Each check returns findings that are met, partly met or not met, each naming the chapter and
question where it is put right. A criterion is met when every finding under it is met, not met when
none is, and partly met otherwise. Features register their own checks (``register``), so the plan's
checks live beside the plan."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.engine import Engine

from strategy.answers.operations import Row, all_rows, get_answers
from strategy.answers.welsh import KIND_WORDS, OUT_OF_DATE, out_of_date_words, welsh_applies, welsh_coverage
from strategy.assessments import involvement
from strategy.core.changes import UntilChanged
from strategy.core.dates import UK, to_uk
from strategy.core.models import Answer, Partnership, stored_id
from strategy.core.text import shorten, template_pattern
from strategy.finalise.endorsement import FINAL_STATUSES, list_endorsements
from strategy.finalise.language import language_report
from strategy.guide import checks as guide_checks
from strategy.guide.content import content
from strategy.people.partnerships import get_partnership
from strategy.plan.operations import load_plan, plan_checks
from strategy.word.language import long_date, phrase, phrases

MET, PARTLY, NOT_MET = "met", "partly", "not_met"
#: Advice: worth doing, but it does not count for or against the criterion (the Welsh versions: a
#: partnership in Wales may publish in English first).
ADVICE = "advice"
LEVEL_WORDS = {MET: "Met", PARTLY: "Partly met", NOT_MET: "Not met", ADVICE: "Advice"}
#: Findings listed one by one under a check before the rest are summed up.
MAX_LISTED = 15


@dataclass(frozen=True)
class Finding:
    criterion: str
    level: str  # met | partly | not_met | advice
    message: str
    chapter_id: str | None = None
    prompt_id: str | None = None

    def as_dict(self) -> dict:
        return {"level": self.level, "message": self.message, "chapter": self.chapter_id, "question": self.prompt_id}


@dataclass
class Inputs:
    """What the checks read, loaded once per report."""

    engine: Engine
    partnership: Partnership
    answers: dict[str, Answer]
    rows: dict[str, list[Row]]
    today: date
    _cache: dict = field(default_factory=dict)
    #: The language of the findings' sentences: "en" (the default) or "cy".
    lang: str = "en"

    def say(self, key: str, **values: object) -> str:
        """One of the findings' sentences (``readiness.<key>`` in data/language/documents.yaml) in the report's language."""
        return phrase(f"readiness.{key}", self.lang, None, **values)

    def from_english(self, english: str) -> str:
        """A sentence another part of the workbook wrote in English, in the report's language."""
        return welsh_of(english) if self.lang == "cy" else english

    def value(self, prompt_id: str) -> str:
        answer = self.answers.get(prompt_id)
        return answer.value.strip() if answer else ""

    def cached(self, key: str, make: Callable):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def language(self):

        return self.cached(
            "language", lambda: language_report(self.engine, self.partnership.id, nation=self.partnership.nation, language=self.lang)
        )


@dataclass
class CriterionResult:
    id: str
    label: str
    question: str
    findings: list[Finding]

    @property
    def level(self) -> str:
        levels = {f.level for f in self.findings if f.level != ADVICE}
        if not levels or levels == {MET}:
            return MET
        if MET not in levels and PARTLY not in levels:
            return NOT_MET
        return PARTLY

    @property
    def word(self) -> str:
        return LEVEL_WORDS[self.level]

    def to_fix(self) -> list[Finding]:
        return [f for f in self.findings if f.level not in (MET, ADVICE)]

    def advice(self) -> list[Finding]:
        """Findings worth acting on that do not count for or against the criterion."""
        return [f for f in self.findings if f.level == ADVICE]


@dataclass
class Report:
    partnership: str
    criteria: list[CriterionResult]

    def as_dict(self) -> dict:
        return {
            "partnership": self.partnership,
            "criteria": [
                {"id": c.id, "label": c.label, "status": c.level, "status_words": c.word, "findings": [f.as_dict() for f in c.findings]}
                for c in self.criteria
            ],
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2)


Check = Callable[[Inputs], list[Finding]]
#: criterion id -> the checks under it, in the order they are shown.
CHECKS: dict[str, list[Check]] = {}


def register(criterion: str):
    def wrap(fn: Check) -> Check:
        CHECKS.setdefault(criterion, []).append(fn)
        return fn

    return wrap


def _answered(i: Inputs, criterion: str, prompt_id: str, key: str) -> Finding:
    """Met when ``prompt_id`` is answered: the sentences ``readiness.<key>.met`` and ``.missing``."""
    chapter = content().chapter_of(prompt_id)
    if i.value(prompt_id):
        return Finding(criterion, MET, i.say(f"{key}.met"), chapter.id, prompt_id)
    return Finding(criterion, NOT_MET, i.say(f"{key}.missing"), chapter.id, prompt_id)


def _from_guide_check(
    i: Inputs, criterion: str, results: list[guide_checks.Finding], prompt_id: str, warning_level: str = NOT_MET
) -> list[Finding]:
    chapter = content().chapter_of(prompt_id).id
    return [Finding(criterion, MET if r.level == "ok" else warning_level, i.from_english(r.message), chapter, prompt_id) for r in results]


def _grid_rows(i: Inputs, prompt_id: str) -> list[dict]:
    return [{"_row": r.row_key, **r.values} for r in i.rows.get(prompt_id, []) if r.row_key]


def _listed(i: Inputs, findings: list[Finding], criterion: str, level: str, what: str) -> list[Finding]:
    """The first findings one by one and the rest summed up; ``what``: the key of their words (``readiness.more.<what>``)."""
    if len(findings) <= MAX_LISTED:
        return findings
    rest = len(findings) - MAX_LISTED
    return findings[:MAX_LISTED] + [Finding(criterion, level, i.say("more", rest=rest, what=i.say(f"more.{what}")), None, None)]


# --- Sentences written in English elsewhere (the guide's checks, the plan's), in Welsh ------------------


@functools.lru_cache(maxsize=1)
def _from_patterns() -> list[tuple[re.Pattern, str]]:
    """The English of each ``readiness.from.*`` sentence as a pattern that finds its values; the most specific first."""
    found = []
    for key, entry in phrases().items():
        if key.startswith("readiness.from."):
            found.append((template_pattern(entry["en"]), key))
    found.sort(key=lambda pair: -len(pair[0].pattern))
    return found


@functools.lru_cache(maxsize=1)
def _list_names_cy() -> dict[str, str]:
    """The names in the guide's lists that a check writes into its sentences (English -> Welsh)."""
    out: dict[str, str] = {}
    for ref_id in ("forms_of_abuse", "groups_affected", "agency_types", "core_components", "involvement_voices"):
        for item in content().reference(ref_id).items:
            welsh = item.get("label_cy")
            if welsh:
                for english in [item["label"], *(item.get("label_by_nation") or {}).values()]:
                    out.setdefault(english, welsh)
    for key, entry in phrases().items():
        if key.startswith("recommendation."):
            out.setdefault(entry["en"], entry["cy"])
    return out


_NO_AGENCY = re.compile(r"^(?P<kind>.+) \(no agency of this kind is recorded\)$")


def _value_cy(value: str) -> str:
    """A value found in a check's English: a list name (or a list of them) in Welsh; anything else
    (people's names, titles, codes, numbers) as it was written."""
    names = _list_names_cy()
    if value in names:
        return names[value]
    missing = _NO_AGENCY.match(value)
    if missing:
        return phrase("readiness.no_agency", "cy", kind=_value_cy(missing.group("kind")))
    for sep in ("; ", ", "):
        parts = value.split(sep)
        if len(parts) > 1 and any(p in names or _NO_AGENCY.match(p) for p in parts):
            return sep.join(_value_cy(p) for p in parts)
    return value


def welsh_of(english: str) -> str:
    """A sentence of the guide's or the plan's checks in Welsh (``readiness.from.*``); one the file does not know, as it is."""
    for pattern, key in _from_patterns():
        matched = pattern.match(english)
        if matched:
            return phrase(key, "cy", None, **{k: _value_cy(v) for k, v in matched.groupdict().items()})
    return _value_cy(english)


# --- Clarity ------------------------------------------------------------------------------------


@register("clarity")
def language_terms(i: Inputs) -> list[Finding]:
    terms = i.language().terms
    if not terms:
        return [Finding("clarity", MET, i.say("no_terms"), "finalise", "finalise.language_exempt")]
    found = [Finding("clarity", NOT_MET, t.message, t.text.chapter_id, t.text.prompt_id) for t in terms]
    return _listed(i, found, "clarity", NOT_MET, "terms")


@register("clarity")
def acronyms_explained(i: Inputs) -> list[Finding]:
    unexplained = i.language().acronyms.unexplained
    if not unexplained:
        return [Finding("clarity", MET, i.say("acronyms_explained"), "finalise", "finalise.glossary")]
    return [
        Finding("clarity", PARTLY, i.say("acronym_unexplained", acronym=a), "finalise", "finalise.glossary") for a in sorted(unexplained)
    ]


@register("clarity")
def sentence_length(i: Inputs) -> list[Finding]:
    sentences = i.language().sentences
    if not sentences:
        return [Finding("clarity", MET, i.say("no_long_sentences"), None, None)]
    longest = max(sentences, key=lambda s: s.words)
    return [
        Finding(
            "clarity",
            PARTLY,
            i.say(
                "long_sentences" if len(sentences) != 1 else "long_sentence_one",
                count=len(sentences),
                words=longest.words,
                chapter=longest.text.chapter_title,
                where=longest.text.where,
            ),
            longest.text.chapter_id,
            longest.text.prompt_id,
        )
    ]


# --- Coverage -----------------------------------------------------------------------------------


@register("coverage")
def scope_names_every_form(i: Inputs) -> list[Finding]:
    chosen = json.loads(i.value("intro.scope_forms") or "[]")
    forms = content().reference("forms_of_abuse").items
    if len(chosen) == len(forms):
        return [Finding("coverage", MET, i.say("scope_all_forms"), "introduction", "intro.scope_forms")]
    return [
        Finding(
            "coverage",
            NOT_MET,
            i.say("scope_some_forms", count=len(chosen)),
            "introduction",
            "intro.scope_forms",
        )
    ]


@register("coverage")
def forms_and_groups(i: Inputs) -> list[Finding]:
    nation = i.partnership.nation
    return _from_guide_check(
        i, "coverage", guide_checks.check_forms_covered(_grid_rows(i, "context.forms"), nation), "context.forms"
    ) + _from_guide_check(i, "coverage", guide_checks.check_groups_considered(_grid_rows(i, "context.groups"), nation), "context.groups")


@register("coverage")
def local_evidence(i: Inputs) -> list[Finding]:
    """The strategy rests on evidence about the area (Guide §4.3, §5)."""
    out = []
    for prompt_id, key in [
        ("context.figures", "figures"),
        ("response.identification_figures", "identification"),
        ("response.support_matrix", "support"),
        ("workforce.courses", "courses"),
    ]:
        rows = i.rows.get(prompt_id, [])
        filled = any(v not in (None, "", [], False) for r in rows for v in r.values.values())
        chapter = content().chapter_of(prompt_id).id
        out.append(Finding("coverage", MET if filled else NOT_MET, i.say(f"{key}.met" if filled else f"{key}.missing"), chapter, prompt_id))
    return out


# --- Consistency --------------------------------------------------------------------------------


@register("consistency")
def vision_and_priorities(i: Inputs) -> list[Finding]:
    out = [_answered(i, "consistency", "vision.statement", "vision")]
    priorities = i.rows.get("vision.priorities", [])
    out.append(
        Finding(
            "consistency",
            MET if priorities else NOT_MET,
            i.say("priorities.met", count=len(priorities)) if priorities else i.say("priorities.missing"),
            "shared_vision",
            "vision.priorities",
        )
    )
    return out


@register("consistency")
def agencies_contribute(i: Inputs) -> list[Finding]:
    rows = [r.values for r in i.rows.get("vision.contributions", [])]
    return _from_guide_check(
        i, "consistency", guide_checks.check_statutory_contributions(rows, i.partnership.nation), "vision.contributions"
    )


# --- Readiness ----------------------------------------------------------------------------------


@register("readiness")
def governance_recorded(i: Inputs) -> list[Finding]:
    return [
        _answered(i, "readiness", "governance.board", "board"),
        _answered(i, "readiness", "governance.reporting", "reporting"),
        _answered(i, "readiness", "governance.scrutiny", "scrutiny"),
        _answered(i, "readiness", "vision.terms_of_reference", "terms_of_reference"),
    ]


@register("readiness")
def steering_group(i: Inputs) -> list[Finding]:
    rows = [r.values for r in i.rows.get("vision.steering_group", [])]
    if not rows:
        return [Finding("readiness", NOT_MET, i.say("no_steering_group"), "shared_vision", "vision.steering_group")]
    # The §3.2 checks are advice: a gap there leaves the criterion partly met, not failed.
    return _from_guide_check(
        i, "readiness", guide_checks.check_steering_group(rows, i.partnership.nation), "vision.steering_group", warning_level=PARTLY
    )


@register("readiness")
def review_date(i: Inputs) -> list[Finding]:
    value = i.value("finalise.next_review")
    if not value:
        return [
            Finding(
                "readiness",
                NOT_MET,
                i.say("review.none"),
                "finalise",
                "finalise.next_review",
            )
        ]
    day = date.fromisoformat(value)
    shown = f"{day:%d/%m/%Y}"
    if day < i.today:
        return [Finding("readiness", NOT_MET, i.say("review.passed", date=shown), "finalise", "finalise.next_review")]
    if (day - i.today).days > 400:
        return [Finding("readiness", PARTLY, i.say("review.far", date=shown), "finalise", "finalise.next_review")]
    return [Finding("readiness", MET, i.say("review.set", date=shown), "finalise", "finalise.next_review")]


@register("readiness")
def statutory_endorsements(i: Inputs) -> list[Finding]:
    """Guide §13.2: an approved (or published) strategy has every statutory partner's endorsement."""
    found = list_endorsements(i.engine, stored_id(i.partnership))
    awaited = found.statutory_awaited()
    status = i.value("finalise.status")
    if not awaited:
        return [Finding("readiness", MET, i.say("endorsed.all"), "finalise", "finalise.endorsement")]
    names = "; ".join(awaited) if i.lang == "en" else "; ".join(_value_cy(a) for a in awaited)
    if status in FINAL_STATUSES:
        return [
            Finding(
                "readiness",
                NOT_MET,
                i.say("endorsed.final", status=i.say("status.approved" if status == "approved" else "status.published"), names=names),
                "finalise",
                "finalise.endorsement",
            )
        ]
    if not any(line.statutory and line.given for line in found.lines):
        return [
            Finding(
                "readiness",
                NOT_MET,
                i.say("endorsed.none", names=names),
                "finalise",
                "finalise.endorsement",
            )
        ]
    return [
        Finding(
            "readiness",
            PARTLY,
            i.say("endorsed.some", names=names),
            "finalise",
            "finalise.endorsement",
        )
    ]


@register("readiness")
def update_interval(i: Inputs) -> list[Finding]:
    value = i.value("implementation.update_interval")
    if not value:
        return [
            Finding(
                "readiness",
                NOT_MET,
                i.say("interval.none"),
                "implementation",
                "implementation.update_interval",
            )
        ]
    return [Finding("readiness", MET, i.say("interval.set", days=value), "implementation", "implementation.update_interval")]


@register("coverage")
def voices_heard(i: Inputs) -> list[Finding]:
    """Guide §3.1, §10.1, §10.2: children and young people, and adult victims and survivors, were
    involved, and each led to at least one change in the plan ("you said, we did")."""
    found = {s.voice: s for s in involvement.summary(involvement.list_engagements(i.engine, stored_id(i.partnership)))}
    nation = i.partnership.nation
    expectation_key = f"readiness.expectation.{nation}"
    expectation = (
        phrase(expectation_key, i.lang)
        if i.lang != "en" and expectation_key in phrases()
        else content().fill("{involvement_expectation}", nation)
    )
    out = []
    for voice, guide in zip(involvement.REQUIRED_VOICES, ("§3.1, §10.1", "§3.1, §10.2"), strict=True):
        s = found[voice]
        label = s.label if i.lang == "en" else content().list_label("involvement_voices", voice, nation, i.lang)
        who = label[0].lower() + label[1:]
        if not s.engagements:
            out.append(
                Finding(
                    "coverage",
                    NOT_MET,
                    i.say("voice.none", who=who, expectation=expectation, guide=guide),
                    "involvement",
                    f"involvement.{voice}",
                )
            )
        elif not s.changes:
            out.append(
                Finding(
                    "coverage",
                    PARTLY,
                    i.say("voice.unlinked_one" if s.engagements == 1 else "voice.unlinked", count=s.engagements, who=who, guide=guide),
                    "involvement",
                    f"involvement.{voice}",
                )
            )
        else:
            engagements = i.say("engagement_one" if s.engagements == 1 else "engagements", count=s.engagements)
            changes = i.say("change_one" if s.changes == 1 else "changes", count=s.changes)
            out.append(
                Finding(
                    "coverage",
                    MET,
                    i.say("voice.met", who=label if i.lang == "en" else who, engagements=engagements, changes=changes),
                    "involvement",
                    f"involvement.{voice}",
                )
            )
    return out


@register("readiness")
def welsh_versions(i: Inputs) -> list[Finding]:
    """For a partnership in Wales: what a Welsh or bilingual document still lacks in Welsh. Advice only,
    since a partnership may publish in English first and the Welsh after."""
    if not welsh_applies(i.partnership.nation):
        return []
    coverage = welsh_coverage(i.engine, stored_id(i.partnership))
    if not coverage.entries:
        return []
    summary = coverage.summary() if i.lang == "en" else _welsh_summary(i, coverage)
    if coverage.complete:
        return [Finding("readiness", MET, i.say("welsh.complete", summary=summary))]
    findings = [Finding("readiness", ADVICE, i.say("welsh.gaps", summary=summary))]
    listed = []
    for gap in coverage.missing + coverage.out_of_date:
        label = gap.label
        if gap.kind == "answer" and i.lang != "en" and gap.key in content().prompts:
            label = content().prompts[gap.key].label_cy or label  # the question's Welsh, for a person who chose Cymraeg
        what = f"'{shorten(label, 80)}'" if gap.kind == "answer" else f"{gap.key} '{shorten(label, 60)}'"
        if i.lang == "en":
            where = "the answer" if gap.kind == "answer" else f"the {KIND_WORDS[gap.kind]}"
        else:
            where = i.say("welsh.the_answer" if gap.kind == "answer" else f"welsh.kind.{gap.kind}")
        if gap.state == OUT_OF_DATE and i.lang == "en":
            message = (
                f"The Welsh of {where} {what} is possibly out of date: "
                + out_of_date_words(gap.english_changed_at)[len("Possibly out of date: ") :]
            )
        elif gap.state == OUT_OF_DATE:
            changed = gap.english_changed_at
            message = (
                i.say("welsh.out_of_date", where=where, what=what, date=long_date(to_uk(changed).date(), i.lang))
                if changed is not None
                else i.say("welsh.out_of_date_undated", where=where, what=what)
            )
        else:
            message = i.say("welsh.missing", where=where, what=what)
        listed.append(Finding("readiness", ADVICE, message, gap.page, gap.key if gap.kind == "answer" else None))
    return findings + _listed(i, listed, "readiness", ADVICE, "welsh")


def _welsh_summary(i: Inputs, coverage) -> str:
    """``WelshCoverage.summary`` in the report's language."""
    parts = []
    if coverage.answers_total or not coverage.titles_total:
        key = "welsh.answers" if coverage.answers_total != 1 else "welsh.answer_one"
        parts.append(i.say(key, done=coverage.answers_welsh, total=coverage.answers_total))
    if coverage.titles_total:
        key = "welsh.titles" if coverage.titles_total != 1 else "welsh.title_one"
        parts.append(i.say(key, done=coverage.titles_welsh, total=coverage.titles_total))
    text = i.say("welsh.summary", parts=", ".join(parts))
    if coverage.out_of_date:
        text += i.say("welsh.out_of_date_count", count=len(coverage.out_of_date))
    return text


# --- The report ---------------------------------------------------------------------------------


#: Reports kept until the partnership changes: Home shows the summary on every sign-in.
_KEPT = UntilChanged()


def readiness_report(engine: Engine, partnership_id: int, *, today: date | None = None, language: str = "en") -> Report:
    """The one way to the readiness check: the page, ``python -m strategy check`` and the tests.
    Made again only when something in the partnership has changed (or the day has). ``language``
    "cy": the findings' sentences in Welsh (the same findings, levels and links as in English)."""
    from datetime import datetime

    day = today or datetime.now(UK).date()
    key = day if language == "en" else (day, language)
    return _KEPT.get(engine, partnership_id, key, lambda: _readiness_report(engine, partnership_id, day, language))


def _readiness_report(engine: Engine, partnership_id: int, today: date, language: str = "en") -> Report:
    partnership = get_partnership(engine, partnership_id)
    inputs = Inputs(engine, partnership, get_answers(engine, partnership_id), all_rows(engine, partnership_id), today, lang=language)
    criteria = []
    for item in content().reference("criteria").items:
        findings: list[Finding] = []
        for check in CHECKS.get(item["id"], []):
            findings += check(inputs)
        criteria.append(CriterionResult(item["id"], item["label"], " ".join(item["question"].split()), findings))
    return Report(partnership.name, criteria)


# --- The plan (Guide §7, §12): deliverability, coverage of the core components, recommendations ---


def _plan(i: Inputs):

    return i.cached("plan", lambda: load_plan(i.engine, stored_id(i.partnership)))


_PLAN_PAGE = {
    "no_outcome": "theory_of_change",
    "no_action": "action_plan",
    "no_measure": "evaluation",
    "no_lead": "action_plan",
    "no_dates": "action_plan",
    "dates_reversed": "action_plan",
    "rec_unanswered": "action_plan",
}


def _plan_findings(i: Inputs, criterion: str, kinds: tuple[str, ...]) -> list[Finding]:
    """The plan's own checks of ``kinds`` as readiness findings (what "met" says: ``readiness.plan.<kind>``)."""

    plan = _plan(i)
    if plan.empty:
        return [Finding(criterion, NOT_MET, i.say("no_aims"), "theory_of_change", "plan.aims")]
    found = [f for f in plan_checks(plan) if f.kind in kinds]
    out: list[Finding] = []
    for kind in kinds:
        mine = [
            Finding(criterion, NOT_MET, i.from_english(f.message), _PLAN_PAGE[f.kind], f"plan.{f.kind}") for f in found if f.kind == kind
        ]
        met = Finding(criterion, MET, i.say(f"plan.{kind}"), _PLAN_PAGE[kind], f"plan.{kind}")
        out += _listed(i, mine, criterion, NOT_MET, "plan") if mine else [met]
    return out


@register("deliverability")
def plan_is_deliverable(i: Inputs) -> list[Finding]:
    """Every action has a named lead, dates and an outcome; every outcome an action and a measure."""
    return _plan_findings(
        i,
        "deliverability",
        ("no_outcome", "no_action", "no_measure", "no_lead", "no_dates", "dates_reversed"),
    )


@register("coverage")
def core_components_have_actions(i: Inputs) -> list[Finding]:
    """Prevention, identification, response and recovery (the whole-system component), and the workforce."""
    plan = _plan(i)
    if plan.empty:
        return []  # deliverability already says the plan is missing
    used = {x.component for x in plan.all_actions()}
    out = []
    for item in content().reference("core_components").items:
        name = item["label"] if i.lang == "en" else item.get("label_cy") or item["label"]
        if item["id"] in used:
            out.append(Finding("coverage", MET, i.say("component.met", component=name), "action_plan", f"plan.component.{item['id']}"))
        else:
            out.append(
                Finding(
                    "coverage",
                    NOT_MET,
                    i.say("component.missing", component=name.lower(), guide=item.get("guide", "§8-11")),
                    item.get("chapter", "action_plan"),
                    f"plan.component.{item['id']}",
                )
            )
    return out


@register("consistency")
def recommendations_answered(i: Inputs) -> list[Finding]:
    return _plan_findings(i, "consistency", ("rec_unanswered",)) if not _plan(i).empty else []


@register("consistency")
def aims_follow_priorities(i: Inputs) -> list[Finding]:
    plan, priorities = _plan(i), i.rows.get("vision.priorities", [])
    if plan.empty or not priorities:
        return []
    if len(plan.aims) > len(priorities) + 2:
        return [
            Finding(
                "consistency",
                PARTLY,
                i.say("aims.too_many", aims=len(plan.aims), priorities=len(priorities)),
                "theory_of_change",
                "plan.aims",
            )
        ]
    return [
        Finding("consistency", MET, i.say("aims.met", aims=len(plan.aims), priorities=len(priorities)), "theory_of_change", "plan.aims")
    ]
