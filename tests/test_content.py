"""Guide content under data/: every file loads, ids are unique, references resolve, and a broken file
stops the workbook at start with a message naming the file and the problem."""

from __future__ import annotations

import re
import shutil
import string

import pytest
import yaml
from strategy.core.settings import DATA_DIR
from strategy.guide.checks import CHECKS
from strategy.guide.content import PROMPT_TYPES, ContentError, content, load_content

NATIONS = ("england", "wales")


def _texts(c):
    """Every piece of content text a page fills with the nation's words."""
    for chapter in c.chapters:
        yield f"chapter {chapter.id} summary", chapter.summary
        for section in chapter.sections:
            yield f"section {chapter.id}.{section.id} intro", section.intro
            for p in section.prompts:
                yield f"{p.id} label", p.label
                yield f"{p.id} help", p.help
                for col in p.columns:
                    yield f"{p.id}.{col.id} help", col.help


# --- The real content --------------------------------------------------------------------------


def test_every_data_file_loads():
    c = load_content()
    reference_files = {p.stem for p in (DATA_DIR / "reference").glob("*.yaml")}
    assert reference_files, "no reference lists found"
    assert set(c.references) == reference_files
    assert set(c.nations) == set(NATIONS)
    assert [ch.id for ch in c.chapters][:2] == ["introduction", "shared_vision"]
    assert all(ch.prompts for ch in c.chapters), "a chapter without prompts shows an empty page"


def test_every_reference_list_is_documented_in_the_data_readme():
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    for path in (DATA_DIR / "reference").glob("*.yaml"):
        assert f"`{path.name}`" in readme, f"reference/{path.name} is not described in data/README.md"


def test_ids_are_unique():
    c = content()
    chapter_ids = [ch.id for ch in c.chapters]
    assert len(chapter_ids) == len(set(chapter_ids))
    all_prompts = [p.id for ch in c.chapters for p in ch.prompts]
    assert len(all_prompts) == len(set(all_prompts)) == len(c.prompts)
    for ch in c.chapters:
        section_ids = [s.id for s in ch.sections]
        assert len(section_ids) == len(set(section_ids)), ch.id
    for p in c.prompts.values():
        column_ids = [col.id for col in p.columns]
        assert len(column_ids) == len(set(column_ids)), p.id
        option_ids = [o.id for o in p.options]
        assert len(option_ids) == len(set(option_ids)), p.id
    for ref in c.references.values():
        item_ids = [i["id"] for i in ref.items]
        assert len(item_ids) == len(set(item_ids)), ref.id


def test_every_options_from_and_source_resolves_to_a_non_empty_list_in_each_nation():
    c = content()
    seen = 0
    for p in c.prompts.values():
        assert p.type in PROMPT_TYPES
        if p.source:
            assert c.reference(p.source).items, p.id
            seen += 1
        for owner in (p, *p.columns):
            if owner.type in ("choice", "multichoice"):
                for nation in NATIONS:
                    options = c.options(owner, nation)
                    assert options, f"{p.id}/{owner.id} has no choices in {nation}"
                    assert all(o.id and o.label for o in options)
                seen += 1
        for check in p.checks:
            assert check in CHECKS, p.id
    assert seen >= 5  # the content does use lists; a loader that skipped them would not get here


def test_agency_choices_differ_by_nation():
    c = content()
    column = next(col for col in c.prompts["vision.steering_group"].columns if col.id == "agency_type")
    england = {o.id for o in c.options(column, "england")}
    wales = {o.id for o in c.options(column, "wales")}
    assert "integrated_care_board" in england and "integrated_care_board" not in wales
    assert "local_health_board" in wales and "local_health_board" not in england


def test_template_has_eleven_numbered_sections_and_chapters_point_at_them():
    c = content()
    sections = c.reference("template_sections").items
    assert [s["number"] for s in sections] == list(range(1, 12))
    for ch in c.chapters:
        assert set(ch.template_sections) <= set(range(1, 12)), ch.id


def test_nation_placeholders_fill_differently_for_england_and_wales():
    c = content()
    assert c.fill("{plan_term}", "england") == "child protection plan"
    assert c.fill("{plan_term}", "wales") == "child protection register"
    help_text = c.prompts["intro.legislation"].help
    assert "{statutory_guidance}" in help_text
    assert "Working Together to Safeguard Children" in c.fill(help_text, "england")
    assert "Working Together to Safeguard People" in c.fill(help_text, "wales")


def test_an_unknown_placeholder_shows_as_written_rather_than_breaking_the_page():
    assert content().fill("See {no_such_word} and {plan_term}", "wales") == "See {no_such_word} and child protection register"


