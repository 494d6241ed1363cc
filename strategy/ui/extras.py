"""What some prompts show beneath their fields: charts, checks and import panels.

One explicit table, prompt id -> the functions (engine, partnership, prompt, editable) that render
under it, in order. Kept here so the chapter renderer stays generic; a new feature adds its line here."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from strategy.answers.io import FIGURES, MEASURES, SURVEY
from strategy.finalise.language import EXEMPT_PROMPT, GLOSSARY_PROMPT
from strategy.ui import evidence_views, finalise_views, import_panel, plan_extras, snapshot_views, welsh_views

Extra = Callable[..., None]

#: prompt id -> what renders beneath it, first to last (an import panel before the charts of what it imports).
EXTRAS: dict[str, tuple[Extra, ...]] = {
    SURVEY: (import_panel.survey_import, evidence_views.survey_view),
    FIGURES: (import_panel.figures_import,),
    MEASURES: (import_panel.figures_import, evidence_views.identification_charts),
    "response.prevalence_population": (evidence_views.prevalence_in_use,),
    "response.support_matrix": (evidence_views.support_matrix_view,),
    "workforce.attendance": (evidence_views.attendance_view,),
    "context.population_notes": (snapshot_views.self_assessment_summary,),
    EXEMPT_PROMPT: (finalise_views.language_check,),
    GLOSSARY_PROMPT: (finalise_views.acronym_check,),
    "finalise.approval_date": (finalise_views.endorsements_panel,),
    # The priorities' Welsh titles, for partnerships in Wales (nothing in England).
    "vision.priorities": (welsh_views.priority_titles,),
}


@cache
def prompt_extras() -> dict[str, Extra]:
    """prompt id -> one function rendering everything beneath it (the core components' "turn this
    activity into an action" forms come from the guide's list of components)."""
    table: dict[str, tuple[Extra, ...]] = dict(EXTRAS)
    for prompt_id, fn in plan_extras.component_extras().items():
        table[prompt_id] = table.get(prompt_id, ()) + (fn,)
    return {prompt_id: _in_turn(fns) for prompt_id, fns in table.items()}


def _in_turn(fns: tuple[Extra, ...]) -> Extra:
    if len(fns) == 1:
        return fns[0]

    def render(engine, partnership, prompt, editable) -> None:
        for fn in fns:
            fn(engine, partnership, prompt, editable)

    return render
