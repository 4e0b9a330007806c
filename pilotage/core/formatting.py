"""How figures read in French, in one place: pages (the `pilotage` template filters), documents (DOCX, PDF),
messages, charts' labels. ADR 0017.

- Amounts: `1 234 567 €`, or `1 234 567,89 €` where cents matter (conventions, avenants, payments, funding
  lines); counts: `12 345`; shares of a whole, given as a fraction, as a percentage with one decimal:
  `0,3 %` (never `0,0031`); a value already in percent: `30,2 %`.
- Evolutions: of a count or an amount in percent (`+12,3 %`); of a share in percentage points (`+1,2 pt`).
- The thousands separator and the space before `€`, `%` and `pt` are narrow no-break spaces (U+202F): an
  amount never breaks across lines, in a browser, in Word or in WeasyPrint's PDF.
- Rounding is half away from zero (0,125 → 0,13), as people round by hand; `-0` prints `0`.
- Nothing to show (None, "", NaN, an infinite ratio) prints « — ».

Exports keep typed numbers (a spreadsheet formats them); this module is for text people read."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

NNBSP = "\u202f"  # narrow no-break space
MISSING = "—"

# Units of a measure (indicators and the like): how its value and its evolution read
COUNT = "count"  # 12 345; evolution in %
NUMBER = "number"  # 12,5 (one decimal: ETP, months, people per ETP); evolution in %
EUROS = "euros"  # 1 234 567 € (whole euros); evolution in %
SHARE = "share"  # a fraction shown in percent, 0,0031 → 0,3 %; evolution in points
UNITS = (COUNT, NUMBER, EUROS, SHARE)


def to_decimal(value) -> Decimal | None:
    """A number as a finite Decimal (floats through their shortest repr), or None when there is nothing to show
    (None, a text that is not a number such as a masked value). Anything else is a programming error."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | float | str):
        try:
            number = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            return None
    elif str(value) == "":  # an empty template variable (str() of Jinja's StrictUndefined raises its own error)
        return None
    else:
        raise TypeError(f"not a number: {type(value).__name__}")
    return number if number.is_finite() else None


def decimal_text(value, places: int = 0, *, signed: bool = False) -> str:
    """1234567.891, 2 → « 1 234 567,89 » (U+202F between thousands, comma before decimals); None → « — »."""
    number = to_decimal(value)
    if number is None:
        return MISSING
    places = int(places)
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no « -0 »
    sign = "-" if rounded < 0 else ("+" if signed and rounded > 0 else "")
    whole, _, decimals = f"{abs(rounded):.{places}f}".partition(".")
    groups = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    text = NNBSP.join([whole, *groups])
    return f"{sign}{text},{decimals}" if places else f"{sign}{text}"


def amount(value, *, cents: bool = False, signed: bool = False) -> str:
    """1234567 → « 1 234 567 € »; with cents: « 1 234 567,00 € »; None → « — »."""
    text = decimal_text(value, 2 if cents else 0, signed=signed)
    return text if text == MISSING else f"{text}{NNBSP}€"


def count(value) -> str:
    """12345 → « 12 345 »."""
    return decimal_text(value, 0)


def number(value, places: int = 1, *, signed: bool = False) -> str:
    """12.345 → « 12,3 »."""
    return decimal_text(value, places, signed=signed)


def percent(value, places: int = 1, *, signed: bool = False) -> str:
    """A value already in percent: 30.157 → « 30,2 % » (signed: « +30,2 % »)."""
    text = decimal_text(value, places, signed=signed)
    return text if text == MISSING else f"{text}{NNBSP}%"


def share(fraction, places: int = 1, *, signed: bool = False) -> str:
    """A fraction of a whole: 0.0031 → « 0,3 % », 1.053 → « 105,3 % »."""
    number_ = to_decimal(fraction)
    return percent(None if number_ is None else number_ * 100, places, signed=signed)


def points(delta, places: int = 1) -> str:
    """A difference of two fractions in percentage points: 0.012 → « +1,2 pt »."""
    number_ = to_decimal(delta)
    text = decimal_text(None if number_ is None else number_ * 100, places, signed=True)
    return text if text == MISSING else f"{text}{NNBSP}pt"


def relative_change(now, before) -> Decimal | None:
    """(now − before) / before in percent, or None when it has no meaning (a missing value, before = 0)."""
    now_, before_ = to_decimal(now), to_decimal(before)
    if now_ is None or before_ is None or before_ == 0:
        return None
    return (now_ - before_) / abs(before_) * 100


def evolution(now, before, unit: str = COUNT, places: int = 1) -> str:
    """From `before` to `now`: a share's in points (« +1,2 pt »), anything else's in percent (« +12,3 % »)."""
    if unit == SHARE:
        now_, before_ = to_decimal(now), to_decimal(before)
        return MISSING if now_ is None or before_ is None else points(now_ - before_, places)
    return percent(relative_change(now, before), places, signed=True)


def difference(value, reference, unit: str = COUNT) -> str:
    """`value` − `reference` (a gap to a target): a share's in points, an amount in euros, else a number."""
    value_, reference_ = to_decimal(value), to_decimal(reference)
    if value_ is None or reference_ is None:
        return MISSING
    gap = value_ - reference_
    if unit == SHARE:
        return points(gap)
    if unit == EUROS:
        return amount(gap, signed=True)
    return decimal_text(gap, 0 if unit == COUNT else 1, signed=True)


def measure(value, unit: str) -> str:
    """A value in its unit (see UNITS)."""
    if unit == SHARE:
        return share(value)
    if unit == EUROS:
        return amount(value)
    if unit == COUNT:
        return count(value)
    if unit == NUMBER:
        return number(value)
    raise ValueError(f"Unknown unit {unit!r}")


def input_amount(value) -> str:
    """An amount as a form field shows it for editing: « 1 234,50 » (read back by `tabular.parse_amount`)."""
    text = decimal_text(value, 2)
    return "" if text == MISSING else text


def input_percent(fraction) -> str:
    """A fraction as a percentage field shows it for editing: 0.455 → « 45,5 % », 0.45 → « 45 % »."""
    number_ = to_decimal(fraction)
    if number_ is None:
        return ""
    text = decimal_text(number_ * 100, 2)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return f"{text}{NNBSP}%"


def spreadsheet_number(value) -> str:
    """A number as a French spreadsheet reads it from a CSV cell: a comma before decimals, no thousands
    separator, no unit, every decimal kept (1234567.5 → « 1234567,5 », 1e-05 → « 0,00001 »); None → ""."""
    number_ = to_decimal(value)
    if number_ is None:
        return ""
    text = f"{number_:f}"
    if text.startswith("-") and number_ == 0:
        text = text[1:]
    return text.replace(".", ",")
