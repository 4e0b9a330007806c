"""Results computation (bases, conditions, statistics, masking of cross-tabulations) and the questionnaire builder."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from pilotage.core.roles import Role
from pilotage.indicators.masking import MASKED
from pilotage.surveys.models import Question, Questionnaire
from pilotage.surveys.results import crosstab, question_result
from tests.factories import user_for_role
from tests.surveys.factories import FUNDERS, RELATIONS, questionnaire

pytestmark = pytest.mark.django_db


def q(code):
    questionnaire()
    return Question.objects.select_related("condition_question").get(code=code, section__questionnaire__slug=RELATIONS)


def test_a_conditional_question_is_counted_over_those_it_was_asked_to():
    answers = [{"convention": "oui", "convention_duree": "annuelle"}] * 3 + [{"convention": "non"}] * 2
    result = question_result(q("convention_duree"), answers)
    assert (result.respondents, result.asked, result.base) == (5, 3, 3)
    annual = result.rows[0]
    assert (annual.count, annual.pct, annual.pct_all) == (3, Decimal("100.0"), Decimal("60.0"))
    assert "« Oui »" in result.condition_text


def test_amount_statistics_use_decimals():
    answers = [{"subvention_fonctionnement": v} for v in ("1000.10", "2000.20", "3000.30")]
    stats = question_result(q("subvention_fonctionnement"), answers).stats
    assert stats["total"] == Decimal("6000.60") and stats["median"] == Decimal("2000.20") and stats["n"] == 3
    assert question_result(q("subvention_fonctionnement"), answers, threshold=11).stats == {"n": MASKED}


def test_crosstab_masks_small_cells_and_one_more_in_their_row_and_column():
    question = q("convention")
    answers = (
        [{"convention": "oui"}] * 30
        + [{"convention": "non"}] * 3
        + [{"convention": "oui"}] * 20
        + [{"convention": "non"}] * 15
    )
    keys = ["A"] * 33 + ["B"] * 35
    exact = crosstab(question, answers, keys, {"A": "Groupe A", "B": "Groupe B"})
    assert exact.rows[0][2][1][0] == 3 and exact.rows[0][2][0][1] == Decimal("90.9")
    masked = crosstab(question, answers, keys, {"A": "Groupe A", "B": "Groupe B"}, threshold=11)
    row_a, row_b = masked.rows[0][2], masked.rows[1][2]
    assert row_a[1][0] == MASKED and row_a[0][0] == MASKED  # 3 hidden, then 30 (the row base is shown)
    assert row_b[1][0] == MASKED  # the column « non » would give the 3 back from the national 18


def test_crosstab_by_region_on_the_results_page(client):
    from tests.factories import MissionLocaleFactory
    from tests.surveys.factories import make_survey, submitted

    admin = user_for_role(Role.NATIONAL_ADMIN)
    survey = make_survey(admin)
    mls = [MissionLocaleFactory(department_id="13") for _ in range(12)] + [MissionLocaleFactory(department_id="69")]
    submitted(survey, mls, [{"convention": "oui"}] * 12 + [{"convention": "non"}])
    client.force_login(admin)
    page = client.get(reverse("surveys:results", args=[survey.pk]), {"question": "convention", "by": "region"})
    rows = {label: (base, cells) for label, base, cells in page.context["cross"].rows}
    assert rows["Provence-Alpes-Côte d'Azur"][0] == 12 and rows["Auvergne-Rhône-Alpes"][1][1][0] == 1
    by_answer = client.get(reverse("surveys:results", args=[survey.pk]), {"question": "convention", "by": "convention"})
    assert by_answer.context["cross"] is None  # a question is not crossed with itself


def test_templates_load_once_from_the_data_file():
    out = io.StringIO()
    call_command("load_survey_templates", stdout=out)
    assert "Modèle créé" in out.getvalue()
    call_command("load_survey_templates", stdout=out)
    assert "Aucun nouveau modèle" in out.getvalue()
    assert Questionnaire.objects.filter(is_template=True).count() == 2
    funders = Questionnaire.objects.get(slug=FUNDERS)
    kinds = set(funders.questions().values_list("kind", flat=True)) | set(
        questionnaire().questions().values_list("kind", flat=True)
    )
    assert kinds == {"yes_no", "single", "multiple", "frequency", "number", "amount", "text"}


def test_a_template_is_copied_then_edited_with_a_conditional_question(client):
    user = user_for_role(Role.NATIONAL_OBSERVER)
    template = questionnaire()
    client.force_login(user)
    response = client.post(reverse("surveys:questionnaire_copy", args=[template.pk]))
    copy = Questionnaire.objects.get(slug=f"{RELATIONS}-copie-1")
    assert response.url == reverse("surveys:questionnaire_detail", args=[copy.pk])
    assert copy.questions().count() == template.questions().count()
    copied_condition = copy.questions().get(code="convention_duree").condition_question
    assert copied_condition.section.questionnaire == copy
    section = copy.sections.first()
    client.post(reverse("surveys:questionnaire_detail", args=[copy.pk]), {
        "question-section": section.pk, "question-code": "convention_bilan", "question-kind": "yes_no",
        "question-text": "Un bilan de la convention est-il fait chaque année ?", "question-required": "on",
        "question-condition_question": copy.questions().get(code="convention").pk,
        "question-condition_values": "oui",
    })  # fmt: skip
    added = copy.questions().get(code="convention_bilan")
    assert added.condition_values == ["oui"] and added.condition_question.code == "convention"
    page = client.post(reverse("surveys:questionnaire_detail", args=[template.pk]),
                       {"section-title": "Nouvelle", "add_section": "1"}, follow=True)  # fmt: skip
    assert "Un modèle ne se modifie pas" in page.content.decode()
    with pytest.raises(ValidationError):
        from pilotage.surveys.services import section_add

        section_add(questionnaire=template, title="x", acting_user=user)


def test_results_and_follow_up_queries_do_not_grow_with_the_answers(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pilotage.surveys.synthetic import seed_2024_answers
    from tests.factories import MissionLocaleFactory
    from tests.surveys.factories import make_survey, submitted

    admin = user_for_role(Role.NATIONAL_ADMIN)
    client.force_login(admin)
    counts = []
    for size in (12, 40):
        survey = make_survey(admin, title=f"Taille {size}")
        submitted(survey, [MissionLocaleFactory() for _ in range(size)], seed_2024_answers()[:size])
        with CaptureQueriesContext(connection) as queries:
            for name in ("results", "detail", "situations"):
                assert client.get(reverse(f"surveys:{name}", args=[survey.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
