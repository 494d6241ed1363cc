"""Partnerships: create, list, rename, archive; names unique however they are typed; bad details
refused with a message and nothing stored."""

from __future__ import annotations

import pytest
from strategy.core.errors import InvalidInput, NotFound
from strategy.people.partnerships import (
    create_partnership,
    find_partnership,
    get_partnership,
    list_partnerships,
    nation_words,
    period_label,
    rename_partnership,
    set_archived,
    update_partnership,
)

NAME = "Harbourshire Partnership"


def _names(engine, include_archived=False):
    return [p.name for p in list_partnerships(engine, include_archived=include_archived)]


def _details(engine, pid):
    p = get_partnership(engine, pid)
    return (p.name, p.nation, p.areas, p.period_start, p.period_end, p.archived)


# --- The ordinary path -------------------------------------------------------------------------


def test_create_then_list_shows_it_with_its_details(engine):
    p = create_partnership(
        engine, name="  Vale of Ashby  Board ", nation="Wales ", areas="Ashby and  the Vale", period_start="2026", period_end=2029
    )
    assert _names(engine) == ["Vale of Ashby Board"]
    stored = get_partnership(engine, p.id)
    assert (stored.name, stored.nation, stored.areas) == ("Vale of Ashby Board", "wales", "Ashby and the Vale")
    assert period_label(stored) == "2026 to 2029"


def test_list_is_in_alphabetical_order_ignoring_case(engine):
    for name in ["vale partnership", "Ashby Board", "Harbourshire Partnership"]:
        create_partnership(engine, name=name, nation="england")
    assert _names(engine) == ["Ashby Board", "Harbourshire Partnership", "vale partnership"]


def test_rename_changes_the_name_everywhere(engine, partnership):
    rename_partnership(engine, partnership.id, "Harbourshire Safeguarding Children Partnership")
    assert _names(engine) == ["Harbourshire Safeguarding Children Partnership"]
    assert find_partnership(engine, "harbourshire safeguarding children partnership").id == partnership.id
    with pytest.raises(NotFound) as info:
        find_partnership(engine, NAME)
    assert f"No partnership is called '{NAME}'" in info.value.message


def test_rename_to_the_same_name_in_other_case_is_allowed(engine, partnership):
    rename_partnership(engine, partnership.id, "HARBOURSHIRE PARTNERSHIP")
    assert _names(engine) == ["HARBOURSHIRE PARTNERSHIP"]


def test_archive_hides_from_the_list_and_unarchive_brings_it_back(engine, partnership):
    other = create_partnership(engine, name="Vale Partnership", nation="wales")
    set_archived(engine, partnership.id, True)
    assert _names(engine) == ["Vale Partnership"]
    assert _names(engine, include_archived=True) == [NAME, "Vale Partnership"]
    assert get_partnership(engine, partnership.id).archived is True
    set_archived(engine, partnership.id, False)
    assert _names(engine) == [NAME, "Vale Partnership"]
    assert get_partnership(engine, other.id).archived is False


def test_update_changes_only_the_fields_given(engine, partnership):
    update_partnership(engine, partnership.id, areas="Harbourshire and Ashby")
    assert _details(engine, partnership.id) == (NAME, "england", "Harbourshire and Ashby", 2026, 2029, False)
    update_partnership(engine, partnership.id, period_end=2030)
    assert _details(engine, partnership.id) == (NAME, "england", "Harbourshire and Ashby", 2026, 2030, False)
    update_partnership(engine, partnership.id, period_start=None, period_end=None)
    assert period_label(get_partnership(engine, partnership.id)) == ""


def test_nation_words_differ(engine):
    assert nation_words("england")["partnership_term"] == "safeguarding children partnership"
    assert nation_words("wales")["partnership_term"] == "regional safeguarding board"


