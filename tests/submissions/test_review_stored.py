"""The quality review is stored (issue 15, point « review page under 500 ms »): computed when the submission is
staged, read by the page and the API, computed again only when what it depends on changes (a publication of its
year or of N-1); and two regions staged at the same time never see each other's unpublished values: each review
shows its own region's staged values against the published values of the others.

The peers' figures are built by hand so that the Missions Locales' median (the outlier's reference) tells which
value of the other region was read."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse

from pilotage.accounts.models import Role
from pilotage.indicators.models import IndicatorDataset
from pilotage.indicators.queries import current_values, dataset_for
from pilotage.indicators.services import entity_values, indicator_results_load
from pilotage.submissions import selectors
from pilotage.submissions.models import Submission, SubmissionQuality
from pilotage.submissions.selectors import quality_basis, quality_report, quality_store
from pilotage.submissions.services import submission_move, value_explain
from tests.factories import MissionLocaleFactory, user_for_role
from tests.submissions.factories import staged_submission

pytestmark = pytest.mark.django_db
D = Decimal
YEAR = 2024


def load(rows: dict[str, str], year=YEAR, name="v.csv"):
    """Publish R10 (a share, compared with the peers) for Missions Locales, through the operators' loader."""
    text = "niveau,code,annee,indicateur,ventilation,valeur\n" + "".join(
        f"ml,{code},{year},R10,total,{value}\n" for code, value in rows.items()
    )
    report = indicator_results_load(path_or_file=io.BytesIO(text.encode()), filename=name, year=year, wet_run=True)
    assert report.ok, report.issues


def r10(values: dict[str, str]) -> dict:
    return {("ml", code, "R10", "total"): D(value) for code, value in values.items()}


@pytest.fixture
def peers(network):
    """Two more Missions Locales in two other regions (Île-de-France, Nouvelle-Aquitaine); published R10: the
    93's two at 0,40, the 84's at 0,41, the others at 0,40 and 0,42."""
    MissionLocaleFactory(code="ML75S00", department_id="75")
    MissionLocaleFactory(code="ML33S00", department_id="33")
    load({"ML13S00": "0.40", "ML83S00": "0.40", "ML69S00": "0.41", "ML75S00": "0.40", "ML33S00": "0.42"})
    return user_for_role(Role.NATIONAL_ADMIN)


def outlier(report, code, indicator="R10", against="peers"):
    found = [o for o in report.outliers if (o.code, o.indicator, o.against) == (code, indicator, against)]
    return found[0] if found else None


def test_two_regions_staged_interleaved_each_review_shows_its_own_region_and_the_published_others(
    peers, django_capture_on_commit_callbacks
):
    dgefp = peers
    # the 93 stages first: its Var Mission Locale jumps to 0,80
    s93 = staged_submission(region_code="93", year=YEAR, values=r10({"ML13S00": "0.40", "ML83S00": "0.80"}), by=dgefp)
    # the 84 stages next, before the 93 is published: 0,90 and support staff above total staff (a rule broken)
    values84 = {**r10({"ML69S00": "0.90"}), ("ml", "ML69S00", "9", "total"): D(4),
                ("ml", "ML69S00", "9.1", "total"): D(5)}  # fmt: skip
    s84 = staged_submission(region_code="84", year=YEAR, values=values84, by=dgefp)
    for submission in (s93, s84):
        quality_store(submission)

    # each staged copy: its own region's new values, the published values elsewhere (as of its own staging)
    published = IndicatorDataset.objects.get(is_current=True)
    codes = {("ml", c) for c in ("ML13S00", "ML83S00", "ML69S00")}
    assert entity_values(s84.staged_dataset, codes) == {**entity_values(published, {("ml", "ML13S00"),
                                                        ("ml", "ML83S00")}), **values84}  # fmt: skip
    assert entity_values(s93.staged_dataset, {("ml", "ML69S00")}) == entity_values(published, {("ml", "ML69S00")})

    # the 93's review: peers 0,40 0,80 (staged) 0,41 (the 84's published, not its staged 0,90) 0,40 0,42 →
    # median 0,41, MAD 0,01: the Var's 0,80 scores 0,6745 × 0,39 / 0,01
    report93 = quality_report(s93)
    found = outlier(report93, "ML83S00")
    assert (found.value, found.reference, found.score) == (D("0.80"), D("0.41"), D("0.6745") * D("0.39") / D("0.01"))
    other = {"ML69S00", "69", "84"}
    assert not any(code in other for _, code, _, _ in report93.flagged)
    assert {(c.level, c.code) for c in report93.changes} <= {("ml", "ML13S00"), ("ml", "ML83S00"),
                                                             ("departement", "13"), ("departement", "83"),
                                                             ("region", "93")}  # fmt: skip
    # the 84's review: its own rule broken and its own change, nothing of the 93's staged values
    report84 = quality_report(s84)
    # (the department and the region, recomputed from the Mission Locale's parts, break it too)
    assert {(v.code, v.indicator) for v in report84.violations} == {("ML69S00", "9.1"), ("69", "9.1"), ("84", "9.1"),
                                                                    ("69", "R12"), ("84", "R12")}  # fmt: skip
    assert not any(c.code in {"ML13S00", "ML83S00", "13", "83", "93"} for c in report84.changes)
    change = next(c for c in report84.changes if (c.code, c.indicator) == ("ML69S00", "R10"))
    assert (change.before, change.after) == (D("0.41"), D("0.90"))

    # the DREETS of each region, reading the nation, sees its own staged copy, the other region published
    dreets84 = user_for_role(Role.REGIONAL_STATE, department_code="69")
    reading = dataset_for(dreets84, YEAR, None)
    assert reading.staged and reading.dataset == s84.staged_dataset
    values = current_values(YEAR, "ml", ["ML83S00", "ML69S00"], dataset=reading.dataset)
    assert (values["ML83S00"][("R10", "total")], values["ML69S00"][("R10", "total")]) == (D("0.40"), D("0.90"))

    # the 84 is published: the 93's stored report is computed again (the job after the publication), its
    # peers now read the 84's published 0,90 → median 0,42, MAD 0,02
    before = SubmissionQuality.objects.get(submission=s93).basis
    submission = submission_move(submission=s84, name="approve", user=dgefp).obj
    with django_capture_on_commit_callbacks(execute=True):
        submission_move(submission=submission, name="publish", user=dgefp)
    stored = SubmissionQuality.objects.get(submission=s93)
    assert stored.basis != before and stored.basis == quality_basis(Submission.objects.get(pk=s93.pk))
    found = outlier(quality_report(Submission.objects.get(pk=s93.pk)), "ML83S00")
    assert (found.reference, found.score) == (D("0.42"), D("0.6745") * D("0.38") / D("0.02"))


