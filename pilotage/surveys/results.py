"""Survey results as the 2024 state-of-play published them: per question, counts and percentages over the
respondents who were asked and answered, the base stated (« parmi les 95 qui ont répondu oui… »), also over all
respondents; cross-tabulations; small counts masked (ADR 0006) for those who see masked figures.

Plain Python over `Question`s and answer dicts; percentages are `Decimal`s rounded half-up to 0.1.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from pilotage.indicators.masking import MASKED, mask_across
from pilotage.surveys.answering import is_answered, is_shown
from pilotage.surveys.models import CHOICE_KINDS, QuestionKind

ONE_DECIMAL = Decimal("0.1")


def percent(count, base) -> Decimal | None:
    if count == MASKED or base in (MASKED, None, 0):
        return None
    return (Decimal(count) * 100 / Decimal(base)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


@dataclass
class Row:
    value: str
    label: str
    count: int | str  # MASKED when hidden
    pct: Decimal | None = None  # over the question's base
    pct_all: Decimal | None = None  # over all respondents


@dataclass
class QuestionResult:
    question: object
    respondents: int  # all respondents of the survey
    asked: int  # respondents to whom the question was shown
    base: int | str  # respondents who answered it (MASKED when hidden)
    rows: list[Row] = field(default_factory=list)
    groups: list[Row] = field(default_factory=list)
    stats: dict = field(default_factory=dict)  # number/amount: n, total, mean, median, min, max
    texts: list[str] = field(default_factory=list)

    @property
    def condition_text(self) -> str:
        question = self.question
        if question.condition_question_id is None:
            return ""
        labels = {o["value"]: o["label"] for o in question.condition_question.choices()}
        values = " ou ".join(f"« {labels.get(v, v)} »" for v in question.condition_values)
        return f"posée à ceux qui ont répondu {values} à « {question.condition_question.text} »"


def question_result(question, answers: Sequence[Mapping], *, threshold: int | None = None) -> QuestionResult:
    """`answers`: the submitted answer dicts. `threshold`: None for exact figures, else the masking threshold."""
    asked = [a for a in answers if is_shown(question, a)]
    given = [a[question.code] for a in asked if is_answered(a.get(question.code))]
    result = QuestionResult(question, respondents=len(answers), asked=len(asked), base=len(given))
    if question.kind in CHOICE_KINDS:
        counts = {option["value"]: 0 for option in question.choices()}
        for value in given:
            for v in value if isinstance(value, list) else [value]:
                if v in counts:
                    counts[v] += 1
        if threshold is not None:
            counts = _mask_counts(counts, len(given), threshold)
            if counts is None:
                return _all_masked(result, question)
        labels = {o["value"]: o["label"] for o in question.choices()}
        result.rows = [
            Row(v, labels[v], c, percent(c, len(given)), percent(c, len(answers))) for v, c in counts.items()
        ]
        for group in question.groups:
            members = [counts[v] for v in group["values"] if v in counts]
            count = MASKED if MASKED in members else sum(members)
            result.groups.append(
                Row("+".join(group["values"]), group["label"], count, percent(count, len(given)),
                    percent(count, len(answers)))
            )  # fmt: skip
    elif question.kind in (QuestionKind.NUMBER, QuestionKind.AMOUNT):
        numbers = [Decimal(str(v)) for v in given]
        if threshold is not None and 0 < len(numbers) < threshold:
            result.base = MASKED
            result.stats = {"n": MASKED}
        elif numbers:
            result.stats = {
                "n": len(numbers),
                "total": sum(numbers),
                "mean": (sum(numbers) / len(numbers)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
                "median": Decimal(median(numbers)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
                "min": min(numbers),
                "max": max(numbers),
            }
    else:
        result.texts = sorted(str(v) for v in given)
    return result


def _mask_counts(counts: dict[str, int], base: int, threshold: int) -> dict | None:
    """None when the base itself is small; else counts 1…threshold−1 hidden, and one more so that the base
    cannot give a single hidden count back."""
    if 0 < base < threshold:
        return None
    return mask_across(counts, threshold=threshold)


def _hide_one_more(cells: dict) -> bool:
    """Secondary masking in place: with exactly one hidden cell and a shown total, hide the smallest other
    cell (as `mask_across` does). Returns whether a cell was hidden."""
    hidden = [k for k, c in cells.items() if c == MASKED]
    shown = [k for k, c in cells.items() if c != MASKED]
    if len(hidden) == 1 and shown:
        cells[min(shown, key=lambda k: cells[k])] = MASKED
        return True
    return False


def _all_masked(result: QuestionResult, question) -> QuestionResult:
    result.base = MASKED
    result.rows = [Row(o["value"], o["label"], MASKED) for o in question.choices()]
    result.groups = [Row("+".join(g["values"]), g["label"], MASKED) for g in question.groups]
    return result


def survey_results(questions: Iterable, answers: Sequence[Mapping], *, threshold: int | None = None):
    return [question_result(q, answers, threshold=threshold) for q in questions]


@dataclass
class CrossTab:
    question: object
    columns: list[tuple[str, str]]  # option value, label
    rows: list[tuple[str, int | str, list[tuple[int | str, Decimal | None]]]]  # label, base, [(count, pct)]


def crosstab(question, answers: Sequence[Mapping], keys: Sequence[str | None], labels: Mapping[str, str], *,
             threshold: int | None = None) -> CrossTab:  # fmt: skip
    """Counts of a choice question per group (`keys[i]` is the group of `answers[i]`, e.g. its region or its
    answer to another question), with the row percentages. Masked cells hide one more in their row and in their
    column, since row bases and the national counts are shown."""
    columns = [(o["value"], o["label"]) for o in question.choices()]
    table: dict[str, dict[str, int]] = {key: {v: 0 for v, _ in columns} for key in labels}
    bases = dict.fromkeys(labels, 0)
    for answer, key in zip(answers, keys, strict=True):
        value = answer.get(question.code)
        if key not in table or not is_shown(question, answer) or not is_answered(value):
            continue
        bases[key] += 1
        for v in value if isinstance(value, list) else [value]:
            if v in table[key]:
                table[key][v] += 1
    shown_bases: dict[str, int | str] = dict(bases)
    if threshold is not None:
        table, shown_bases = _mask_table(table, bases, threshold)
    rows = []
    for key, label in labels.items():
        base = shown_bases[key]
        rows.append((label, base, [(table[key][v], percent(table[key][v], base)) for v, _ in columns]))
    return CrossTab(question, columns, rows)


def _mask_table(table, bases, threshold):
    shown_bases = {k: (MASKED if 0 < b < threshold else b) for k, b in bases.items()}
    masked = {
        k: (dict.fromkeys(row, MASKED) if shown_bases[k] == MASKED else mask_across(row, threshold=threshold))
        for k, row in table.items()
    }
    # a hidden row base: hide one more row base so that the national base does not give it back
    base_view = mask_across(bases, threshold=threshold)
    for key, value in base_view.items():
        if value == MASKED and shown_bases[key] != MASKED:
            shown_bases[key] = MASKED
            masked[key] = dict.fromkeys(masked[key], MASKED)
    changed = True
    while changed:  # hiding a cell of a row may call for another in its column, and so on
        changed = False
        for key in masked:
            changed |= _hide_one_more(masked[key])
        for value in next(iter(masked.values()), {}):
            column = {k: masked[k][value] for k in masked}
            if _hide_one_more(column):
                for k, c in column.items():
                    masked[k][value] = c
                changed = True
    return masked, shown_bases
