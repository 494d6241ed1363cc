"""What the evidence shows, as findings with stable keys: the gaps the workbook already works out
(strategy.evidence.analysis, strategy.assessments), each named so the plan can link to it and a
suggestion can say where it came from.

A key is made from what the finding is about (ids of groups, kinds of support, forms of abuse; the
folded names of agencies and courses; a short digest of an audit's theme and learning), never from row ids, so a key survives a backup, a new
period and a re-import of the same figures."""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from strategy.answers.operations import all_rows, get_answers
from strategy.assessments.audit import list_audits
from strategy.assessments.snapshot import domain_scores, list_snapshots
from strategy.core.changes import UntilChanged
from strategy.core.models import stored_id
from strategy.core.text import clean_text, name_key, template_pattern
from strategy.evidence import analysis as ev
from strategy.guide.content import content
from strategy.people.partnerships import get_partnership
from strategy.word.language import Both, phrase, phrases


@dataclass(frozen=True)
class Finding:
    """One thing the evidence shows that the plan may need to answer. ``data`` holds what its sentence
    is made of (names, figures and the list ids behind them), for the documents' Welsh of ``text``
    (the phrases ``finding.<kind>`` of data/language/documents.yaml)."""

    key: str
    kind: str  # iceberg | support_none | support_wait | form | attendance | snapshot_red | audit_learning
    heading: str  # where it comes from, in words ("Support matrix (Guide §5.2)")
    text: str  # what it shows, in words
    chapter_id: str
    data: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"key": self.key, "kind": self.kind, "from": self.heading, "evidence": self.text}


HEADINGS = {
    "iceberg": ("Identification: the estimate against the children identified (Guide §5.1)", "current_response"),
    "support_none": ("Support matrix: a group with no support of a kind (Guide §5.2)", "current_response"),
    "support_wait": (f"Support matrix: waits over {ev.LONG_WAIT_WEEKS} weeks (Guide §5.2)", "current_response"),
    "form": ("Forms of child sexual abuse not yet fully covered (Guide §4.1)", "context"),
    "attendance": (f"Training attended by under {ev.ATTENDANCE_FLAG_PERCENT}% of the staff who should (Guide §6.1)", "workforce"),
    "snapshot_red": ("System-wide snapshot: domains rated red (Guide §15.3)", "snapshot_results"),
    "audit_learning": ("Thematic audit: learning identified (Guide §15.3)", "audits"),
}


def _finding(key: str, kind: str, text: str, **data) -> Finding:
    heading, chapter = HEADINGS[kind]
    return Finding(key, kind, heading, text, chapter, data)


#: The findings read every row of the evidence (a large partnership's 1,000 survey responses among them),
#: and the chain page asks for them four times a run: kept until the partnership changes.
_KEPT = UntilChanged()


def findings(engine: Engine, partnership_id: int) -> list[Finding]:
    """Every finding in the evidence, in the order of the guide (a new list each call; the findings are frozen)."""
    return list(_KEPT.get(engine, partnership_id, "findings", lambda: _findings_now(engine, partnership_id)))


def _findings_now(engine: Engine, partnership_id: int) -> list[Finding]:
    nation = get_partnership(engine, partnership_id).nation
    rows = all_rows(engine, partnership_id)
    out: list[Finding] = []
    p = ev.prevalence_from(get_answers(engine, partnership_id), rows, nation)
    if p.complete and p.estimate is not None and p.identified is not None:
        out.append(
            _finding(
                "iceberg",
                "iceberg",
                f"About {ev.about(p.estimate)} children a year are estimated to be sexually abused here; "
                f"{ev.whole(p.identified)} were identified ({p.identified_how}). {p.sentence}",
                measure=p.measure_label,
                identified=ev.whole(p.identified),
                period=p.identified_period or "",
                measure_id=p.measure or "",
                estimate=ev.about(p.estimate),
                ratio=p.ratio,
                how=p.identified_how,
            )
        )
    for gap in ev.support_gaps(rows.get("response.support_matrix", []), nation).gaps:
        kind = "support_none" if gap.kind == "none" else "support_wait"
        out.append(
            _finding(
                f"{kind}|{gap.group_id}|{gap.support_id}",
                kind,
                gap.text + ".",
                group=gap.group,
                support=gap.support,
                weeks=ev.whole(gap.weeks) if gap.weeks is not None else "",
                who=gap.who,
                group_id=gap.group_id,
                support_id=gap.support_id,
            )
        )
    for form_id, label in ev.forms_not_covered_ids(rows.get("context.forms", []), nation):
        out.append(_finding(f"form|{form_id}", "form", f"{label} is not yet fully covered by the strategy.", form=label, form_id=form_id))
    att = ev.attendance_gaps(rows.get("workforce.attendance", []))
    if not att.empty:
        for row in att.by_course.to_dict("records"):
            if not row["Below half"]:
                continue
            agency, course, percent = row["Agency"], row["Course"], row["Per cent attended"]
            out.append(
                _finding(
                    f"attendance|{name_key(agency)}|{name_key(course)}",
                    "attendance",
                    f"{agency}: {percent:.0f}% of the staff who should attend '{course}' have attended.",
                    agency=agency,
                    course=course,
                    percent=f"{percent:.0f}%",
                )
            )
    snapshots = list_snapshots(engine, partnership_id)
    if snapshots:
        latest = snapshots[-1]
        scores = domain_scores(engine, partnership_id, stored_id(latest))
        for r in scores.to_dict("records"):
            if r["rag"] == "red":
                out.append(
                    _finding(
                        f"snapshot_red|{r['domain']}",
                        "snapshot_red",
                        f"{r['Domain']} is rated red in the snapshot '{latest.title}' (progress {r['Progress (average of 4)']} out of 4).",
                        domain=r["Domain"],
                        snapshot=latest.title,
                        domain_id=r["domain"],
                        progress=r["Progress (average of 4)"],
                    )
                )
    for audit in list_audits(engine, partnership_id):
        learning = json.loads(audit.fields_json or "{}").get("learning", "")
        for line in clean_text(learning).splitlines():
            line = line.strip(" -•\t")
            if line:
                out.append(
                    _finding(
                        "audit_learning|" + hashlib.sha1(f"{name_key(audit.theme)}|{name_key(line)}".encode()).hexdigest()[:16],
                        "audit_learning",
                        f"The thematic audit '{audit.theme}' found: {line}",
                        theme=audit.theme,
                        learning=line,
                    )
                )
    return out


