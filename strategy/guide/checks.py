"""Checks the guide suggests on what a partnership has written (shown as guidance, not errors)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from strategy.guide.content import content


@dataclass(frozen=True)
class Finding:
    level: str  # "ok" | "warning"
    message: str


def _statutory_types(nation: str) -> list[dict]:
    return [t for t in content().reference("agency_types").for_nation(nation) if nation in t.get("statutory_in", [])]


def check_steering_group(rows: list[dict], nation: str) -> list[Finding]:
    """Guide §3.2: victims/survivors' voice, every statutory partner, seniority, named
    representatives, change management experience, a public health member considered."""
    if not rows:
        return [Finding("warning", "No steering group members yet. Add the members to see the checks from Guide §3.2.")]
    out = []

    def yes(col):
        return [r for r in rows if r.get(col) is True]

    if yes("lived_experience"):
        out.append(Finding("ok", "The voice of victims/survivors is represented."))
    else:
        out.append(Finding("warning", "No member brings the voice of victims/survivors (Guide §3.2). Consider how it will be heard."))
    present = {r.get("agency_type") for r in rows}
    missing = [t["label"] for t in _statutory_types(nation) if t["id"] not in present]
    if missing:
        out.append(Finding("warning", "No member from a statutory partner: " + ", ".join(missing) + "."))
    else:
        out.append(Finding("ok", "Every statutory partner is represented."))
    not_senior = [r.get("name") or "a member" for r in rows if r.get("authority_to_commit") is not True]
    if not_senior:
        names = ", ".join(not_senior[:5]) + ("..." if len(not_senior) > 5 else "")
        out.append(
            Finding(
                "warning", f"{len(not_senior)} of {len(rows)} members are not recorded as able to commit their agency to actions: {names}."
            )
        )
    else:
        out.append(Finding("ok", "Every member can commit their agency to actions."))
    unnamed = [r for r in rows if r.get("named_representative") is not True]
    if unnamed:
        out.append(
            Finding(
                "warning", f"{len(unnamed)} members are not named standing representatives; consistent representation helps (Guide §3.2)."
            )
        )
    others = [t for t in content().reference("agency_types").for_nation(nation) if t["id"] in _BROAD_AGENCIES and t["id"] not in present]
    if others:
        out.append(
            Finding(
                "warning",
                "No member from: " + ", ".join(t["label"] for t in others) + ". The group should be broadly "
                "representative of every kind of agency in the partnership, not only the statutory partners (Guide §3.2).",
            )
        )
    levels = {r.get("seniority") for r in rows}
    if levels & {"executive", "senior"}:
        junior = [r.get("name") or "a member" for r in rows if r.get("seniority") in ("manager", "practitioner")]
        if junior:
            out.append(
                Finding(
                    "warning",
                    f"{len(junior)} member{'s are' if len(junior) != 1 else ' is'} recorded below senior manager level: "
                    + ", ".join(junior[:5])
                    + ("..." if len(junior) > 5 else "")
                    + ". Check each can make decisions and commit their agency (Guide §3.2).",
                )
            )
    elif any(r.get("seniority") for r in rows):
        out.append(Finding("warning", "No member is recorded as an executive or senior manager (Guide §3.2)."))
    if not yes("change_management"):
        out.append(Finding("warning", "No member is recorded with experience of change management (Guide §3.2)."))
    if "public_health" not in present:
        out.append(
            Finding("warning", "No public health member. The guide suggests considering one from outside the partnership (Guide §3.2).")
        )
    return out


#: Kinds of agency beyond the statutory partners that a broadly representative steering group includes
#: (Guide §3.2): the ones every partnership has.
_BROAD_AGENCIES = ("education", "probation", "voluntary", "youth_justice")


def check_pathways_in_place(rows: list[dict], nation: str) -> list[Finding]:
    """Guide §10 and recommendation 6: the pathways and continuity points, in place and known."""
    labels = dict(_labels("response_pathways", nation))
    answered = {str(r["_row"]): r for r in rows if r.get("_row") in labels and (r.get("in_place") or r.get("known"))}
    if not answered:
        return [Finding("warning", "No pathway recorded yet. Say which are in place (Guide §10, recommendation 6).")]
    out = []
    missing = [labels[k] for k in labels if (answered.get(k) or {}).get("in_place") in (None, "", "no", "unknown")]
    if missing:
        out.append(Finding("warning", "Not in place or not known: " + "; ".join(missing) + "."))
    unknown = [labels[k] for k, r in answered.items() if r.get("in_place") in ("yes", "partly") and r.get("known") in ("no", "partly")]
    if unknown:
        out.append(Finding("warning", "In place but not known or used by every practitioner: " + "; ".join(unknown) + "."))
    if not missing and not unknown:
        out.append(Finding("ok", "Every pathway and continuity point is in place and known."))
    return out


def check_policies_reviewed(rows: list[dict], nation: str) -> list[Finding]:
    """Template section 11: each associated policy has an owner and a review date that has not passed."""
    if not rows:
        return [Finding("warning", "No associated policies or procedures listed yet (template section 11).")]
    today = date.today().isoformat()
    overdue = [r.get("title") or "a policy" for r in rows if r.get("next_review") and str(r.get("next_review")) < today]
    undated = [r.get("title") or "a policy" for r in rows if not r.get("next_review")]
    out = []
    if overdue:
        out.append(Finding("warning", "Review date passed: " + "; ".join(overdue) + "."))
    if undated:
        out.append(Finding("warning", "No review date yet: " + "; ".join(undated) + "."))
    if not overdue and not undated:
        out.append(Finding("ok", f"All {len(rows)} policies and procedures have a review date still to come."))
    return out


def check_statutory_contributions(rows: list[dict], nation: str) -> list[Finding]:
    """Guide §3: each statutory partner has a stated contribution."""
    stated = {r.get("agency_type") for r in rows if (r.get("contribution") or "").strip()}
    missing = [t["label"] for t in _statutory_types(nation) if t["id"] not in stated]
    if missing:
        return [Finding("warning", "No stated contribution yet from: " + ", ".join(missing) + ".")]
    return [Finding("ok", "Every statutory partner has a stated contribution.")]


def _labels(ref_id: str, nation: str) -> list[tuple[str, str]]:
    return [(o.id, o.label) for o in content().list_options(ref_id, nation)]


def check_forms_covered(rows: list[dict], nation: str) -> list[Finding]:
    """Guide §4.1: the strategy names and covers every form of child sexual abuse."""
    covered = {r.get("_row") for r in rows if r.get("coverage") == "covered"}
    missing = [label for key, label in _labels("forms_of_abuse", nation) if key not in covered]
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        return [
            Finding(
                "warning",
                f"{len(missing)} of the six forms of child sexual abuse {verb} not yet fully covered: "
                + "; ".join(missing)
                + ". The guide asks for the broadest focus (Guide §4.1).",
            )
        ]
    return [Finding("ok", "Every form of child sexual abuse is named and covered.")]


def check_groups_considered(rows: list[dict], nation: str) -> list[Finding]:
    """Guide §4.2: everyone affected is considered, not only the child."""
    considered = {r.get("_row") for r in rows if r.get("considered") is True}
    missing = [label for key, label in _labels("groups_affected", nation) if key not in considered]
    if missing:
        return [
            Finding(
                "warning",
                f"{len(missing)} of the nine groups affected {'is' if len(missing) == 1 else 'are'} not yet considered: "
                + "; ".join(missing)
                + " (Guide §4.2).",
            )
        ]
    return [Finding("ok", "Every group affected by child sexual abuse has been considered.")]


CHECKS: dict[str, Callable[[list[dict], str], list[Finding]]] = {
    "steering_group": check_steering_group,
    "pathways_in_place": check_pathways_in_place,
    "policies_reviewed": check_policies_reviewed,
    "statutory_contributions": check_statutory_contributions,
    "forms_covered": check_forms_covered,
    "groups_considered": check_groups_considered,
}


def run_checks(check_ids, rows: list[dict], nation: str) -> list[Finding]:
    out: list[Finding] = []
    for check_id in check_ids:
        out.extend(CHECKS[check_id](rows, nation))
    return out
