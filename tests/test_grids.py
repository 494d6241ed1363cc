"""Grids (fixed rows from the guide's lists), the new column types, and adding many rows at once."""

import threading

import pytest
from strategy.answers.operations import (
    add_row,
    add_rows,
    grid_rows,
    list_rows,
    restore_row,
    set_grid_cell,
)
from strategy.core.authors import Author
from strategy.core.errors import Conflict, InvalidInput, NotFound
from strategy.guide.checks import check_forms_covered, check_groups_considered
from strategy.guide.content import content
from strategy.people.partnerships import create_partnership


@pytest.fixture
def pid(engine):
    return create_partnership(engine, name="Harbourshire", nation="england").id


def test_a_grid_row_is_created_by_its_first_cell_and_updated_by_the_next(engine, pid, author):
    set_grid_cell(engine, pid, "context.forms", "online", "coverage", "partly", expected=None, author=author)
    set_grid_cell(engine, pid, "context.forms", "online", "notes", "Schools report more sharing of images.", expected=None, author=author)
    rows = grid_rows(engine, pid, "context.forms")
    assert list(rows) == ["online"]
    assert rows["online"].values == {"coverage": "partly", "notes": "Schools report more sharing of images."}


def test_every_fixed_row_of_a_cross_product_grid_has_its_own_key():
    prompt = content().prompts["response.support_matrix"]
    keys = [key for key, _ in content().grid_rows(prompt, "england")]
    groups = len(content().reference("groups_affected").items)
    supports = len(content().reference("support_types").items)
    assert len(keys) == len(set(keys)) == groups * supports
    assert all(key.count("|") == 1 for key in keys)


def test_the_support_matrix_takes_numbers_lists_and_choices(engine, pid, author):
    key = content().grid_rows(content().prompts["response.support_matrix"], "england")[0][0]
    set_grid_cell(engine, pid, "response.support_matrix", key, "exists", "none", expected=None, author=author)
    set_grid_cell(engine, pid, "response.support_matrix", key, "sector", ["voluntary", "statutory"], expected=None, author=author)
    set_grid_cell(engine, pid, "response.support_matrix", key, "typical_wait_weeks", "26", expected=None, author=author)
    assert grid_rows(engine, pid, "response.support_matrix")[key].values == {
        "exists": "none",
        "sector": ["statutory", "voluntary"],
        "typical_wait_weeks": 26,
    }


@pytest.mark.parametrize(
    "column, value, says",
    [
        ("typical_wait_weeks", "-2", "cannot be less than 0"),
        ("typical_wait_weeks", "six", "should be a number"),
        ("exists", "maybe", "not one of the choices"),
        ("sector", ["statutory", "council"], "not one of the choices"),
    ],
)
def test_bad_cells_are_refused_and_nothing_is_stored(engine, pid, author, column, value, says):
    key = content().grid_rows(content().prompts["response.support_matrix"], "england")[0][0]
    set_grid_cell(engine, pid, "response.support_matrix", key, "exists", "partly", expected=None, author=author)
    before = grid_rows(engine, pid, "response.support_matrix")
    with pytest.raises(InvalidInput) as err:
        set_grid_cell(engine, pid, "response.support_matrix", key, column, value, expected=None, author=author)
    assert says in err.value.message
    assert grid_rows(engine, pid, "response.support_matrix") == before


def test_unknown_rows_and_columns_are_refused(engine, pid, author):
    with pytest.raises(NotFound):
        set_grid_cell(engine, pid, "context.forms", "made_up_form", "coverage", "covered", expected=None, author=author)
    with pytest.raises(InvalidInput):
        set_grid_cell(engine, pid, "context.forms", "online", "colour", "blue", expected=None, author=author)
    assert grid_rows(engine, pid, "context.forms") == {}


def test_two_people_on_the_same_cell_both_texts_are_kept(engine, pid, author, other_author):
    set_grid_cell(engine, pid, "context.forms", "exploitation", "notes", "First", expected=None, author=author)
    set_grid_cell(engine, pid, "context.forms", "exploitation", "notes", "Second", expected="First", author=other_author)
    with pytest.raises(Conflict) as err:
        set_grid_cell(engine, pid, "context.forms", "exploitation", "notes", "Third", expected="First", author=author)
    assert err.value.theirs == "Second"
    assert grid_rows(engine, pid, "context.forms")["exploitation"].values["notes"] == "Second"