def test_names_are_stored_literally(engine):
    for name in [
        "<script>alert(1)</script>",
        "Robert'); DROP TABLE partnership;--",
        "Bwrdd Diogelu Gogledd Cymru ŵŷ",
        "[Link](javascript:alert(1))",
    ]:
        create_partnership(engine, name=name, nation="wales")
    assert sorted(_names(engine)) == sorted(
        [
            "<script>alert(1)</script>",
            "Robert'); DROP TABLE partnership;--",
            "Bwrdd Diogelu Gogledd Cymru ŵŷ",
            "[Link](javascript:alert(1))",
        ]
    )
    assert find_partnership(engine, "BWRDD DIOGELU GOGLEDD CYMRU ŴŶ").name == "Bwrdd Diogelu Gogledd Cymru ŵŷ"


# --- Duplicate names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "same",
    [
        "harbourshire partnership",
        "HARBOURSHIRE PARTNERSHIP",
        "  Harbourshire Partnership  ",
        "Harbourshire    Partnership",
        "Harbourshire\u00a0Partnership",
        "Harbourshire\tPartnership\n",
        "\u00a0Harbourshire \u00a0 Partnership\u00a0",
    ],
    ids=["lower", "upper", "surrounding-spaces", "repeated-spaces", "nbsp", "tab-newline", "nbsp-mix"],
)
def test_a_name_differing_only_in_case_or_spaces_is_refused(engine, partnership, same):
    with pytest.raises(InvalidInput) as info:
        create_partnership(engine, name=same, nation="wales")
    assert info.value.message == f"A partnership called '{NAME}' already exists. Choose a different name."
    assert _names(engine, include_archived=True) == [NAME]
    assert _details(engine, partnership.id) == (NAME, "england", "Harbourshire", 2026, 2029, False)


def test_accents_typed_two_ways_are_the_same_name(engine):
    create_partnership(engine, name="Caf\u00e9 Board", nation="england")  # é as one character
    with pytest.raises(InvalidInput, match="already exists"):
        create_partnership(engine, name="Cafe\u0301 Board", nation="england")  # e + combining accent
    assert len(_names(engine)) == 1


def test_a_duplicate_of_an_archived_partnership_says_where_to_find_it(engine, partnership):
    set_archived(engine, partnership.id, True)
    with pytest.raises(InvalidInput) as info:
        create_partnership(engine, name=NAME.upper(), nation="england")
    assert "it is archived" in info.value.message and "Show archived" in info.value.message
    assert _names(engine, include_archived=True) == [NAME]


def test_rename_to_a_taken_name_is_refused_and_the_original_name_kept(engine, partnership):
    other = create_partnership(engine, name="Vale Partnership", nation="wales")
    with pytest.raises(InvalidInput) as info:
        rename_partnership(engine, other.id, " harbourshire\u00a0partnership ")
    assert f"'{NAME}' already exists" in info.value.message
    assert get_partnership(engine, other.id).name == "Vale Partnership"
    assert find_partnership(engine, "vale partnership").id == other.id
    assert _details(engine, partnership.id) == (NAME, "england", "Harbourshire", 2026, 2029, False)


def test_two_people_creating_the_same_name_at_the_same_moment(pg_engine, just_before):
    # The second person's INSERT meets the first's committed row: a clear message, one partnership.
    fired = just_before(pg_engine, "INSERT INTO partnership", lambda: create_partnership(pg_engine, name=NAME, nation="england"))
    with pytest.raises(InvalidInput) as info:
        create_partnership(pg_engine, name=NAME.lower(), nation="wales")
    assert fired
    assert "already exists" in info.value.message
    assert _details(pg_engine, find_partnership(pg_engine, NAME).id)[:2] == (NAME, "england")
    assert len(_names(pg_engine)) == 1


def test_two_people_renaming_to_the_same_name_at_the_same_moment(pg_engine, just_before):
    a = create_partnership(pg_engine, name="Ashby Board", nation="england")
    b = create_partnership(pg_engine, name="Vale Board", nation="england")
    fired = just_before(pg_engine, "UPDATE partnership", lambda: rename_partnership(pg_engine, a.id, "Joint Board"))
    with pytest.raises(InvalidInput) as info:
        rename_partnership(pg_engine, b.id, "joint board")
    assert fired
    assert "Another partnership has just taken that name" in info.value.message
    assert _names(pg_engine) == ["Joint Board", "Vale Board"]


