"""Charts for delivery (Guide §15.1): actions by status and an indicator against its baseline and target.
Each is drawn from the same table the page and the report show beside it. Colours come with words: the
status colours are colour-blind safe and every bar is labelled with its status."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go

from strategy.core import palette
from strategy.core.text import chart_escape, shorten
from strategy.delivery import operations as D


def status_figure(counts: pd.DataFrame, by: str | None = None) -> go.Figure:
    """Bars of actions by status (``status_counts``); with ``by``, one stacked bar per value of ``by``."""
    colours = D.status_colours()
    fig = go.Figure()
    if by is None:
        fig.add_bar(
            x=counts["Status"],
            y=counts["Actions"],
            marker_color=[colours[s] for s in counts["Status"]],
            text=counts["Actions"],
            textposition="outside",
        )
        fig.update_layout(yaxis_title="Actions", showlegend=False)
    else:
        for status in [s["label"] for s in D.statuses()]:
            if status in counts.columns and counts[status].sum():
                fig.add_bar(
                    y=counts[by].map(chart_escape),
                    x=counts[status],
                    name=status,
                    orientation="h",
                    marker_color=colours[status],
                    text=counts[status],
                    textposition="inside",
                )
        fig.update_layout(
            barmode="stack",
            xaxis_title="Actions",
            yaxis={"autorange": "reversed"},
            legend={"traceorder": "normal"},
            height=max(320, 60 + 40 * len(counts)),
        )
    fig.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10}, template="plotly_white")
    return fig


def indicator_figure(table: pd.DataFrame, title: str = "") -> go.Figure:
    """A measure's numeric readings by period (``readings_table``), with the baseline and target as lines.
    Codes (c, z, :) are not plotted: they are gaps, never zero."""
    fig = go.Figure()
    counted = table.dropna(subset=["Counted as"]) if len(table) else table
    fig.add_scatter(
        x=counted["Period"] if len(counted) else [],
        y=counted["Counted as"] if len(counted) else [],
        mode="lines+markers+text",
        name="Reading",
        text=counted["Value"].map(chart_escape) if len(counted) else [],
        textposition="top center",
        line={"color": palette.BLUE},
    )
    if len(table):
        for column, colour, dash, where in (
            ("Baseline", palette.GREY, "dot", "bottom left"),
            ("Target", palette.DARK_GREEN, "dash", "top left"),
        ):
            value = table[column].iloc[0]
            if value is not None and not pd.isna(value):
                fig.add_hline(y=value, line_dash=dash, line_color=colour, annotation_text=f"{column} {value:g}", annotation_position=where)
    fig.update_layout(
        title=chart_escape(title[:90]),
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        template="plotly_white",
        height=340,
        showlegend=False,
        xaxis={"type": "category"},
    )
    return fig


#: Baseline and target lines: told apart by their dashes and the legend, not by colour alone.
_REFERENCE_LINES = (("Baseline", palette.GREY, "dot"), ("Target", palette.DARK_GREEN, "dash"))


def indicators_figure(panels: list[tuple[str, pd.DataFrame]]) -> dict:
    """Several measures' readings, one panel each under its title (small multiples, for a report that
    has a chart per aim rather than per measure), each with its baseline and target as lines. Codes
    (c, z, :) are gaps, never zero.

    Written as the figure's JSON rather than through plotly's figure objects, which check every
    property of every panel as it is set (a second and a half for a large partnership's report)."""
    columns = 1 if len(panels) <= 2 else 2
    rows = -(-len(panels) // columns)
    gap_x, gap_y = 0.08, min(0.15, 0.6 / rows)
    width, height = (1 - gap_x * (columns - 1)) / columns, (1 - gap_y * (rows - 1)) / rows
    data: list[dict] = []
    layout: dict = {
        "template": _white_template(),
        "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
        "height": indicators_height(len(panels)),
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "annotations": [],
    }
    for number, (title, table) in enumerate(panels):
        row, col = divmod(number, columns)
        suffix = str(number + 1) if number else ""
        x0, top = col * (width + gap_x), 1 - row * (height + gap_y)
        layout[f"xaxis{suffix}"] = {"domain": [x0, x0 + width], "anchor": f"y{suffix}", "type": "category"}
        layout[f"yaxis{suffix}"] = {"domain": [top - height, top], "anchor": f"x{suffix}"}
        layout["annotations"].append(
            {
                "text": chart_escape(shorten(title, 48 if columns == 2 else 90)),
                "x": x0 + width / 2,
                "y": top,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "center",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 13},
            }
        )
        axes = {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}", "showlegend": number == 0}
        counted = table.dropna(subset=["Counted as"]) if len(table) else table
        data.append(
            {
                "type": "scatter",
                "x": [str(p) for p in counted["Period"]] if len(counted) else [],
                "y": [float(v) for v in counted["Counted as"]] if len(counted) else [],
                "mode": "lines+markers+text",
                "name": "Reading",
                "text": [chart_escape(str(v)) for v in counted["Value"]] if len(counted) else [],
                "textposition": "top center",
                "cliponaxis": False,  # a label above the highest point stays whole
                "line": {"color": palette.BLUE},
                **axes,
            }
        )
        periods = [str(p) for p in table["Period"]] if len(table) else []
        for column, colour, dash in _REFERENCE_LINES:
            value = table[column].iloc[0] if len(table) else None
            if value is None or pd.isna(value) or not periods:
                continue
            data.append(
                {
                    "type": "scatter",
                    "x": periods,
                    "y": [float(value)] * len(periods),
                    "mode": "lines",
                    "name": column,
                    "line": {"color": colour, "dash": dash},
                    **axes,
                }
            )
    return {"data": data, "layout": layout}


_TEMPLATE: dict | None = None


def _white_template() -> dict:
    """plotly's "plotly_white" look as JSON (a figure written as JSON names no template by name)."""
    global _TEMPLATE
    if _TEMPLATE is None:
        _TEMPLATE = json.loads(go.Figure(layout={"template": "plotly_white"}).to_json())["layout"]["template"]
    return _TEMPLATE


def indicators_height(panels: int) -> int:
    """The height in pixels of ``indicators_figure`` for that many panels (two to a row from three)."""
    rows = panels if panels <= 2 else -(-panels // 2)
    return 120 + 230 * rows