# --- A finding's words in the screen's language --------------------------------------------------------
# English: the finding's own text and heading. Welsh: the documents' phrases ``finding.<kind>`` and
# ``chain.heading.*`` (data/language/documents.yaml), the same Welsh as the appendix "How the plan answers
# the evidence" of a Welsh draft; the lists' names in Welsh, what the partnership typed as typed.


def _label(ref_id: str, item_id: object, nation: str | None, language: str, lower: bool = False) -> str:
    label = content().list_label(ref_id, item_id, nation, language)
    return label[:1].lower() + label[1:] if lower else label


def finding_text(finding: Finding, language: str = "en", nation: str | None = None, *, overrides: Mapping[str, str] | None = None) -> str:
    """What a finding shows, in ``language`` ("en", "cy" or "bilingual"): in English its own sentence; in
    Welsh the phrase ``finding.<kind>`` with the lists' names in Welsh (the partnership's own words,
    agencies, courses, titles and learning, as written). The chain page and the draft's appendix (with
    the partnership's corrections, ``overrides``) both use it."""
    if language == "en":
        return finding.text
    d, kind = finding.data, finding.kind

    def named(ref_id: str, item_id: object, lower: bool = False, where: str | None = nation) -> Both:
        return Both(_label(ref_id, item_id, where, "en", lower), _label(ref_id, item_id, where, "cy", lower))

    def say(key: str, **values: object) -> str:
        return phrase(key, language, overrides, **values)

    if kind == "iceberg":
        ratio = d.get("ratio")
        year = d.get("period") or phrase("evidence.year_not_given", "cy", overrides)
        measure = _label("identification_measures", d.get("measure_id"), nation, "cy") if d.get("measure_id") else d.get("measure", "")
        return say(
            "finding.iceberg",
            estimate=d.get("estimate", ""),
            identified=d.get("identified", ""),
            how=Both(d.get("how", ""), f"{measure}, {year}"),
            sentence=ev.unidentified_both(ratio, overrides) if ratio is not None else "",
        )
    if kind in ("support_none", "support_wait"):
        return say(
            f"finding.{kind}",
            group=named("groups_affected", d["group_id"]),
            support=named("support_types", d["support_id"], lower=True),
            who=d.get("who", ""),
            weeks=d.get("weeks", ""),
        )
    if kind == "form":
        return say("finding.form", form=named("forms_of_abuse", d["form_id"]))
    if kind == "attendance":
        return say("finding.attendance", agency=d["agency"], course=d["course"], percent=d["percent"])
    if kind == "snapshot_red":
        return say(
            "finding.snapshot_red",
            domain=named("snapshot_domains", d["domain_id"], where=None),
            snapshot=d["snapshot"],
            progress=d["progress"],
        )
    if kind == "audit_learning":
        return say("finding.audit_learning", theme=d["theme"], learning=d["learning"])
    return finding.text


def heading_words(heading: str, language: str = "en", overrides: Mapping[str, str] | None = None) -> str:
    """Where a finding comes from (a ``HEADINGS`` heading, or a priority's), in ``language``: the phrase
    ``chain.heading.*`` whose English it is, its numbers kept; a heading it does not know as it is. The
    screens and the draft's appendix (with the partnership's corrections, ``overrides``) both use it."""
    if language == "en":
        return heading
    for pattern, key in _heading_patterns():
        found = pattern.match(heading)
        if found:
            return phrase(key, language, overrides, **found.groupdict())
    return heading


@functools.lru_cache(maxsize=1)
def _heading_patterns() -> list[tuple[re.Pattern[str], str]]:
    return [(template_pattern(entry["en"]), key) for key, entry in phrases().items() if key.startswith("chain.heading.")]
