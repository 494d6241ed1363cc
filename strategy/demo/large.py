"""The 'Large demo partnership': the demo's written chapters at the size of a large partnership, so
that speed is measured (benchmarks) and checked (tests) where real partnerships will be.

12 aims, 48 intended outcomes, 400 actions, 2,000 progress updates, 60 measures with 5 years of
readings, 40 steering group members, 1,000 staff survey responses, 300 comments and 20 frozen draft
versions. Written through the same functions the pages use (``ensure_demo`` with generated data, then
``freeze_version``); loading it again puts back what was changed and adds nothing twice.

The text is generated from a fixed seed, so every run builds the same partnership."""

from __future__ import annotations

import copy
import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy.engine import Engine

from strategy.core.authors import Author
from strategy.delivery.operations import statuses
from strategy.demo import ensure_demo, load_demo_data
from strategy.finalise.review import freeze_version, list_versions
from strategy.guide.content import content

NAME = "Large demo partnership"
AIMS = 12
OUTCOMES_PER_AIM = 4
ACTIONS = 400
UPDATES_PER_ACTION = 5
MEASURES = 60
READING_YEARS = ("2021/22", "2022/23", "2023/24", "2024/25", "2025/26")
STEERING_MEMBERS = 40
SURVEY_RESPONSES = 1000
COMMENTS = 300
VERSIONS = 20

_AGENCIES = [
    ("Northmoor City Council", "local_authority"),
    ("Eastvale County Council", "local_authority"),
    ("Riverside Borough Council", "local_authority"),
    ("Northmoor Police", "police"),
    ("Northmoor and Eastvale Integrated Care Board", "integrated_care_board"),
    ("Riverside Hospitals NHS Foundation Trust", "nhs_trust"),
    ("Northmoor Community Health Services", "nhs_trust"),
    ("Probation Service, Northmoor", "probation"),
    ("Northmoor Schools Partnership", "education"),
    ("Voices Together (voluntary sector)", "voluntary"),
]
_TOPICS = [
    "harmful sexual behaviour",
    "online child sexual abuse",
    "child sexual abuse within the family",
    "child sexual exploitation",
    "telling and being heard",
    "disabled children's safety",
    "support after abuse",
    "disruption of people who pose a risk",
    "safer recruitment",
    "relationships and sex education",
    "the child's journey through health services",
    "support for adult victims and survivors",
]
_VERBS = ["Deliver", "Review", "Commission", "Publish", "Embed", "Audit", "Pilot", "Extend", "Agree", "Train"]
_WHAT = [
    "a multi-agency briefing on {t} for DSLs in {a}",
    "the SARC referral pathway for {t} with {a}",
    "a MASH practice standard on {t} agreed by {a}",
    "CAMHS and ICB joint work on {t} across {a}",
    "a learning review of {t} cases held by {a}",
    "supervision prompts on {t} for practitioners in {a}",
    "data on {t} shared quarterly by {a}",
    "a parents' guide to {t} written with {a}",
]
_STATUSES = ["not_started", "on_track", "at_risk", "off_track", "complete", "deferred"]
_NOTES = [
    "Discussed at the {s} subgroup; next step agreed with the lead agency.",
    "Slippage because of staffing in {a}; a revised plan goes to the steering group.",
    "Draft shared with partners for comment; feedback due by the end of the month.",
    "Sessions delivered to {n} practitioners; evaluation forms returned by most.",
    "Waiting for the ICB's decision on funding; the HSB lead is following it up.",
]
_SUBGROUPS = ["quality assurance", "workforce development", "prevention", "health", "education"]
_ROLES = ["Frontline practitioner", "Team manager", "Designated safeguarding lead", "Senior manager", "Specialist practitioner"]
_SURVEY_COMMENTS = [
    "I would know what to do if a child told me, but less sure how to start the conversation.",
    "More training on online abuse and HSB would help our team.",
    "Supervision rarely covers child sexual abuse unless a case is already open.",
    "The SARC pathway is clear; waiting times for therapeutic support are not.",
    "",
]


def _when(rng: random.Random) -> tuple[str, str]:
    start = date(2026, 4, 1) + timedelta(days=rng.randrange(0, 540))
    end = start + timedelta(days=rng.randrange(60, 720))
    return start.strftime("%d/%m/%Y"), min(end, date(2029, 3, 31)).strftime("%d/%m/%Y")


