"""The guide's checks on the steering group and on agency contributions (Guide §3, §3.2)."""

from __future__ import annotations

import pytest

from strategy.guide.checks import check_statutory_contributions, check_steering_group, run_checks
from strategy.guide.content import content


def member(name, agency_type, **flags):
    row = {
        "name": name,
        "agency": "",
        "agency_type": agency_type,
        "role": "",
        "authority_to_commit": True,
        "named_representative": True,
        "lived_experience": None,
        "change_management": None,
    }
    row.update(flags)
    return row


ENGLAND_GROUP = [
    member("Director of Children's Services", "local_authority", change_management=True),
    member("Designated nurse", "integrated_care_board"),
    member("Detective superintendent", "police"),
    member("Survivors' panel lead", "voluntary", lived_experience=True),
    member("Consultant in public health", "public_health"),
    # The partnership's other agencies (Guide §3.2: broadly representative of all of them).
    member("Designated safeguarding lead", "education"),
    member("Head of the probation delivery unit", "probation"),
    member("Head of youth justice", "youth_justice"),
]
WALES_GROUP = [
    member("Head of children's services", "local_authority", change_management=True),
    member("Head of safeguarding", "local_health_board"),
    member("Named nurse", "nhs_trust"),
    member("Detective chief inspector", "police"),
    member("Survivors' panel lead", "voluntary", lived_experience=True),
    member("Consultant in public health", "public_health"),
    member("Designated safeguarding lead", "education"),
    member("Head of the probation delivery unit", "probation"),
    member("Head of youth justice", "youth_justice"),
]


def warnings(findings):
    return [f.message for f in findings if f.level == "warning"]


@pytest.mark.parametrize("nation, group", [("england", ENGLAND_GROUP), ("wales", WALES_GROUP)])
def test_a_complete_group_has_no_warnings(nation, group):
    findings = check_steering_group(group, nation)
    assert warnings(findings) == []
    assert "Every statutory partner is represented." in [f.message for f in findings]


def test_no_members_yet_says_what_to_do():
    assert warnings(check_steering_group([], "england")) == [
        "No steering group members yet. Add the members to see the checks from Guide §3.2."
    ]


def test_no_lived_experience_is_a_warning_naming_victims_and_survivors():
    group = [dict(r, lived_experience=False) for r in ENGLAND_GROUP]
    found = warnings(check_steering_group(group, "england"))
    assert len(found) == 1
    assert "victims/survivors" in found[0] and "§3.2" in found[0]


def test_england_missing_the_integrated_care_board_is_named():
    group = [r for r in ENGLAND_GROUP if r["agency_type"] != "integrated_care_board"]
    found = warnings(check_steering_group(group, "england"))
    assert found == ["No member from a statutory partner: Integrated care board."]


def test_wales_needs_the_local_health_board_and_nhs_trust_not_an_integrated_care_board():
    # An English-style group in Wales: the integrated care board does not count there.
    group = [r for r in ENGLAND_GROUP]
    found = warnings(check_steering_group(group, "wales"))
    statutory = [m for m in found if m.startswith("No member from a statutory partner")]
    assert statutory == ["No member from a statutory partner: Local health board, NHS trust."]


def test_an_nhs_trust_is_not_required_in_england():
    group = [r for r in ENGLAND_GROUP]
    assert not any("NHS trust" in m for m in warnings(check_steering_group(group, "england")))


def test_no_public_health_member_is_a_warning():
    group = [r for r in WALES_GROUP if r["agency_type"] != "public_health"]
    assert warnings(check_steering_group(group, "wales")) == [
        "No public health member. The guide suggests considering one from outside the partnership (Guide §3.2)."
    ]


def test_members_who_cannot_commit_their_agency_are_counted_and_named():
    group = [dict(r, authority_to_commit=None) if r["agency_type"] in ("police", "voluntary") else r for r in ENGLAND_GROUP]
    found = warnings(check_steering_group(group, "england"))
    assert found == [
        "2 of 8 members are not recorded as able to commit their agency to actions: Detective superintendent, Survivors' panel lead."
    ]


def test_no_change_management_experience_and_unnamed_representatives_are_warnings():
    group = [dict(r, change_management=None, named_representative=False) for r in ENGLAND_GROUP]
    found = warnings(check_steering_group(group, "england"))
    assert "No member is recorded with experience of change management (Guide §3.2)." in found
    assert any(m.startswith("8 members are not named standing representatives") for m in found)


def test_contributions_name_each_statutory_partner_without_one():
    rows = [
        {"agency": "Harbourshire Council", "agency_type": "local_authority", "contribution": "Leads enquiries"},
        {"agency": "Harbourshire Police", "agency_type": "police", "contribution": "   "},
    ]
    assert warnings(check_statutory_contributions(rows, "england")) == ["No stated contribution yet from: Integrated care board, Police."]
    assert warnings(check_statutory_contributions(rows, "wales")) == [
        "No stated contribution yet from: Local health board, NHS trust, Police."
    ]


def test_contributions_from_every_statutory_partner_pass():
    rows = [{"agency_type": t, "contribution": "Something concrete"} for t in ("local_authority", "integrated_care_board", "police")]
    findings = check_statutory_contributions(rows, "england")
    assert [(f.level, f.message) for f in findings] == [("ok", "Every statutory partner has a stated contribution.")]


def test_the_checks_a_prompt_names_are_the_ones_run():
    prompt = content().prompts["vision.steering_group"]
    assert prompt.checks == ("steering_group",)
    assert run_checks(prompt.checks, [], "wales") == check_steering_group([], "wales")
    contributions = content().prompts["vision.contributions"]
    assert warnings(run_checks(contributions.checks, [], "england")) == [
        "No stated contribution yet from: Local authority, Integrated care board, Police."
    ]


def test_every_check_the_guide_content_may_name_has_a_function_and_no_more():
    from strategy.guide.checks import CHECKS
    from strategy.guide.content import KNOWN_CHECKS

    assert sorted(CHECKS) == sorted(KNOWN_CHECKS)
