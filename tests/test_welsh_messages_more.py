"""Real refusals of the plan and of the survey links, raised by the package's own functions, come out in
Welsh through the message catalogue (data/language/messages_plan.yaml, messages_assessments.yaml) with
what the person typed and the dates kept as they were; English stays as the code wrote it."""

from __future__ import annotations

import pytest

from strategy.assessments import survey_links as sl
from strategy.core.errors import InvalidInput
from strategy.core.interface import message_in
from strategy.plan import operations as P


@pytest.fixture
def outcome(engine, partnership, author):
    aim = P.add_aim(engine, partnership.id, title="Recognise more children, earlier", author=author)
    return P.add_outcome(engine, partnership.id, aim_id=aim.id, title="Practitioners recognise signs", author=author)


def test_a_plan_date_outside_the_plan_years_is_refused_in_welsh_with_the_date_kept(engine, partnership, author, outcome):
    with pytest.raises(InvalidInput) as caught:
        P.create_action(engine, partnership.id, outcome_id=outcome.id, title="Train staff", author=author, end_date="01/01/2100")
    english = caught.value.message
    assert english == "The completion date '01/01/2100' is in 2100; a date in the plan must fall between 2000 and 2099. Check the year."
    # the field's name comes from the code in English; the date and the years are kept as they were
    assert message_in(english, "cy") == (
        "The completion date: mae '01/01/2100' yn 2100; rhaid i ddyddiad yn y cynllun fod rhwng 2000 a 2099. Gwiriwch y flwyddyn."
    )
    assert message_in(english, "en") == english


def test_a_completion_before_the_commencement_is_refused_in_welsh_with_both_dates(engine, partnership, author, outcome):
    with pytest.raises(InvalidInput) as caught:
        P.create_action(
            engine,
            partnership.id,
            outcome_id=outcome.id,
            title="Train staff",
            author=author,
            start_date="01/04/2027",
            end_date="31/03/2027",
        )
    assert message_in(caught.value.message, "cy") == (
        "Mae'r dyddiad cwblhau 31/03/2027 cyn y dyddiad dechrau 01/04/2027. Newidiwch un ohonynt; ni chadwyd dim."
    )
    assert P.load_plan(engine, partnership.id).all_actions() == []  # nothing was saved


def test_an_unknown_survey_for_a_link_is_refused_in_welsh_with_the_surveys_listed(engine, partnership, author):
    with pytest.raises(InvalidInput) as caught:
        sl.open_survey_link(engine, partnership.id, "parents <b>", author=author)
    welsh = message_in(caught.value.message, "cy")
    assert welsh == (
        "Nid yw 'parents <b>' yn arolwg y gellir agor dolen ar ei gyfer; y rhai y gellir yw: staff, frontline, strategic, audit."
    )
