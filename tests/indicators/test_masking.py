from pilotage.indicators.masking import MASKED, mask_across, mask_small_counts

COUNTS = {"1", "2", "2.1", "3", "3.1", "3.2", "8", "8.1", "8.2", "4", "6"}


def test_primary_masking_keeps_zero_and_large_counts():
    masked = mask_small_counts({"1": 0, "2": 10, "4": 11, "6": 200}, counts=COUNTS)
    assert masked == {"1": 0, "2": MASKED, "4": 11, "6": 200}


def test_threshold_is_configurable():
    assert mask_small_counts({"1": 4}, counts=COUNTS, threshold=4)["1"] == 4
    assert mask_small_counts({"1": 4}, counts=COUNTS, threshold=11)["1"] == MASKED


def test_a_small_complement_hides_the_child_and_its_ratio():
    masked = mask_small_counts({"2": 100, "2.1": 95, "R3": 0.95}, counts=COUNTS)
    assert masked["2.1"] == MASKED and masked["R3"] == MASKED and masked["2"] == 100


def test_partitions_get_secondary_masking():
    masked = mask_small_counts({"3": 120, "3.1": 115 - 0, "3.2": 5}, counts=COUNTS)
    # 3.2 = 5 is small; 3 − 3.1 would give it back, so 3.1 is hidden too
    assert masked["3.2"] == MASKED and masked["3.1"] == MASKED and masked["3"] == 120


def test_ratios_over_hidden_counts_are_hidden():
    masked = mask_small_counts({"8.1": 7, "8.1.f": 3, "8": 40, "8.2": 33, "R10": 3 / 7}, counts=COUNTS | {"8.1.f"})
    assert masked["R10"] == MASKED and masked["8.2"] == MASKED  # partition 8 = 8.1 + 8.2


def test_means_over_few_young_people_are_hidden():
    assert mask_small_counts({"8": 4, "5": 7.5}, counts=COUNTS)["5"] == MASKED
    assert mask_small_counts({"8": 40, "5": 7.5}, counts=COUNTS)["5"] == 7.5


def test_masking_across_missions_locales_of_a_total():
    assert mask_across({"ML1": 5, "ML2": 40, "ML3": 60}) == {"ML1": MASKED, "ML2": MASKED, "ML3": 60}
    assert mask_across({"ML1": 5, "ML2": 6, "ML3": 60}) == {"ML1": MASKED, "ML2": MASKED, "ML3": 60}
    assert mask_across({"ML1": 0, "ML2": 60}) == {"ML1": 0, "ML2": 60}


def test_ratios_are_masked_the_same_from_the_inputs_of_their_masking_only():
    """The distribution reads only `inputs_of_ratio_masking()`; on many random entities the ratios come out
    masked exactly as from every indicator."""
    import random

    from pilotage.indicators.catalogue import INDICATORS
    from pilotage.indicators.engine.compute import RATIOS
    from pilotage.indicators.masking import inputs_of_ratio_masking, mask_small_counts

    counts = {k for k, spec in INDICATORS.items() if spec.is_count and not k.startswith("0.")}
    inputs = inputs_of_ratio_masking()
    generator = random.Random(7)
    for _ in range(500):
        values = {k: generator.choice([0, 1, 5, 10, 11, 12, 30, 200]) for k in counts}
        values.update(dict.fromkeys(RATIOS, 0.5))
        full = mask_small_counts(values, counts=counts)
        partial = mask_small_counts({k: v for k, v in values.items() if k in inputs or k in RATIOS}, counts=counts)
        assert {r: full[r] for r in RATIOS} == {r: partial[r] for r in RATIOS}
