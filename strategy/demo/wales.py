"""The fictional 'Bro Taf Demo Partnership', in Wales (data/demo_wales.yaml): a few chapters and a small plan,
part of it with Welsh versions, to show the Welsh answers and titles (issue 20). Written through the same
functions as the pages (``ensure_demo`` for the English, ``strategy.answers.welsh`` for the Welsh); loading it
twice changes nothing. The Demo partnership itself is left as it is."""

from __future__ import annotations

import yaml
from sqlalchemy.engine import Engine

from strategy.answers.operations import get_answer, normalise_value, save_answer
from strategy.answers.welsh import plan_titles, save_welsh_answer, save_welsh_title, welsh_answers, welsh_title_rows
from strategy.core.authors import Author
from strategy.core.settings import DATA_DIR
from strategy.demo import ensure_demo
from strategy.guide.content import content

WALES_DEMO_FILE = DATA_DIR / "demo_wales.yaml"
WALES_DEMO_NAME = "Bro Taf Demo Partnership"


def load_wales_demo_data() -> dict:
    return yaml.safe_load(WALES_DEMO_FILE.read_text(encoding="utf-8"))


def ensure_wales_demo(engine: Engine) -> int:
    """Create or refresh the Bro Taf Demo Partnership; returns its id."""
    data = load_wales_demo_data()
    pid = ensure_demo(engine, data)
    author = Author.make(**data["author"])
    welsh = data.get("welsh", {})
    stored = welsh_answers(engine, pid)
    for prompt_id, spec in welsh.get("answers", {}).items():
        spec = {"text": spec} if isinstance(spec, str) else spec
        text = normalise_value(content().prompts[prompt_id], spec["text"].strip())
        have = stored.get(prompt_id)
        if have is not None and have.value == text:
            continue
        expected = have.version if have else 0
        earlier = spec.get("written_against")
        if earlier:
            # The Welsh was written against an earlier English: write that English, the Welsh, then the English as now.
            english = get_answer(engine, pid, prompt_id)
            final = english.value if english else ""
            then = save_answer(engine, pid, prompt_id, earlier.strip(), expected_version=english.version if english else 0, author=author)
            save_welsh_answer(engine, pid, prompt_id, text, expected_version=expected, author=author)
            save_answer(engine, pid, prompt_id, final, expected_version=then.version, author=author)
        else:
            save_welsh_answer(engine, pid, prompt_id, text, expected_version=expected, author=author)
    titles = {(t.kind, t.english): t for t in plan_titles(engine, pid)}
    rows = welsh_title_rows(engine, pid)
    for kind, mapping in welsh.get("titles", {}).items():
        for english_title, cymraeg in mapping.items():
            target = titles.get((kind, english_title))
            if target is None:
                continue
            row = rows.get((kind, target.id))
            if row is not None and row.title == cymraeg:
                continue
            save_welsh_title(engine, pid, kind, target.id, cymraeg, expected_version=row.version if row else 0, author=author)
    return pid