def large_demo_data() -> dict:
    """The Large demo partnership in the shape of data/demo.yaml (the demo's chapters, the large plan)."""
    rng = random.Random(20261204)
    plan_status = {s["id"]: s["plan_status"] for s in statuses()}
    data = copy.deepcopy(load_demo_data())
    data.pop("workshop", None)  # the demo's workshop agreed the demo's own priorities, not these
    agencies = [name for name, _ in _AGENCIES]
    data["partnership"] = {
        "name": NAME,
        "nation": "england",
        "areas": "Northmoor, Eastvale and Riverside",
        "period_start": 2026,
        "period_end": 2029,
    }
    items = data["items"]
    items["vision.steering_group"] = [
        {
            "name": f"Member {n:02d}",
            "agency": agencies[n % len(agencies)],
            "agency_type": _AGENCIES[n % len(_AGENCIES)][1],
            "role": rng.choice(["Director", "Head of Service", "Designated nurse", "Detective Superintendent", "Headteacher"]),
            "authority_to_commit": n % 3 != 0,
            "named_representative": True,
            "lived_experience": n % 10 == 0,
            "change_management": n % 2 == 0,
        }
        for n in range(1, STEERING_MEMBERS + 1)
    ]
    items["workforce.staff_survey"] = [
        {
            "agency": rng.choice(agencies),
            "role": rng.choice(_ROLES),
            "confidence": rng.randint(1, 5),
            "knowledge": rng.randint(1, 5),
            "skills": rng.randint(1, 5),
            "talking": rng.randint(1, 5),
            "comment": rng.choice(_SURVEY_COMMENTS),
        }
        for _ in range(SURVEY_RESPONSES)
    ]

    aims, updates, readings = [], [], []
    action_number = measure_number = 0
    outcomes = AIMS * OUTCOMES_PER_AIM
    for a in range(AIMS):
        topic = _TOPICS[a % len(_TOPICS)]
        aim: dict[str, Any] = {
            "aim": f"Aim {a + 1}: a stronger response to {topic}",
            "description": f"Partners in {data['partnership']['areas']} act together on {topic}, so that children are safer "
            f"and those who tell are believed and supported. The ICB, the police and the three councils share the lead.",
            "rationale": f"Our needs assessment found gaps in {topic}; the CSA Centre's guide (§4-6) asks us to act on them.",
            "outcomes": [],
        }
        for o in range(OUTCOMES_PER_AIM):
            index = a * OUTCOMES_PER_AIM + o
            outcome: dict[str, Any] = {
                "outcome": f"Outcome {a + 1}.{o + 1}: practitioners and services respond well to {topic} ({_SUBGROUPS[o % 5]})",
                "rationale": f"When practitioners know what to do about {topic}, children are identified sooner.",
                "actions": [],
                "measures": [],
            }
            # 400 actions over 48 outcomes: the first 16 outcomes get 9, the rest 8.
            for _ in range(ACTIONS // outcomes + (1 if index < ACTIONS % outcomes else 0)):
                action_number += 1
                area = agencies[action_number % 3]
                title = f"{rng.choice(_VERBS)} {rng.choice(_WHAT).format(t=topic, a=area)} (action {action_number})"
                start, end = _when(rng)
                outcome["actions"].append(
                    {
                        "action": title,
                        "leads": [agencies[action_number % len(agencies)]],
                        "partners": ", ".join(rng.sample(agencies, 2)),
                        "start": start,
                        "end": end,
                        "stage": f"stage{rng.randint(1, 3)}",
                        "component": rng.choice(["prevention", "identification", "response", "workforce"]),
                        "recommendations": [rng.randint(1, 6)],
                        "status": "not_started",
                        "rationale": f"Gives practitioners in {area} what they need on {topic}.",
                    }
                )
                day = date(2025, 12, 1)
                action = outcome["actions"][-1]
                for u in range(UPDATES_PER_ACTION):
                    day += timedelta(days=rng.randint(14, 60))
                    status = rng.choice(_STATUSES[:4]) if u < UPDATES_PER_ACTION - 1 else rng.choice(_STATUSES)
                    update = {
                        "action": title,
                        "date": min(day, date(2026, 11, 30)).strftime("%d/%m/%Y"),
                        "status": status,
                        "note": rng.choice(_NOTES).format(s=rng.choice(_SUBGROUPS), a=area, n=rng.randint(8, 120)),
                    }
                    if status == "complete":
                        update["completed"] = update["date"]
                    updates.append(update)
                # The plan's status is what the latest update set (so loading again changes nothing).
                action["status"] = plan_status[update["status"]]
            # 60 measures over 48 outcomes: the first 12 outcomes get 2, the rest 1.
            for _ in range(MEASURES // outcomes + (1 if index < MEASURES % outcomes else 0)):
                measure_number += 1
                base = rng.randint(40, 900)
                indicator = f"Measure {measure_number}: children and practitioners reached on {topic}"
                outcome["measures"].append(
                    {
                        "indicator": indicator,
                        "collection": "Partner case recording systems, collated by the partnership's analyst",
                        "collator": "Partnership performance analyst",
                        "reporting": "Annual data report to the steering group",
                        "baseline_value": str(base),
                        "baseline_date": "31/03/2025",
                        "target_value": str(int(base * 1.3)),
                        "target_date": "31/03/2029",
                        "frequency": "annually",
                    }
                )
                readings.append(
                    {
                        "indicator": indicator,
                        "source": "Partner case recording systems",
                        "values": {year: str(base + rng.randint(-30, 60) * n) for n, year in enumerate(READING_YEARS)},
                    }
                )
            aim["outcomes"].append(outcome)
        aims.append(aim)
    data["plan"] = aims
    data["delivery"] = {"updates": updates, "readings": readings}
    data["comments"] = _comments(rng, data)
    return data


def _comments(rng: random.Random, data: dict) -> list[dict]:
    prompts = [pid for pid in data["answers"] if not pid.startswith("finalise.")]
    people = [{"name": f"Reviewer {n}", "agency": _AGENCIES[n % len(_AGENCIES)][0]} for n in range(1, 13)]
    comments = []
    for n in range(COMMENTS // 2):  # each thread has one reply: 150 threads, 300 comments
        prompt_id = prompts[n % len(prompts)]
        comments.append(
            {
                "target": ["prompt", prompt_id],
                "chapter": content().chapter_of(prompt_id).id,
                "by": rng.choice(people),
                "text": f"Comment {n + 1}: could this say which year the figures cover, and who leads on it?",
                "replies": [{"by": data["author"], "text": f"Reply to comment {n + 1}: yes, the paragraph now says so."}],
                **({"resolved_by": data["author"]} if n % 3 == 0 else {}),
            }
        )
    return comments


def ensure_large_demo(engine: Engine) -> int:
    """Create or refresh the Large demo partnership; returns its id."""
    data = large_demo_data()
    pid = ensure_demo(engine, data)
    author = Author.make(**data["author"])
    for _ in range(VERSIONS - len(list_versions(engine, pid))):
        freeze_version(engine, pid, author=author, note="Frozen for the large demo")
    return pid
