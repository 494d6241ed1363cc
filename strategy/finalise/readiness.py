"""The readiness check (Guide §13.1): the five criteria for success turned into checks the workbook
runs on what the partnership has written.

Each check returns findings that are met, partly met or not met, each naming the chapter and
question where it is put right. A criterion is met when every finding under it is met, not met when
none is, and partly met otherwise. Features register their own checks (``register``), so the plan's
checks live beside the plan."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.engine import Engine

from strategy.answers.operations import Row, all_rows, get_answers
from strategy.answers.welsh import KIND_WORDS, OUT_OF_DATE, out_of_date_words, welsh_applies, welsh_coverage
from strategy.assessments import involvement
from strategy.core.changes import UntilChanged
from strategy.core.dates import UK
from strategy.core.models import Answer, Partnership, stored_id
from strategy.core.text import shorten
from strategy.finalise.endorsement import FINAL_STATUSES, list_endorsements
from strategy.finalise.language import language_report
from strategy.guide import checks as guide_checks
from strategy.guide.content import content
from strategy.people.partnerships import get_partnership
from strategy.plan.operations import load_plan, plan_checks

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

    def value(self, prompt_id: str) -> str:
        answer = self.answers.get(prompt_id)
        return answer.value.strip() if answer else ""

    def cached(self, key: str, make: Callable):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def language(self):

        return self.cached("language", lambda: language_report(self.engine, self.partnership.id, nation=self.partnership.nation))


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


def _answered(i: Inputs, criterion: str, prompt_id: str, met: str, missing: str) -> Finding:
    chapter = content().chapter_of(prompt_id)
    if i.value(prompt_id):
        return Finding(criterion, MET, met, chapter.id, prompt_id)
    return Finding(criterion, NOT_MET, missing, chapter.id, prompt_id)


def _from_guide_check(criterion: str, results: list[guide_checks.Finding], prompt_id: str, warning_level: str = NOT_MET) -> list[Finding]:
    chapter = content().chapter_of(prompt_id).id
    return [Finding(criterion, MET if r.level == "ok" else warning_level, r.message, chapter, prompt_id) for r in results]


def _grid_rows(i: Inputs, prompt_id: str) -> list[dict]:
    return [{"_row": r.row_key, **r.values} for r in i.rows.get(prompt_id, []) if r.row_key]


def _listed(findings: list[Finding], criterion: str, level: str, what: str) -> list[Finding]:
    if len(findings) <= MAX_LISTED:
        return findings
    rest = len(findings) - MAX_LISTED
    return findings[:MAX_LISTED] + [Finding(criterion, level, f"…and {rest} more {what}.", None, None)]


# --- Clarity ------------------------------------------------------------------------------------


@register("clarity")
def language_terms(i: Inputs) -> list[Finding]:
    terms = i.language().terms
    if not terms:
        return [
            Finding(
                "clarity", MET, "No answer uses a term the guide steers away from (Guide §1.6).", "finalise", "finalise.language_exempt"
            )
        ]
    found = [Finding("clarity", NOT_MET, t.message, t.text.chapter_id, t.text.prompt_id) for t in terms]
    return _listed(found, "clarity", NOT_MET, "places using such terms (the Finalise chapter lists them all)")


@register("clarity")
def acronyms_explained(i: Inputs) -> list[Finding]:
    unexplained = i.language().acronyms.unexplained
    if not unexplained:
        return [Finding("clarity", MET, "Every acronym in the text can be explained in the glossary.", "finalise", "finalise.glossary")]
    return [
        Finding(
            "clarity",
            PARTLY,
            f"'{a}' is not explained: spell it out where it is first used, or add it to your own acronyms.",
            "finalise",
            "finalise.glossary",
        )
        for a in sorted(unexplained)
    ]


@register("clarity")
def sentence_length(i: Inputs) -> list[Finding]:
    sentences = i.language().sentences
    if not sentences:
        return [Finding("clarity", MET, "No sentence runs over 40 words.", None, None)]
    longest = max(sentences, key=lambda s: s.words)
    return [
        Finding(
            "clarity",
            PARTLY,
            f"{len(sentences)} sentence{'s run' if len(sentences) != 1 else ' runs'} over 40 "
            f"words; the longest ({longest.words} words) is in {longest.text.chapter_title}, {longest.text.where}.",
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
        return [Finding("coverage", MET, "The scope names all six forms of child sexual abuse.", "introduction", "intro.scope_forms")]
    return [
        Finding(
            "coverage",
            NOT_MET,
            f"The scope names {len(chosen)} of the six forms of child sexual abuse; the guide asks for the broadest focus (Guide §4.1).",
            "introduction",
            "intro.scope_forms",
        )
    ]


@register("coverage")
def forms_and_groups(i: Inputs) -> list[Finding]:
    nation = i.partnership.nation
    return _from_guide_check(
        "coverage", guide_checks.check_forms_covered(_grid_rows(i, "context.forms"), nation), "context.forms"
    ) + _from_guide_check("coverage", guide_checks.check_groups_considered(_grid_rows(i, "context.groups"), nation), "context.groups")


@register("coverage")
def local_evidence(i: Inputs) -> list[Finding]:
    """The strategy rests on evidence about the area (Guide §4.3, §5)."""
    out = []
    for prompt_id, met, missing in [
        (
            "context.figures",
            "Local figures about the child population are recorded.",
            "No local figures yet: the strategy should rest on who lives in the area (Guide §4.3).",
        ),
        (
            "response.identification_figures",
            "Yearly figures for children identified are recorded.",
            "No figures yet for how many children are identified each year (Guide §5.1).",
        ),
        (
            "response.support_matrix",
            "The support matrix records what support exists for each group.",
            "The support matrix is empty: what support each group affected can get is not recorded (Guide §5.2).",
        ),
        ("workforce.courses", "The training audit lists the courses on offer.", "No training audit yet (Guide §6.1)."),
    ]:
        rows = i.rows.get(prompt_id, [])
        filled = any(v not in (None, "", [], False) for r in rows for v in r.values.values())
        chapter = content().chapter_of(prompt_id).id
        out.append(Finding("coverage", MET if filled else NOT_MET, met if filled else missing, chapter, prompt_id))
    return out


# --- Consistency --------------------------------------------------------------------------------


@register("consistency")
def vision_and_priorities(i: Inputs) -> list[Finding]:
    out = [
        _answered(
            i, "consistency", "vision.statement", "The shared vision is written.", "The shared vision is not written yet (Guide §3.1)."
        )
    ]
    priorities = i.rows.get("vision.priorities", [])
    out.append(
        Finding(
            "consistency",
            MET if priorities else NOT_MET,
            f"{len(priorities)} strategic priorities are agreed."
            if priorities
            else "No strategic priorities yet: aims and actions need priorities to agree with (Guide §3.1).",
            "shared_vision",
            "vision.priorities",
        )
    )
    return out


@register("consistency")
def agencies_contribute(i: Inputs) -> list[Finding]:
    rows = [r.values for r in i.rows.get("vision.contributions", [])]
    return _from_guide_check("consistency", guide_checks.check_statutory_contributions(rows, i.partnership.nation), "vision.contributions")


# --- Readiness ----------------------------------------------------------------------------------


@register("readiness")
def governance_recorded(i: Inputs) -> list[Finding]:
    return [
        _answered(
            i,
            "readiness",
            "governance.board",
            "Ownership and accountability are recorded.",
            "Who owns the strategy and answers for it is not recorded (Guide §3).",
        ),
        _answered(
            i,
            "readiness",
            "governance.reporting",
            "Reporting lines are recorded.",
            "How progress is reported, and to whom, is not recorded (Guide §3).",
        ),
        _answered(
            i,
            "readiness",
            "governance.scrutiny",
            "Independent scrutiny is arranged.",
            "Independent scrutiny of the strategy is not recorded (Guide §15.1).",
        ),
        _answered(
            i,
            "readiness",
            "vision.terms_of_reference",
            "The steering group has terms of reference.",
            "The steering group's terms of reference are not recorded (Guide §3.2).",
        ),
    ]


@register("readiness")
def steering_group(i: Inputs) -> list[Finding]:
    rows = [r.values for r in i.rows.get("vision.steering_group", [])]
    if not rows:
        return [
            Finding("readiness", NOT_MET, "No steering group members are recorded (Guide §3.2).", "shared_vision", "vision.steering_group")
        ]
    # The §3.2 checks are advice: a gap there leaves the criterion partly met, not failed.
    return _from_guide_check(
        "readiness", guide_checks.check_steering_group(rows, i.partnership.nation), "vision.steering_group", warning_level=PARTLY
    )


@register("readiness")
def review_date(i: Inputs) -> list[Finding]:
    value = i.value("finalise.next_review")
    if not value:
        return [
            Finding(
                "readiness",
                NOT_MET,
                "No review date is set; the guide asks for a review at least once a year (Guide §15.4).",
                "finalise",
                "finalise.next_review",
            )
        ]
    day = date.fromisoformat(value)
    if day < i.today:
        return [
            Finding(
                "readiness", NOT_MET, f"The review date {day:%d/%m/%Y} has passed; set the next one.", "finalise", "finalise.next_review"
            )
        ]
    if (day - i.today).days > 400:
        return [
            Finding(
                "readiness",
                PARTLY,
                f"The next review is on {day:%d/%m/%Y}, more than a year away; the guide asks "
                "for a review at least once a year (Guide §15.4).",
                "finalise",
                "finalise.next_review",
            )
        ]
    return [Finding("readiness", MET, f"The next review is set for {day:%d/%m/%Y}.", "finalise", "finalise.next_review")]


@register("readiness")
def statutory_endorsements(i: Inputs) -> list[Finding]:
    """Guide §13.2: an approved (or published) strategy has every statutory partner's endorsement."""
    found = list_endorsements(i.engine, stored_id(i.partnership))
    awaited = found.statutory_awaited()
    status = i.value("finalise.status")
    if not awaited:
        return [
            Finding(
                "readiness", MET, "Every statutory partner has endorsed the strategy (Guide §13.2).", "finalise", "finalise.endorsement"
            )
        ]
    names = "; ".join(awaited)
    if status in FINAL_STATUSES:
        return [
            Finding(
                "readiness",
                NOT_MET,
                f"The status is {'approved' if status == 'approved' else 'published'}, but not every statutory partner has "
                f"endorsed the strategy yet: {names} (Guide §13.2). Record their endorsements, or set the status back.",
                "finalise",
                "finalise.endorsement",
            )
        ]
    if not any(line.statutory and line.given for line in found.lines):
        return [
            Finding(
                "readiness",
                NOT_MET,
                f"No statutory partner has endorsed the strategy yet: {names} (Guide §13.2).",
                "finalise",
                "finalise.endorsement",
            )
        ]
    return [
        Finding(
            "readiness",
            PARTLY,
            f"Still to endorse the strategy before it is approved: {names} (Guide §13.2).",
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
                "How often action leads give progress updates is not set; the workbook asks every 90 days until it is (Guide §15.1).",
                "implementation",
                "implementation.update_interval",
            )
        ]
    return [
        Finding(
            "readiness", MET, f"Action leads give progress updates every {value} days.", "implementation", "implementation.update_interval"
        )
    ]


