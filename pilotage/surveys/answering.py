"""Reading a target's answers from a form: conditions, types, required questions. Plain Python over `Question`s.

Answers are stored as JSON: « oui »/« non » and option values as strings, multiple choices as lists, numbers as
integers, amounts as decimal strings (« 1234.50 », never floats), free text as strings.
"""

from decimal import Decimal

from pilotage.core.tabular import parse_amount
from pilotage.surveys.models import QuestionKind

MAX_TEXT = 5000


def is_shown(question, answers: dict) -> bool:
    """A conditional question is asked only when its condition question has one of the listed answers."""
    if question.condition_question_id is None:
        return True
    given = answers.get(question.condition_question.code)
    if isinstance(given, list):
        return bool(set(given) & set(question.condition_values))
    return given in question.condition_values


def is_answered(value) -> bool:
    return value not in (None, "", [])


def read_answers(questions, data, *, final: bool) -> tuple[dict, dict[str, str]]:
    """`data`: a QueryDict (or {code: str | list}). Returns (answers, errors {code: French message}).

    Questions are read in order so that a condition is known before its dependent question; the answers to a
    question that is not shown are dropped. Required questions are checked only when `final` (a draft may be
    incomplete)."""
    answers: dict = {}
    errors: dict[str, str] = {}
    for question in questions:
        if not is_shown(question, answers):
            continue
        value, error = _read_one(question, data)
        if error:
            errors[question.code] = error
            continue
        if is_answered(value):
            answers[question.code] = value
        elif final and question.required:
            errors[question.code] = "Merci de répondre à cette question."
    return answers, errors


def _getlist(data, code):
    if hasattr(data, "getlist"):
        return data.getlist(code)
    value = data.get(code)
    return value if isinstance(value, list) else ([] if value is None else [value])


def _read_one(question, data):
    code, kind = question.code, question.kind
    allowed = {option["value"] for option in question.choices()}
    if kind == QuestionKind.MULTIPLE:
        values = [v for v in _getlist(data, code) if v]
        unknown = [v for v in values if v not in allowed]
        if unknown:
            return None, "Réponse inconnue : choisissez parmi les options proposées."
        return [option["value"] for option in question.choices() if option["value"] in values], None
    raw = (data.get(code) or "").strip() if hasattr(data, "get") else ""
    if not raw:
        return None, None
    if kind in (QuestionKind.YES_NO, QuestionKind.SINGLE, QuestionKind.FREQUENCY):
        if raw not in allowed:
            return None, "Réponse inconnue : choisissez parmi les options proposées."
        return raw, None
    if kind == QuestionKind.NUMBER:
        if not (raw.isascii() and raw.isdigit()):
            return None, "Indiquez un nombre entier positif (par exemple 3)."
        return int(raw), None
    if kind == QuestionKind.AMOUNT:
        try:
            amount = parse_amount(raw)
        except ValueError as exc:
            return None, f"Montant invalide : {exc}"
        if amount < 0:
            return None, "Le montant ne peut pas être négatif."
        return str(amount.quantize(Decimal("0.01"))), None
    if len(raw) > MAX_TEXT:
        return None, f"Réponse trop longue ({len(raw)} caractères, {MAX_TEXT} au plus)."
    return raw, None
