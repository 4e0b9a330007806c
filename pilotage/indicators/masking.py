"""Statistical secrecy: small counts hidden where indicators leave the State services and the Mission Locale.

Rules (docs/adr/0006-small-counts.md):
- primary: a count of young people from 1 to threshold − 1 is hidden (0 stays: it reveals no one);
- complements: a « dont » count whose complement in its parent (parent − child) is from 1 to threshold − 1 is
  hidden, since the difference would reveal the small group;
- partitions: when one part of an exact partition is hidden (3 = 3.1 + 3.2, 8 = 8.1 + 8.2), the smallest other
  part is hidden too, so that no subtraction gives it back;
- a ratio or mean whose numerator or denominator count is hidden is hidden.
"""

from collections.abc import Mapping

from pilotage.indicators.engine.compute import MEANS, RATIOS

DEFAULT_THRESHOLD = 11
MASKED = "masked"

#: child → parent (« dont » relations of cpo-indicators.md)
SUBSETS = {
    "2.1": "2", "2.2": "2", "3.1": "3", "3.2": "3", "4.1": "4", "4.1.f": "4.1", "4.1.g": "4.1", "4.1.g.1": "4.1.g",
    "4.1.h": "4.1", "4.1.i": "4.1.i.base", "4.2.s4": "4.2.c4", "4.2.s12": "4.2.c12", "4.4": "4",
    "4.4.sante": "4.4", "4.4.logement": "4.4", "4.4.mobilite": "4.4", "4.4.ressources": "4.4",
    "4.4.loisirs_culture": "4.4", "6": "4", "6.1": "6", "6.1.emploi": "6.1", "6.1.formation": "6.1",
    "6.1.eav": "6.1.emploi", "6.2": "6", "8.1": "8", "8.1.f": "8.1", "8.1.f.emploi_durable": "8.1.f",
    "8.1.f.cui": "8.1.f", "8.1.f.eav": "8.1.f", "8.1.f.alternance": "8.1.f", "8.1.f.apprentissage": "8.1.f.alternance",
    "8.1.f.creation": "8.1.f", "8.1.g": "8.1", "8.1.g.qualifiante": "8.1.g", "8.1.r": "8.1", "8.1.h": "8.1",
    "8.1.i": "8.1", "8.2": "8",
}  # fmt: skip
PARTITIONS = (("3", ("3.1", "3.2")), ("8", ("8.1", "8.2")))


def mask_small_counts(values: Mapping[str, object], *, counts: set[str], threshold: int = DEFAULT_THRESHOLD):
    """`values`: indicator id → value for one entity and one breakdown. Returns a copy where hidden values are
    replaced by MASKED. `counts` names the ids that count young people."""

    def small(value) -> bool:
        return value is not None and value != MASKED and 0 < value < threshold

    result = dict(values)
    for key in counts:
        if key in result and small(result[key]):
            result[key] = MASKED
    for child, parent in SUBSETS.items():
        comparable = child in result and parent in result and result[child] not in (MASKED, None)
        if comparable and result[parent] not in (MASKED, None) and small(result[parent] - result[child]):
            result[child] = MASKED
    changed = True
    while changed:  # masking a part may call for another
        changed = False
        for whole, parts in PARTITIONS:
            hidden = [p for p in parts if result.get(p) == MASKED]
            shown = [p for p in parts if p in result and result[p] != MASKED]
            if len(hidden) == 1 and shown and result.get(whole) != MASKED:
                smallest = min(shown, key=lambda p: result[p])
                result[smallest] = MASKED
                changed = True
    for key, (num, den, _) in RATIOS.items():
        if key in result and (result.get(num) == MASKED or result.get(den) == MASKED):
            result[key] = MASKED
    for key in MEANS:
        if key in result and small_count_behind_mean(values, key, threshold):
            result[key] = MASKED
    return result


def inputs_of_ratio_masking() -> frozenset[str]:
    """The indicators whose values decide whether a ratio is masked: the ratios' numerators and denominators,
    the « dont » parents they are compared with (transitively), and the parts of the partitions. Reading only
    these (and the ratios) masks the ratios exactly as reading everything would."""
    needed = {part for num, den, _ in RATIOS.values() for part in (num, den)}
    for whole, parts in PARTITIONS:
        needed |= {whole, *parts}
    pending = list(needed)
    while pending:
        parent = SUBSETS.get(pending.pop())
        if parent and parent not in needed:
            needed.add(parent)
            pending.append(parent)
    return frozenset(needed)


def small_count_behind_mean(values, key, threshold) -> bool:
    """A mean duration is hidden when the young people behind it are few: 8 (exits) for 5, 6 for 7."""
    base = {"5": "8", "7": "6"}[key]
    count = values.get(base)
    return count is not None and 0 < count < threshold


def mask_across(entities: Mapping[str, object], *, threshold: int = DEFAULT_THRESHOLD) -> dict[str, object]:
    """One count for several entities whose total is shown (the Missions Locales of a department): if exactly
    one is hidden, the smallest other is hidden too, so the total cannot give it back."""
    result = {
        key: (MASKED if value is not None and 0 < value < threshold else value) for key, value in entities.items()
    }
    hidden = [k for k, v in result.items() if v == MASKED]
    shown = [k for k, v in result.items() if v not in (MASKED, None)]
    if len(hidden) == 1 and shown:
        result[min(shown, key=lambda k: result[k])] = MASKED
    return result