@register("coverage")
def voices_heard(i: Inputs) -> list[Finding]:
    """Guide §3.1, §10.1, §10.2: children and young people, and adult victims and survivors, were
    involved, and each led to at least one change in the plan ("you said, we did")."""
    found = {s.voice: s for s in involvement.summary(involvement.list_engagements(i.engine, stored_id(i.partnership)))}
    expectation = content().fill("{involvement_expectation}", i.partnership.nation)
    out = []
    for voice, guide in zip(involvement.REQUIRED_VOICES, ("§3.1, §10.1", "§3.1, §10.2"), strict=True):
        s = found[voice]
        who = s.label[0].lower() + s.label[1:]
        if not s.engagements:
            out.append(
                Finding(
                    "coverage",
                    NOT_MET,
                    f"No engagement with {who} is recorded: the strategy should be shaped by what they say ({expectation}; Guide {guide}).",
                    "involvement",
                    f"involvement.{voice}",
                )
            )
        elif not s.changes:
            out.append(
                Finding(
                    "coverage",
                    PARTLY,
                    f"{s.engagements} {'engagement' if s.engagements == 1 else 'engagements'} with {who} recorded, but none is "
                    f"linked yet to a change in the plan it led to (Guide {guide}).",
                    "involvement",
                    f"involvement.{voice}",
                )
            )
        else:
            out.append(
                Finding(
                    "coverage",
                    MET,
                    f"{s.label} were involved ({s.engagements} {'engagement' if s.engagements == 1 else 'engagements'}) and what "
                    f"they said led to {s.changes} {'change' if s.changes == 1 else 'changes'} in the plan.",
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
    if coverage.complete:
        return [
            Finding(
                "readiness", MET, coverage.summary() + ": everything written has a Welsh version, ready for a Welsh or bilingual document."
            )
        ]
    findings = [
        Finding(
            "readiness",
            ADVICE,
            coverage.summary() + ". For a Welsh or bilingual document, these need their Welsh version; "
            "you may publish in English first and the Welsh after.",
        )
    ]
    listed = []
    for gap in coverage.missing + coverage.out_of_date:
        what = f"'{shorten(gap.label, 80)}'" if gap.kind == "answer" else f"{gap.key} '{shorten(gap.label, 60)}'"
        where = "the answer" if gap.kind == "answer" else f"the {KIND_WORDS[gap.kind]}"
        if gap.state == OUT_OF_DATE:
            message = (
                f"The Welsh of {where} {what} is possibly out of date: "
                + out_of_date_words(gap.english_changed_at)[len("Possibly out of date: ") :]
            )
        else:
            message = f"No Welsh version yet of {where} {what}."
        listed.append(Finding("readiness", ADVICE, message, gap.page, gap.key if gap.kind == "answer" else None))
    return findings + _listed(listed, "readiness", ADVICE, "without an up-to-date Welsh version")


# --- The report ---------------------------------------------------------------------------------


#: Reports kept until the partnership changes: Home shows the summary on every sign-in.
_KEPT = UntilChanged()


def readiness_report(engine: Engine, partnership_id: int, *, today: date | None = None) -> Report:
    """The one way to the readiness check: the page, ``python -m strategy check`` and the tests.
    Made again only when something in the partnership has changed (or the day has)."""
    from datetime import datetime

    day = today or datetime.now(UK).date()
    return _KEPT.get(engine, partnership_id, day, lambda: _readiness_report(engine, partnership_id, day))


def _readiness_report(engine: Engine, partnership_id: int, today: date) -> Report:
    partnership = get_partnership(engine, partnership_id)
    inputs = Inputs(engine, partnership, get_answers(engine, partnership_id), all_rows(engine, partnership_id), today)
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


def _plan_findings(i: Inputs, criterion: str, kinds: dict[str, str]) -> list[Finding]:
    """The plan's own checks of ``kinds`` (kind -> what "met" says) as readiness findings."""

    plan = _plan(i)
    if plan.empty:
        return [
            Finding(
                criterion,
                NOT_MET,
                "There are no strategic aims yet: the Theory of Change comes first (Guide §7.1).",
                "theory_of_change",
                "plan.aims",
            )
        ]
    found = [f for f in plan_checks(plan) if f.kind in kinds]
    out: list[Finding] = []
    for kind, met in kinds.items():
        mine = [Finding(criterion, NOT_MET, f.message, _PLAN_PAGE[f.kind], f"plan.{f.kind}") for f in found if f.kind == kind]
        out += _listed(mine, criterion, NOT_MET, "like it") if mine else [Finding(criterion, MET, met, _PLAN_PAGE[kind], f"plan.{kind}")]
    return out


@register("deliverability")
def plan_is_deliverable(i: Inputs) -> list[Finding]:
    """Every action has a named lead, dates and an outcome; every outcome an action and a measure."""
    return _plan_findings(
        i,
        "deliverability",
        {
            "no_outcome": "Every strategic aim has at least one intended outcome.",
            "no_action": "Every intended outcome has at least one action.",
            "no_measure": "Every intended outcome has a measure (Guide §7.2).",
            "no_lead": "Every action has a named lead agency.",
            "no_dates": "Every action has a completion date.",
            "dates_reversed": "No action completes before it commences.",
        },
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
        if item["id"] in used:
            out.append(Finding("coverage", MET, f"{item['label']} has actions in the plan.", "action_plan", f"plan.component.{item['id']}"))
        else:
            out.append(
                Finding(
                    "coverage",
                    NOT_MET,
                    f"No action in the plan serves {item['label'].lower()} (Guide {item.get('guide', '§8-11')}).",
                    item.get("chapter", "action_plan"),
                    f"plan.component.{item['id']}",
                )
            )
    return out


@register("consistency")
def recommendations_answered(i: Inputs) -> list[Finding]:
    return (
        _plan_findings(
            i,
            "consistency",
            {
                "rec_unanswered": "Every one of the six national-review recommendations has an action answering it.",
            },
        )
        if not _plan(i).empty
        else []
    )


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
                f"{len(plan.aims)} strategic aims for {len(priorities)} priorities: check that every aim serves an agreed priority.",
                "theory_of_change",
                "plan.aims",
            )
        ]
    return [
        Finding(
            "consistency", MET, f"{len(plan.aims)} strategic aims for {len(priorities)} agreed priorities.", "theory_of_change", "plan.aims"
        )
    ]