def test_people_writing_different_cells_of_a_new_row_at_once_all_succeed(engine, pid):
    columns = ["coverage", "how", "notes"]
    values = {"coverage": "covered", "how": "Named in the scope", "notes": "Local notes"}
    errors = []

    def write(column):
        try:
            set_grid_cell(
                engine,
                pid,
                "context.forms",
                "trusted_adults",
                column,
                values[column],
                expected=None,
                author=Author.make(f"Writer {column}"),
            )
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(c,)) for c in columns]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    rows = grid_rows(engine, pid, "context.forms")
    assert list(rows) == ["trusted_adults"]
    assert rows["trusted_adults"].values == values


def test_a_grid_with_extra_rows_takes_rows_of_the_partnerships_own(engine, pid, author):
    row = add_row(engine, pid, "response.disruption", {"label": "Sexual risk orders", "used": "yes"}, author=author)
    assert row.row_key is None
    assert [r.values["label"] for r in list_rows(engine, pid, "response.disruption")] == ["Sexual risk orders"]
    with pytest.raises(InvalidInput) as err:
        add_row(engine, pid, "response.disruption", {"used": "yes"}, author=author)
    assert "cannot be empty" in err.value.message


def test_a_fixed_grid_refuses_added_rows(engine, pid, author):
    with pytest.raises(InvalidInput) as err:
        add_row(engine, pid, "context.forms", {"coverage": "covered"}, author=author)
    assert "fixed set of rows" in err.value.message


def test_adding_many_rows_is_all_or_nothing_and_names_the_row(engine, pid, author):
    rows = [
        {"indicator": "child_population", "period": "2024", "value": "61,200", "source": "ONS"},
        {"indicator": "looked_after", "period": "2023/24", "value": "c", "source": "DfE"},
        {"indicator": "on_plan", "period": "2023/25", "value": "310", "source": "DfE"},
    ]
    with pytest.raises(InvalidInput) as err:
        add_rows(engine, pid, "context.figures", rows, author=author)
    assert err.value.message.startswith("Row 3: ")
    assert "two years in a row" in err.value.message
    assert list_rows(engine, pid, "context.figures") == []

    rows[2]["period"] = "2023/24"
    added = add_rows(engine, pid, "context.figures", rows, author=author)
    assert [r.values["value"] for r in added] == ["61200", "c", "310"]
    assert [r.values["period"] for r in added] == ["2024", "2023/24", "2023/24"]


def test_replacing_rows_keeps_the_old_ones_restorable(engine, pid, author):
    first = add_rows(engine, pid, "context.figures", [{"indicator": "ethnicity", "value": "12"}], author=author)
    add_rows(engine, pid, "context.figures", [{"indicator": "ethnicity", "value": "14"}], author=author, replace=True)
    assert [r.values["value"] for r in list_rows(engine, pid, "context.figures")] == ["14"]
    restore_row(engine, pid, first[0].id, author=author)
    assert sorted(r.values["value"] for r in list_rows(engine, pid, "context.figures")) == ["12", "14"]


def test_table_dates_are_stored_iso(engine, pid, author):
    row = add_row(engine, pid, "response.case_reviews", {"title": "Review A", "date": "31/03/2024"}, author=author)
    assert row.values["date"] == "2024-03-31"
    with pytest.raises(InvalidInput) as err:
        add_row(engine, pid, "response.case_reviews", {"title": "Review B", "date": "31/02/2024"}, author=author)
    assert "not a real date" in err.value.message


def test_forms_and_groups_checks_name_what_is_missing():
    rows = [{"_row": "family_network", "coverage": "covered"}, {"_row": "online", "coverage": "partly"}]
    [finding] = check_forms_covered(rows, "england")
    assert finding.level == "warning"
    assert "5 of the six forms" in finding.message
    all_forms = [{"_row": item["id"], "coverage": "covered"} for item in content().reference("forms_of_abuse").items]
    assert check_forms_covered(all_forms, "england")[0].level == "ok"
    groups = [{"_row": item["id"], "considered": True} for item in content().reference("groups_affected").items]
    assert check_groups_considered(groups, "wales")[0].level == "ok"
    assert check_groups_considered(groups[1:], "wales")[0].level == "warning"
