"""Chart colours a person can see: every colour of the palette is at least 3:1 against the white chart
background (WCAG 2.2, 1.4.11), and the guide's data (statuses, scales, grades) uses only those colours."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from strategy.assessments import snapshot as sn
from strategy.core import palette
from strategy.evidence import analysis
from strategy.plan import charts as plan_charts

DATA = Path(__file__).resolve().parent.parent / "data" / "reference"


def _data_colours() -> dict[str, str]:
    found = {}
    for path in sorted(DATA.glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in document.get("items", []) if isinstance(document, dict) else []:
            if isinstance(item, dict) and "colour" in item:
                found[f"{path.name}: {item.get('label', item.get('id'))}"] = item["colour"]
    return found


def test_contrast_ratio_is_wcag_s():
    assert palette.contrast_ratio("#000000") == pytest.approx(21.0)
    assert palette.contrast_ratio("#FFFFFF") == pytest.approx(1.0)
    assert palette.contrast_ratio("#767676") == pytest.approx(4.54, abs=0.01)
    # The colours the issue found failing.
    assert palette.contrast_ratio("#E69F00") < 3 and palette.contrast_ratio("#7DAF3B") < 3 and palette.contrast_ratio("#999999") < 3


@pytest.mark.parametrize("colour", palette.ALL)
def test_every_palette_colour_is_at_least_3_to_1_against_white(colour):
    assert palette.contrast_ratio(colour) >= palette.NON_TEXT_CONTRAST, f"{colour}: {palette.contrast_ratio(colour):.2f}:1"


def test_the_guides_data_uses_only_palette_colours():
    colours = _data_colours()
    assert len(colours) >= 18  # statuses, the two snapshot scales, the audit grades
    strays = {where: c for where, c in colours.items() if c.upper() not in {p.upper() for p in palette.ALL}}
    assert not strays, f"colours in data/reference that are not in strategy/core/palette.py: {strays}"


def test_the_charts_take_their_colours_from_the_palette():
    used = [
        analysis.IDENTIFIED_COLOUR,
        analysis.HIDDEN_COLOUR,
        analysis.FLAG_COLOUR,
        analysis.OK_COLOUR,
        sn.STRATEGIC_COLOUR,
        sn.FRONTLINE_COLOUR,
        *sn.RAG_COLOURS.values(),
        plan_charts.GAP,
        *plan_charts.COLOURS.values(),
    ]
    assert all(c in palette.ALL for c in used), [c for c in used if c not in palette.ALL]
