"""The colours of every chart, in one place.

Each colour that marks something in a chart (a bar, a line, a point) is at least 3:1 against the
white chart background (WCAG 2.2, 1.4.11 non-text contrast), checked by tests/test_palette.py with
``contrast_ratio`` for every colour here; every ``colour`` in data/reference is one of them. The set stays
distinguishable for the common kinds of colour blindness (after Okabe and Ito, darkened where a hue
was too light), and no chart relies on colour alone: bars carry their label or value, lines their
dash and name, bars of several series a pattern."""

from __future__ import annotations

WHITE = "#FFFFFF"

BLUE = "#0072B2"  # 5.2:1
NAVY = "#0B4F8A"  # 8.4:1
ROYAL = "#1F5FA8"  # 6.4:1, the top of the snapshot scales
SKY = "#2F8FC7"  # 3.6:1 (Okabe-Ito's sky blue #56B4E9 is 2.3:1)
GREEN = "#009E73"  # 3.4:1
DARK_GREEN = "#1E7B4A"  # 5.3:1
LIGHT_GREEN = "#5A8A1F"  # 4.1:1 (lighter in hue than DARK_GREEN; #7DAF3B was 2.6:1)
AMBER = "#B26B00"  # 4.2:1 (#E69F00 was 2.3:1, #E67E22 2.9:1)
VERMILION = "#D55E00"  # 3.9:1
RED = "#C0392B"  # 5.4:1
PINK = "#B5477F"  # 5.0:1 (#CC79A7 was 3.1:1, too close to the line)
PURPLE = "#6A4C93"  # 6.9:1
GREY = "#767676"  # 4.5:1 (#999999 and #9E9E9E were 2.8:1 and 2.7:1)
INK = "#333333"  # 12.6:1, reference lines and labels
BLACK = "#000000"

#: The Theory of Change chain: aims, outcomes, actions; and the red of a gap in it.
CHAIN = {"aim": "#1F4E79", "outcome": "#2E7D32", "action": PURPLE}  # 8.7:1, 5.1:1, 6.9:1
GAP = "#B3261E"  # 6.5:1

#: Series in a chart of several (lines, grouped bars), in this order.
SERIES = (BLUE, AMBER, GREEN, PINK, SKY, VERMILION, BLACK)

#: Every colour above, for the contrast test.
ALL = (BLUE, NAVY, ROYAL, SKY, GREEN, DARK_GREEN, LIGHT_GREEN, AMBER, VERMILION, RED, PINK, PURPLE, GREY, INK, BLACK, GAP, *CHAIN.values())

#: What WCAG asks of a chart's marks against their background.
NON_TEXT_CONTRAST = 3.0


def _luminance(colour: str) -> float:
    """WCAG relative luminance of a #RRGGBB colour."""
    value = colour.lstrip("#")
    if len(value) != 6:
        raise ValueError(f"not a #RRGGBB colour: {colour!r}")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(colour: str, background: str = WHITE) -> float:
    """The WCAG contrast ratio of two colours, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((_luminance(colour), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
