"""The quality review (slice C of issue 15) on hand-built cases: each rule, completeness, lateness, the outlier
threshold at its boundary; the modified z-score against a plain second implementation (fractions, from the
definition) on generated inputs."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from pilotage.accounts.models import Role
from pilotage.submissions import quality
from pilotage.submissions.models import Submission
from pilotage.submissions.selectors import quality_report
from pilotage.submissions.services import value_explain
from tests.factories import user_for_role
from tests.submissions.factories import staged_submission

D = Decimal


# --- the oracle: the modified z-score as Iglewicz and Hoaglin define it, in exact fractions ---------------------
def oracle_median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def oracle_flagged(values: dict[str, Fraction], threshold: Fraction) -> set[str]:
    if len(values) < 3:
        return set()
    med = oracle_median(list(values.values()))
    mad = oracle_median([abs(x - med) for x in values.values()])
    if mad == 0:
        return set()
    return {k for k, x in values.items() if abs(Fraction(6745, 10000) * (x - med) / mad) > threshold}


def flagged(values: dict[str, Decimal], threshold: Decimal) -> set[str]:
    return {k for k, m in quality.modified_z_scores(values).items() if abs(m) > threshold}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False), min_size=0, max_size=30),
    st.sampled_from([D("1"), D("2.698"), D("3.5"), D("5")]),
)
def test_the_modified_z_score_agrees_with_the_oracle(numbers, threshold):
    values = {f"ML{i}": n for i, n in enumerate(numbers)}
    assert flagged(values, threshold) == oracle_flagged({k: Fraction(v) for k, v in values.items()},
                                                        Fraction(threshold))  # fmt: skip


def test_the_threshold_at_its_boundary():
    # median 10, MAD 1: M = 0.6745 × (x − 10); with the threshold 0.6745 × 4 = 2.698, x = 14 is exactly on it
    peers = {"A": D(9), "B": D(10), "C": D(10), "D": D(11), "E": D(9), "F": D(11)}
    assert quality.modified_z_scores({**peers, "X": D(14)})["X"] == D("2.698")
    assert flagged({**peers, "X": D(14)}, D("2.698")) == set()  # at the threshold: not flagged
    assert flagged({**peers, "X": D("14.01")}, D("2.698")) == {"X"}  # just beyond it
    assert flagged({**peers, "X": D("5.99")}, D("2.698")) == {"X"}  # below the median too
    assert quality.modified_z_scores({"A": D(1), "B": D(1), "C": D(1), "X": D(50)}) == {}  # MAD = 0: no score


def test_outliers_against_peers_and_against_n_minus_one():
    now = {f"ML{i}": {"R10": D("0.40") + D(i) / 100, "1": D(100 + i)} for i in range(10)}
    before = {code: {"1": D(100)} for code in now}
    now["ML9"] = {"R10": D("0.95"), "1": D(300)}  # R10 far from its peers; `1` tripled since N-1
    found = {(o.code, o.indicator, o.against) for o in quality.outliers(now, before, {"ML9", "ML1"}, D("3.5"))}
    assert found == {("ML9", "R10", "peers"), ("ML9", "1", "n-1")}
    # a count is never compared with the peers (it grows with the Mission Locale)
    assert not any(o.against == "peers" and o.indicator == "1" for o in quality.outliers(now, {}, set(now), D(0)))


def v(level, code, indicator, value, breakdown="total"):
    return {(level, code, indicator, breakdown): None if value is None else D(str(value))}


@pytest.mark.parametrize("left, right, bad, good", [
    ("2.1", "2", (11, 10), (10, 10)),
    ("2.2", "2", (11, 10), (3, 10)),
    ("3.1", "3", (5, 4), (4, 4)),
    ("4.1", "4", (5, 4), (4, 5)),
    ("4.3", "4", (5, 4), (0, 4)),
    ("8.1", "8", (9, 8), (8, 8)),
    ("8.1.f", "8.1", (9, 8), (1, 8)),
    ("9.1", "9", ("10.6", "10"), ("9.5", "10")),
    ("10.1.b", "10", (2, 1), (1, 1)),
])  # fmt: skip
def test_each_rule_between_two_values(left, right, bad, good):
    entity = {("ml", "ML1")}
    broken = quality.rule_violations({**v("ml", "ML1", left, bad[0]), **v("ml", "ML1", right, bad[1])}, entity)
    assert [(x.indicator, x.rule.right) for x in broken] == [(left, right)]
    assert quality.rule_violations({**v("ml", "ML1", left, good[0]), **v("ml", "ML1", right, good[1])}, entity) == []
    # a missing side is not checked; another entity is not checked
    assert quality.rule_violations({**v("ml", "ML1", left, bad[0]), **v("ml", "ML1", right, None)}, entity) == []
    assert quality.rule_violations({**v("ml", "ML2", left, bad[0]), **v("ml", "ML2", right, bad[1])}, entity) == []


def test_counts_are_never_negative_and_shares_stay_within_0_and_1():
    entity = {("ml", "ML1")}
    values = {**v("ml", "ML1", "1", -1), **v("ml", "ML1", "4", 0), **v("ml", "ML1", "R12", "1.06"),
              **v("ml", "ML1", "R10", 1), **v("ml", "ML1", "R3", -0.01, "femmes"),
              **v("ml", "ML1", "R2", 3)}  # fmt: skip
    found = {(x.indicator, x.breakdown, x.rule.op) for x in quality.rule_violations(values, entity)}
    # R2 (N / N-1) is not a share: 3 is fine; R12 = 1,06 as the demo showed is caught
    assert found == {("1", "total", ">="), ("R12", "total", "between"), ("R3", "femmes", "between")}


def test_rules_are_declared_as_data():
    rules = quality.load_rules()
    declared = {(r.left, r.op, str(r.right)) for r in rules}
    assert declared >= {("2.1", "<=", "2"), ("4.1", "<=", "4"), ("9.1", "<=", "9"), ("@comptages", ">=", "0"),
                        ("@parts", "between", "[0, 1]")}  # fmt: skip
    assert all(r.severity in {"error", "warning"} and r.label for r in rules)


@pytest.mark.parametrize("submitted, activity_late, finance_late", [
    (date(2025, 2, 28), 0, 0),
    (date(2025, 3, 1), 1, 0),
    (date(2025, 6, 30), 122, 0),
    (date(2025, 7, 2), 124, 2),
])  # fmt: skip
def test_lateness_against_the_closing_dates_of_february_and_june(submitted, activity_late, finance_late):
    activity, finance = quality.timeliness(submitted, 2024)
    assert (activity["closing"], finance["closing"]) == (date(2025, 2, 28), date(2025, 6, 30))
    assert (activity["late_days"], finance["late_days"]) == (activity_late, finance_late)
    assert activity["on_time"] == (activity_late == 0) and finance["on_time"] == (finance_late == 0)
    assert quality.closing_dates(2023)[0][1] == date(2024, 2, 29)  # a leap year


def test_completeness_names_the_absent_missions_locales_and_the_missing_rows():
    values = {**v("ml", "A", "9", 10), **v("ml", "A", "0.1", 500), **v("ml", "B", "9", None),
              **v("ml", "B", "0.1", 300)}  # fmt: skip
    report = quality.completeness(region_mls={"A": "a", "B": "b", "C": "c"}, file_codes={"A", "B"}, values=values,
                                  submitted_on=date(2025, 1, 10), year=2024)  # fmt: skip
    assert (report.absent, report.without_resources, report.without_context) == (["c"], ["B"], [])
    own = quality.completeness(region_mls={"A": "a", "B": "b"}, file_codes={"A"}, values=values,
                               submitted_on=date(2025, 1, 10), year=2024, own_ml="A")  # fmt: skip
    assert own.absent == []


def test_changes_against_the_published_version_biggest_first():
    published = {**v("ml", "A", "1", 100), **v("ml", "A", "4", 50), **v("ml", "A", "9", 10)}
    staged = {**v("ml", "A", "1", 110), **v("ml", "A", "4", 100), **v("ml", "A", "9", 10), **v("ml", "A", "R1", 0.2)}
    found = quality.changes(staged, published, {("ml", "A")})
    assert [(c.indicator, c.before, c.after) for c in found] == [
        ("R1", None, D("0.2")), ("4", D(50), D(100)), ("1", D(100), D(110))]  # fmt: skip


@pytest.mark.django_db
def test_the_review_page_flags_r12_and_a_reviewer_explains_it(client, network):
    dgefp = user_for_role(Role.NATIONAL_ADMIN)
    values = {**v("ml", "ML13S00", "9", 10), **v("ml", "ML13S00", "9.1", "10.6"), **v("ml", "ML13S00", "1", 100),
              **v("ml", "ML83S00", "9", 10), **v("ml", "ML83S00", "9.1", 8), **v("ml", "ML83S00", "1", 80)}  # fmt: skip
    submission = staged_submission(region_code="93", year=2024, values=values, by=dgefp)
    Submission.objects.filter(pk=submission.pk).update(ml_codes=["ML13S00", "ML83S00"])
    submission.refresh_from_db()
    report = quality_report(submission)
    # 9.1 > 9 at the Mission Locale; R12 = 1,06 recomputed for its department from the summed parts
    assert {("ml", "ML13S00", "9.1", "total"), ("departement", "13", "R12", "total")} <= report.flagged
    assert ("ml", "ML83S00", "9.1", "total") not in report.flagged
    ddets69 = user_for_role(Role.DEPARTMENTAL_STATE, department_code="69")
    with pytest.raises(PermissionDenied):
        value_explain(submission=submission, user=ddets69, level="ml", code="ML13S00", indicator="9.1",
                      breakdown="total", comment="x")  # fmt: skip
    ddets13 = user_for_role(Role.DEPARTMENTAL_STATE, department_code="13")
    with pytest.raises(ValidationError, match="pas signalée"):
        value_explain(submission=submission, user=ddets13, level="ml", code="ML83S00", indicator="9.1",
                      breakdown="total", comment="x")  # fmt: skip
    dreets = user_for_role(Role.REGIONAL_STATE, department_code="13")
    client.force_login(dreets)
    page = client.get(reverse("submissions:quality", args=[submission.pk])).content.decode()
    assert "Les ETP d&#x27;accompagnement ne dépassent pas le total des ETP" in page
    assert "Mission Locale Soixante" not in page
    response = client.post(reverse("submissions:explain", args=[submission.pk]), {
        "level": "ml", "code": "ML13S00", "indicator": "9.1", "breakdown": "total",
        "comment": "Deux conseillers comptés deux fois ; corrigé au prochain export"})  # fmt: skip
    assert response.status_code == 302
    page = client.get(reverse("submissions:quality", args=[submission.pk])).content.decode()
    assert "corrigé au prochain export" in page
    # beside the value on the dashboard, for the State (staged) and, once published, for everyone
    page = client.get(reverse("indicators:dashboard", args=["ml", "ML13S00"]), {"annee": 2024}).content.decode()
    assert "corrigé au prochain export" in page and "Non publié" in page
    from pilotage.submissions.services import submission_move

    submission = submission_move(submission=submission, name="approve", user=dreets).obj
    submission_move(submission=submission, name="publish", user=dreets)
    client.force_login(user_for_role(Role.DEPARTMENTAL_COUNCIL, department_code="13"))
    page = client.get(reverse("indicators:dashboard", args=["ml", "ML13S00"]), {"annee": 2024}).content.decode()
    assert "corrigé au prochain export" in page and "Non publié" not in page
    assert "version 1, publiée le" in page


@pytest.mark.django_db
def test_the_review_page_refuses_a_bad_threshold_in_french(client, network):
    dgefp = user_for_role(Role.NATIONAL_ADMIN)
    submission = staged_submission(region_code="93", year=2024, values=v("ml", "ML13S00", "1", 1), by=dgefp)
    client.force_login(dgefp)
    response = client.get(reverse("submissions:quality", args=[submission.pk]), {"seuil": "abc"})
    assert response.status_code == 400 and "Seuil" in response.content.decode()
    council = user_for_role(Role.REGIONAL_COUNCIL, department_code="13")
    client.force_login(council)
    assert client.get(reverse("submissions:quality", args=[submission.pk])).status_code == 404