def test_every_placeholder_in_the_content_is_a_word_both_nations_define():
    c = content()
    for nation in NATIONS:
        words = c.nations[nation].words()
        for where, text in _texts(c):
            names = [field for _, field, _, _ in string.Formatter().parse(text) if field is not None]
            unknown = [n for n in names if n not in words]
            assert not unknown, f"{where}: {unknown} is not defined for {nation} in nations.yaml"
            assert not re.search(r"\{[a-z_]+\}", c.fill(text, nation)), where


# --- Broken copies of data/ --------------------------------------------------------------------


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target, ignore=shutil.ignore_patterns("*.sqlite3*", "*.created"))
    return target


def _edit_chapters(data_dir, change):
    path = data_dir / "chapters.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc["chapters"])
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_an_unchanged_copy_loads(data_copy):
    assert set(load_content(data_copy).prompts) == set(content().prompts)


def test_duplicate_prompt_id_is_refused_naming_the_id(data_copy):
    def change(chapters):
        chapters[1]["sections"][0]["prompts"].append(dict(chapters[0]["sections"][0]["prompts"][0]))

    _edit_chapters(data_copy, change)
    with pytest.raises(ContentError, match=r"intro\.purpose") as info:
        load_content(data_copy)
    assert "used twice" in str(info.value)


def test_unknown_prompt_type_is_refused_naming_the_type(data_copy):
    def change(chapters):
        chapters[0]["sections"][0]["prompts"][0]["type"] = "essay"

    _edit_chapters(data_copy, change)
    with pytest.raises(ContentError) as info:
        load_content(data_copy)
    assert "chapters.yaml" in str(info.value)
    assert "essay" in str(info.value)


def test_unknown_options_from_is_refused_naming_prompt_and_list(data_copy):
    def change(chapters):
        prompt = next(p for s in chapters[0]["sections"] for p in s["prompts"] if p["id"] == "intro.scope_forms")
        prompt["options_from"] = "forms_of_abuses"

    _edit_chapters(data_copy, change)
    with pytest.raises(ContentError, match=r"intro\.scope_forms.*'forms_of_abuses'"):
        load_content(data_copy)


def test_unknown_options_from_in_a_table_column_is_refused(data_copy):
    def change(chapters):
        prompt = next(p for s in chapters[1]["sections"] for p in s["prompts"] if p["id"] == "vision.steering_group")
        next(c for c in prompt["columns"] if c["id"] == "agency_type")["options_from"] = "agencies"

    _edit_chapters(data_copy, change)
    with pytest.raises(ContentError, match=r"vision\.steering_group.*'agencies'"):
        load_content(data_copy)


def test_unknown_reference_source_is_refused(data_copy):
    def change(chapters):
        prompt = next(p for s in chapters[0]["sections"] for p in s["prompts"] if p["id"] == "intro.national_facts")
        prompt["source"] = "nowhere"

    _edit_chapters(data_copy, change)
    with pytest.raises(ContentError, match=r"intro\.national_facts.*'nowhere'"):
        load_content(data_copy)


def test_unknown_check_is_refused(data_copy):
    def change(chapters):
        prompt = next(p for s in chapters[1]["sections"] for p in s["prompts"] if p["id"] == "vision.steering_group")
        prompt["checks"] = ["steering_grop"]

    _edit_chapters(data_copy, change)
    with pytest.raises(ContentError, match="unknown check 'steering_grop'"):
        load_content(data_copy)


def test_bad_yaml_in_chapters_is_refused_naming_the_file(data_copy):
    (data_copy / "chapters.yaml").write_text("chapters:\n  - id: introduction\n    title: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"^chapters\.yaml: not valid YAML"):
        load_content(data_copy)


def test_bad_yaml_in_a_reference_list_is_refused_naming_the_file(data_copy):
    (data_copy / "reference" / "criteria.yaml").write_text("id: criteria\nitems: {\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"criteria\.yaml"):
        load_content(data_copy)


def test_reference_items_with_repeated_ids_are_refused(data_copy):
    path = data_copy / "reference" / "forms_of_abuse.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["items"].append(dict(doc["items"][0]))
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match=r"reference/forms_of_abuse\.yaml: item ids repeat"):
        load_content(data_copy)


def test_reference_list_whose_id_differs_from_its_file_name_is_refused(data_copy):
    path = data_copy / "reference" / "criteria.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["id"] = "success_criteria"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match="'success_criteria' should be 'criteria'"):
        load_content(data_copy)


@pytest.mark.parametrize("bad", ["See {plan_term for details", "A list {} of things", "Item {0}"])
@pytest.mark.parametrize("where", ["help", "intro"])
def test_a_placeholder_that_would_break_the_page_is_refused_at_load(data_copy, bad, where):
    def change(chapters):
        section = chapters[0]["sections"][0]
        if where == "help":
            section["prompts"][0]["help"] = bad
        else:
            section["intro"] = bad

    _edit_chapters(data_copy, change)
    with pytest.raises(ContentError, match="chapters.yaml"):
        load_content(data_copy)