# --- Bad details -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["", "   ", "\u00a0\u00a0", "\n\t\r", "\x00\x01"], ids=["empty", "spaces", "nbsp", "newlines", "controls"])
def test_an_empty_name_is_refused(engine, name):
    with pytest.raises(InvalidInput) as info:
        create_partnership(engine, name=name, nation="england")
    assert info.value.message == "Give the partnership a name (it cannot be empty or only spaces)."
    assert _names(engine, include_archived=True) == []


def test_renaming_to_an_empty_name_is_refused_and_the_name_kept(engine, partnership):
    with pytest.raises(InvalidInput, match="cannot be empty"):
        rename_partnership(engine, partnership.id, "   ")
    assert get_partnership(engine, partnership.id).name == NAME


def test_a_name_of_120_characters_is_accepted_and_121_refused(engine):
    create_partnership(engine, name="A" * 120, nation="england")
    with pytest.raises(InvalidInput) as info:
        create_partnership(engine, name="B" * 121, nation="england")
    assert info.value.message == "The name is 121 characters; keep it to 120 or fewer."
    assert _names(engine) == ["A" * 120]


def test_renaming_to_121_characters_is_refused_and_the_name_kept(engine, partnership):
    with pytest.raises(InvalidInput, match="121 characters"):
        rename_partnership(engine, partnership.id, "C" * 121)
    assert get_partnership(engine, partnership.id).name == NAME


@pytest.mark.parametrize("nation", ["scotland", "", "   ", "England and Wales"])
def test_a_nation_other_than_england_or_wales_is_refused(engine, nation):
    with pytest.raises(InvalidInput) as info:
        create_partnership(engine, name=NAME, nation=nation)
    assert info.value.message == "Choose the nation the partnership is in: England or Wales."
    assert _names(engine, include_archived=True) == []


def test_changing_to_a_bad_nation_is_refused_and_the_nation_kept(engine, partnership):
    with pytest.raises(InvalidInput, match="England or Wales"):
        update_partnership(engine, partnership.id, nation="northern ireland")
    assert get_partnership(engine, partnership.id).nation == "england"


def test_a_period_ending_before_it_starts_is_refused(engine):
    with pytest.raises(InvalidInput) as info:
        create_partnership(engine, name=NAME, nation="england", period_start=2029, period_end=2026)
    assert info.value.message == "The strategy period ends (2026) before it starts (2029). Check the years."
    assert _names(engine, include_archived=True) == []


def test_moving_the_end_before_the_start_is_refused_and_the_period_kept(engine, partnership):
    with pytest.raises(InvalidInput, match="ends \\(2025\\) before it starts \\(2026\\)"):
        update_partnership(engine, partnership.id, period_end=2025)
    assert _details(engine, partnership.id) == (NAME, "england", "Harbourshire", 2026, 2029, False)


@pytest.mark.parametrize(
    "year, message",
    [
        ("20x6", "should be a year such as 2026, not '20x6'"),
        ("2020/21", "should be a year such as 2026"),
        ("1999", "between 2000 and 2100"),
        (2101, "between 2000 and 2100"),
    ],
)
def test_a_year_that_is_not_a_year_is_refused(engine, year, message):
    with pytest.raises(InvalidInput, match=message.replace("(", "\\(")):
        create_partnership(engine, name=NAME, nation="england", period_start=year)
    assert _names(engine, include_archived=True) == []


def test_areas_longer_than_1000_characters_are_refused_on_create_and_on_change(engine, partnership):
    with pytest.raises(InvalidInput, match="1,000 characters"):
        create_partnership(engine, name="Vale Partnership", nation="wales", areas="x" * 1001)
    with pytest.raises(InvalidInput, match="1,000 characters"):
        update_partnership(engine, partnership.id, areas="y" * 1001)
    assert _names(engine) == [NAME]
    assert get_partnership(engine, partnership.id).areas == "Harbourshire"


def test_a_partnership_that_does_not_exist_is_reported(engine):
    with pytest.raises(NotFound, match="no longer exists"):
        get_partnership(engine, 424242)
    with pytest.raises(NotFound, match="no longer exists"):
        rename_partnership(engine, 424242, "Anything")
    with pytest.raises(NotFound, match="no longer exists"):
        set_archived(engine, 424242, True)
    assert _names(engine, include_archived=True) == []