def test_the_page_reads_the_stored_report_and_does_not_compute_it(client, peers, monkeypatch):
    s93 = staged_submission(region_code="93", year=YEAR, values=r10({"ML13S00": "0.40", "ML83S00": "0.80"}),
                            by=peers)  # fmt: skip
    quality_store(s93)

    def refuse(*args, **kwargs):
        raise AssertionError("the report was computed again")

    monkeypatch.setattr(selectors, "quality_compute", refuse)
    client.force_login(peers)
    url = reverse("submissions:quality", args=[s93.pk])
    for params in ({}, {"seuil": "2"}, {"seuil": "6"}, {"ml": "ML83S00"}):
        assert client.get(url, params).status_code == 200, params
    page = client.get(url, {"ml": "ML83S00"}).content.decode()
    assert "ML83S00" in page and "Rapport calculé le" in page
    # the reviewer's form beside the outlier, as HTML (not escaped), posting to the explanation with the page's
    # perimeter and threshold
    action = f'<form method="post" action="{reverse("submissions:explain", args=[s93.pk])}?ml=ML83S00&amp;seuil=3.5">'
    assert action in page and 'id="comment-ml-ML83S00-R10-total" name="comment"' in page
    client.force_login(user_for_role(Role.ARML, department_code="13"))
    page = client.get(url, {"ml": "ML83S00"}).content.decode()
    assert "ML83S00" in page and 'name="comment"' not in page  # the ARML reads the review, does not explain
    from tests.api.helpers import token_client

    assert token_client(peers).get(f"/api/v1/depots-donnees/{s93.pk}/qualite/").status_code == 200


def test_a_stale_report_is_computed_again_when_read(peers):
    """A version published by the operators' loader (no job after it): the page finds the stored report stale."""
    s93 = staged_submission(region_code="93", year=YEAR, values=r10({"ML13S00": "0.40", "ML83S00": "0.80"}),
                            by=peers)  # fmt: skip
    quality_store(s93)
    computed = SubmissionQuality.objects.get(submission=s93).computed_at
    load({"ML69S00": "0.90"}, name="v2.csv")
    found = outlier(quality_report(s93), "ML83S00")
    assert found.reference == D("0.42")
    stored = SubmissionQuality.objects.get(submission=s93)
    assert stored.computed_at > computed and stored.basis == quality_basis(s93)
    # N-1 published later: the report depends on it too
    load({"ML83S00": "0.40", "ML13S00": "0.40", "ML69S00": "0.41"}, year=YEAR - 1, name="n-1.csv")
    assert quality_basis(s93) != stored.basis
    quality_report(s93)
    assert SubmissionQuality.objects.get(submission=s93).basis["previous"] is not None


def test_the_threshold_filters_the_stored_outliers_and_any_shown_outlier_may_be_explained(peers):
    # ML83S00 0,46: median 0,41, MAD 0,01 → M = 0,6745 × 0,05 / 0,01 = 3,3725: beyond 2, 2,5 and 3; not 3,5
    s93 = staged_submission(region_code="93", year=YEAR, values=r10({"ML13S00": "0.40", "ML83S00": "0.46"}),
                            by=peers)  # fmt: skip
    scores = {t: outlier(quality_report(s93, threshold=D(t)), "ML83S00") for t in ("2", "3", "3.3725", "3.5")}
    assert scores["2"].score == scores["3"].score == D("0.6745") * D("0.05") / D("0.01")
    assert scores["3.3725"] is None and scores["3.5"] is None  # at the threshold: not flagged
    # flagged at the lowest threshold offered: a reviewer may explain it
    dreets = user_for_role(Role.REGIONAL_STATE, department_code="13")
    value_explain(submission=s93, user=dreets, level="ml", code="ML83S00", indicator="R10", breakdown="total",
                  comment="Nouveau dispositif")  # fmt: skip
    report = quality_report(s93, threshold=D("2"))
    assert report.explanations[("ml", "ML83S00", "R10", "total")].comment == "Nouveau dispositif"


def test_the_thresholds_read_in_french(client, peers):
    """The outlier thresholds are written as French writes numbers (« 3,5 »); their values stay the URL's."""
    s93 = staged_submission(region_code="93", year=YEAR, values=r10({"ML13S00": "0.40", "ML83S00": "0.80"}),
                            by=peers)  # fmt: skip
    client.force_login(peers)
    page = client.get(reverse("submissions:quality", args=[s93.pk]), {"seuil": "2.5"}).content.decode()
    assert '<option value="2.5" selected>2,5</option>' in page and '<option value="3.5">3,5</option>' in page
    assert "au-delà de 2,5," in page and ">3.5<" not in page
