"""Pictures of the plan (plotly), each with a table of the same content: the Theory of Change chain
(aims -> outcomes -> actions, gaps marked) and the action plan's timeline (with each action's milestones)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from strategy.core import palette
from strategy.core.models import PlanMilestone, stored_id
from strategy.core.text import chart_escape, shorten
from strategy.core.values import uk_day
from strategy.plan.operations import Plan, gantt_rows, leads, milestone_overdue, option_labels

GAP = palette.GAP
COLOURS = palette.CHAIN


def chain_table(plan: Plan) -> pd.DataFrame:
    """The chain as rows (the chart's figures as a table): one per action, or per aim/outcome with none."""
    rows = []
    for aim in plan.aims:
        outcomes = plan.outcomes.get(stored_id(aim), [])
        if not outcomes:
            rows.append(
                {
                    "Aim": f"{plan.code('aim', aim.id)} {aim.title}",
                    "Outcome": "(no outcome yet)",
                    "Action": "",
                    "Measures": "",
                    "Why it leads there": aim.rationale,
                }
            )
        for o in outcomes:
            measures = len(plan.measures.get(stored_id(o), []))
            actions = plan.actions.get(stored_id(o), [])
            if not actions:
                rows.append(
                    {
                        "Aim": f"{plan.code('aim', aim.id)} {aim.title}",
                        "Outcome": f"{plan.code('outcome', o.id)} {o.title}",
                        "Action": "(no action yet)",
                        "Measures": str(measures) if measures else "none",
                        "Why it leads there": o.rationale,
                    }
                )
            for x in actions:
                rows.append(
                    {
                        "Aim": f"{plan.code('aim', aim.id)} {aim.title}",
                        "Outcome": f"{plan.code('outcome', o.id)} {o.title}",
                        "Action": f"{plan.code('action', x.id)} {x.title}",
                        "Measures": str(measures) if measures else "none",
                        "Why it leads there": x.rationale or o.rationale,
                    }
                )
    return pd.DataFrame(rows, columns=["Aim", "Outcome", "Action", "Measures", "Why it leads there"])


def chain_figure(plan: Plan) -> go.Figure:
    """Aims on the left, their outcomes in the middle, actions on the right, joined by lines. An aim
    with no outcome, and an outcome with no action or no measure, is drawn in red and says why."""
    nodes: list[dict] = []  # x, y, label, kind, gap, hover
    edges: list[tuple[float, float, float, float]] = []
    y = 0.0
    for aim in plan.aims:
        aim_top = y
        outcomes = plan.outcomes.get(stored_id(aim), [])
        outcome_ys = []
        for o in outcomes:
            actions = plan.actions.get(stored_id(o), [])
            action_ys = []
            for x in actions:
                action_ys.append(y)
                lead = "; ".join(leads(x)) or "no lead"
                nodes.append(
                    {
                        "x": 2,
                        "y": y,
                        "label": f"{plan.code('action', x.id)} {chart_escape(shorten(x.title, 38))}",
                        "kind": "action",
                        "gap": "",
                        "hover": f"{chart_escape(x.title)}<br>Lead: {chart_escape(lead)}",
                    }
                )
                y += 1
            if not actions:
                action_ys.append(y)
                y += 1
            oy = sum(action_ys) / len(action_ys)
            outcome_ys.append(oy)
            gaps = [g for g, missing in (("no action", not actions), ("no measure", not plan.measures.get(stored_id(o)))) if missing]
            nodes.append(
                {
                    "x": 1,
                    "y": oy,
                    "label": f"{plan.code('outcome', o.id)} {chart_escape(shorten(o.title, 34))}",
                    "kind": "outcome",
                    "gap": ", ".join(gaps),
                    "hover": chart_escape(o.title),
                }
            )
            for ay in action_ys if actions else []:
                edges.append((1, oy, 2, ay))
        if not outcomes:
            outcome_ys.append(y)
            y += 1
        ay_mid = sum(outcome_ys) / len(outcome_ys) if outcome_ys else aim_top
        nodes.append(
            {
                "x": 0,
                "y": ay_mid,
                "label": f"{plan.code('aim', aim.id)} {chart_escape(shorten(aim.title, 30))}",
                "kind": "aim",
                "gap": "" if outcomes else "no outcome",
                "hover": chart_escape(aim.title),
            }
        )
        for oy in outcome_ys if outcomes else []:
            edges.append((0, ay_mid, 1, oy))
        y += 0.6  # a little space between aims
    fig = go.Figure()
    ex, ey = [], []
    for x0, y0, x1, y1 in edges:
        ex += [x0, x1, None]
        ey += [y0, y1, None]
    fig.add_trace(go.Scatter(x=ex, y=ey, mode="lines", line={"color": palette.GREY, "width": 1}, hoverinfo="skip", showlegend=False))
    for kind in ("aim", "outcome", "action"):
        for gap in (False, True):
            group = [n for n in nodes if n["kind"] == kind and bool(n["gap"]) == gap]
            if not group:
                continue
            fig.add_trace(
                go.Scatter(
                    x=[n["x"] for n in group],
                    y=[n["y"] for n in group],
                    mode="markers+text",
                    marker={"size": 12, "color": GAP if gap else COLOURS[kind], "symbol": "x" if gap else "circle"},
                    text=[n["label"] + (f"  ⚠ {n['gap']}" if n["gap"] else "") for n in group],
                    # Aims and outcomes are labelled above their dot, so the lines leaving them never cross the text.
                    textposition="middle right" if kind == "action" else "top right",
                    textfont={"size": 11, "color": GAP if gap else "#222222"},
                    hovertext=[n["hover"] for n in group],
                    hoverinfo="text",
                    name=f"{kind.capitalize()}s" + (" with a gap" if gap else ""),
                )
            )
    fig.update_layout(
        height=max(320, int(26 * max(y, 1)) + 120),
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        xaxis={
            "range": [-0.2, 3.0],
            "showgrid": False,
            "zeroline": False,
            "tickvals": [0, 1, 2],
            "ticktext": ["Strategic aims", "Intended outcomes", "Actions"],
            "side": "top",
        },
        yaxis={"autorange": "reversed", "showgrid": False, "zeroline": False, "showticklabels": False},
        plot_bgcolor="white",
        legend={"orientation": "h", "y": -0.02},
    )
    return fig


def gantt_table(plan: Plan) -> pd.DataFrame:
    return pd.DataFrame(gantt_rows(plan), columns=["Code", "Action", "Lead", "Aim", "Start", "Finish", "Dates", "Status"])


#: How each state of a milestone is drawn on the timeline: a shape and a colour of its own (never colour
#: alone), and the legend's name.
MILESTONE_MARKS = {
    "Done": {"symbol": "circle", "color": palette.DARK_GREEN, "name": "Milestone done"},
    "Due": {"symbol": "triangle-up-open", "color": palette.INK, "name": "Milestone due"},
    "Overdue": {"symbol": "x", "color": GAP, "name": "Milestone overdue"},
}


def milestone_state(milestone: PlanMilestone, today: date | None = None) -> str:
    """Where a milestone stands for the timeline: Done, Overdue (its due date passed and not done) or Due."""
    if milestone.status == "done":
        return "Done"
    return "Overdue" if milestone_overdue(milestone, today) else "Due"


def milestone_table(plan: Plan, today: date | None = None) -> pd.DataFrame:
    """The timeline's milestones as a table (the chart's figures): each with its action, due date, status
    and state. One without a due date is listed and said not to be on the chart."""
    statuses = option_labels("milestone_statuses")
    rows = [
        {
            "Code": plan.code("action", stored_id(x)),
            "Action": shorten(x.title, 60),
            "Milestone": m.title,
            "Due": uk_day(m.due_date) if m.due_date else "no due date (not on the chart)",
            "Status": statuses.get(m.status, m.status),
            "Done on": uk_day(m.done_date),
            "On the chart": milestone_state(m, today) if m.due_date else "",
            "_due": m.due_date,
        }
        for x, m in plan.all_milestones()
    ]
    return pd.DataFrame(rows, columns=["Code", "Action", "Milestone", "Due", "Status", "Done on", "On the chart", "_due"])


def month_ticks(first: date, last: date, month_names: list[str]) -> tuple[list[str], list[str]]:
    """Ticks on the first of the month from ``first`` to ``last`` (every 1, 2, 3, 6 or 12 months, at
    most about twelve), each named "<month> <year>" with ``month_names``."""
    months, day = [], date(first.year, first.month, 1)
    while day <= last:
        months.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    step = next((n for n in (1, 2, 3, 6, 12) if len(months) / n <= 12), 12)
    chosen = months[::step] or [date(first.year, first.month, 1)]
    return [d.isoformat() for d in chosen], [f"{month_names[d.month - 1]} {d.year}" for d in chosen]


def gantt_figure(plan: Plan, today: date | None = None, month_names: list[str] | None = None) -> go.Figure | None:
    """The actions with dates as bars on a timeline, coloured by aim, and each milestone with a due date
    as a mark on its action's row on that day: done, due or overdue each with its own shape and colour
    (None when neither an action nor a milestone has a date). ``month_names``: the twelve months as
    the axis names them (a Welsh document's; plotly itself writes English "Mar 2027")."""
    table = gantt_table(plan)
    milestones = milestone_table(plan, today)
    milestones = milestones[milestones["_due"].notna()]
    if table.empty and milestones.empty:
        return None
    import plotly.express as px

    fig = go.Figure()
    if not table.empty:
        table = table.copy()
        for column in ("Action", "Lead", "Aim"):  # people's text: literal in the chart, never plotly's HTML
            table[column] = table[column].map(chart_escape)
        table["Start"] = pd.to_datetime(table["Start"])
        table["Finish"] = pd.to_datetime(table["Finish"]) + pd.Timedelta(days=1)
        table["Label"] = table["Code"] + " " + table["Action"]
        fig = px.timeline(table, x_start="Start", x_end="Finish", y="Label", color="Aim", hover_data=["Lead", "Dates", "Status"])
        # An action with only one date is a milestone: a diamond on that day, not an invisible one-day bar.
        one_date = table[table["Dates"].str.startswith("no commencement") | table["Dates"].str.endswith("no completion")]
        if not one_date.empty:
            fig.add_trace(
                go.Scatter(
                    x=one_date["Finish"] - pd.Timedelta(days=1),
                    y=one_date["Label"],
                    mode="markers",
                    marker={"symbol": "diamond", "size": 12, "color": "#222222"},
                    name="Only one date given",
                    hovertext=one_date["Dates"],
                    hoverinfo="text",
                )
            )
    for state, mark in MILESTONE_MARKS.items():
        group = milestones[milestones["On the chart"] == state]
        if group.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=pd.to_datetime(group["_due"]),
                # the action's row, labelled as its bar is (an action without dates gets a row for its milestones)
                y=group["Code"] + " " + group["Action"].map(chart_escape),
                mode="markers",
                marker={"symbol": mark["symbol"], "size": 13, "color": mark["color"], "line": {"width": 2, "color": mark["color"]}},
                name=mark["name"],
                hovertext=[
                    f"{chart_escape(title)}<br>Due {due} ({status.lower()})" + (f"<br>Done on {done}" if done else "")
                    for title, due, status, done in zip(group["Milestone"], group["Due"], group["Status"], group["Done on"], strict=True)
                ],
                hoverinfo="text",
            )
        )
    count = len(set(table["Code"]).union(milestones["Code"])) if not table.empty else milestones["Code"].nunique()
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(tickformat="%b %Y", type="date")
    if month_names:
        days = [*pd.to_datetime(table["Start"]), *pd.to_datetime(table["Finish"])] if not table.empty else []
        days += list(pd.to_datetime(milestones["_due"]))
        values, words = month_ticks(min(days).date(), max(days).date(), month_names)
        fig.update_xaxes(tickmode="array", tickvals=values, ticktext=words)
    fig.update_layout(
        height=max(300, 24 * count + 140), margin={"l": 10, "r": 10, "t": 30, "b": 10}, legend={"orientation": "h", "y": -0.15}
    )
    return fig
