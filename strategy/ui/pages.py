"""Where each chapter lives in the app, and small view helpers shared by pages."""

from __future__ import annotations

import pandas as pd

from strategy.answers.progress import ChapterProgress

#: chapter id -> page file (registered in app.py).
CHAPTER_PAGES = {
    "introduction": "views/introduction.py",
    "shared_vision": "views/shared_vision.py",
    "context": "views/context.py",
    "current_response": "views/current_response.py",
    "workforce": "views/workforce.py",
    "prevention": "views/prevention.py",
    "identification": "views/identification.py",
    "whole_system": "views/whole_system.py",
    "workforce_development": "views/workforce_development.py",
    "finalise": "views/finalise.py",
    "implementation": "views/implementation.py",
    "feedback_review": "views/feedback_review.py",
    # Pages that are not data-defined chapters, for links from checks ("put it right").
    "theory_of_change": "views/theory_of_change.py",
    "evaluation": "views/evaluation.py",
    "action_plan": "views/action_plan.py",
    "chain": "views/chain.py",
    "involvement": "views/involvement.py",
    "snapshot_results": "views/snapshot_results.py",
    "audits": "views/audits.py",
}


def progress_table(progress: list[ChapterProgress]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Chapter": [p.chapter.title for p in progress],
            "Guide": [p.chapter.guide for p in progress],
            "Answered": [p.answered for p in progress],
            "Questions": [p.total for p in progress],
            "Per cent": [round(100 * p.fraction) for p in progress],
        }
    )
