import pytest

from pilotage.indicators.matrix import Point, components, drawing_for, marks, place, quadrant


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


def test_a_mission_locale_alone_is_placed_on_the_scale_of_the_country():
    """R13 10, 20, 30 across the country: mean 20, population standard deviation √(200/3) ≈ 8.165."""
    country = {"A": ml(30, None, None, None, 0.6, None, None), "B": ml(20, None, None, None, 0.5, None, None),
               "C": ml(10, None, None, None, 0.4, None, None)}  # fmt: skip
    points = place({"A": country["A"]}, scale=country)
    assert points["A"].efficiency == pytest.approx(10 / (200 / 3) ** 0.5)
    assert points["A"].performance == pytest.approx(0.1 / (0.02 / 3) ** 0.5)
    assert quadrant(points["A"]) == "efficace et performante"
    assert place({"A": country["A"]})["A"].efficiency is None  # alone on its own scale: no spread, not placed


def test_the_drawing_frames_the_points_and_keeps_the_mean_in_the_centre():
    near = drawing_for([Point("a", 0.5, -1.2)])
    assert near.bound == 2  # never narrower than ±2 standard deviations
    assert near.x(0) == near.y(0) == near.centre == near.margin + near.size / 2
    assert near.x(-2) == near.margin and near.x(2) == near.end and near.y(2) == near.margin  # up is better
    far = drawing_for([Point("a", 9.0, 0.0), Point("b", 2.5, -3.1)])
    assert far.bound == 4  # at most ±4: beyond, the point sits on the edge and says so
    assert far.x(9.0) == far.end and far.clamped(Point("a", 9.0, 0.0)) and not far.clamped(Point("b", 2.5, -3.1))
    assert drawing_for([Point("b", 2.5, -3.1)]).bound == 4 and drawing_for([Point("b", 2.5, 0)]).bound == 3
    labels = {label: (x, y) for label, x, y in near.quadrant_labels}
    good_x, good_y = labels["efficace et performante"]
    bad_x, bad_y = labels["efficience et performance à améliorer"]
    assert good_x > near.centre > bad_x and good_y < near.centre < bad_y


def test_marks_skip_the_unplaced_and_draw_the_readers_own_last():
    drawing = drawing_for([])
    items = [("Mine", Point("m", 0.1, 0.2), "own"), ("Other", Point("o", 1.0, 1.0), "ml"),
             ("Unplaced", Point("u", None, 0.3), "ml"), ("France", Point("FR", -0.2, 0.1), "nation")]  # fmt: skip
    drawn = marks(drawing, items)
    assert [m.name for m in drawn] == ["Other", "France", "Mine"]
