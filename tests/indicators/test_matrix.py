import pytest

from pilotage.indicators.matrix import components, place, quadrant


def ml(r13, accompanied, funding, r1, r9, r10, r11):
    return {"R13": r13, "4": accompanied, "10": funding, "R1": r1, "R9": r9, "R10": r10, "R11": r11}


def test_components():
    parts = components(ml(30, 300, 1_000_000, 0.2, 0.5, 0.4, 0.1))
    assert parts["accompanied_per_100k"] == pytest.approx(30) and parts["-R11"] == -0.1


def test_axes_are_mean_z_scores_over_the_missions_locales():
    entities = {"A": ml(40, 400, 1_000_000, 0.3, 0.6, 0.5, 0.1), "B": ml(20, 200, 1_000_000, 0.1, 0.4, 0.3, 0.3)}
    points = place(entities, {"FR": ml(30, 300, 1_000_000, 0.2, 0.5, 0.4, 0.2)})
    assert points["A"].efficiency == pytest.approx(1.0) and points["B"].efficiency == pytest.approx(-1.0)
    assert points["A"].performance == pytest.approx(1.0) and points["B"].performance == pytest.approx(-1.0)
    assert points["FR"].efficiency == pytest.approx(0.0) and points["FR"].performance == pytest.approx(0.0)
    assert quadrant(points["A"]) == "efficace et performante"
    assert quadrant(points["B"]) == "efficience et performance à améliorer"


def test_missing_values_leave_the_axis_to_the_other_components():
    entities = {"A": ml(40, 400, None, None, 0.6, None, None), "B": ml(20, 200, None, None, 0.4, None, None),
                "C": ml(None, None, None, None, None, None, None)}  # fmt: skip
    points = place(entities)
    assert points["A"].efficiency == pytest.approx(1.0)  # R13 only
    assert points["C"].efficiency is None and quadrant(points["C"]) is None
