"""The formatting module against the rules of issue 14 (ADR 0017): French figures, U+202F everywhere, « — » for
nothing; and no template, document or message formats a figure by hand."""

import re
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.template import Context, Template

from pilotage.core import formatting as f

N = "\u202f"  # narrow no-break space
ROOT = Path(__file__).resolve().parents[2] / "pilotage"


@pytest.mark.parametrize(
    ("value", "cents", "expected"),
    [
        (1234567, False, f"1{N}234{N}567{N}€"),
        (D("1234567.891"), True, f"1{N}234{N}567,89{N}€"),
        (D("0"), False, f"0{N}€"),
        (D("0"), True, f"0,00{N}€"),
        (D("999"), False, f"999{N}€"),
        (D("1000"), False, f"1{N}000{N}€"),
        (D("-1234.5"), True, f"-1{N}234,50{N}€"),
        (D("-0.004"), True, f"0,00{N}€"),  # never « -0,00 »
        (D("0.125"), True, f"0,13{N}€"),  # half away from zero
        (D("2.5"), False, f"3{N}€"),
        (D("-2.5"), False, f"-3{N}€"),
        (1134839409, False, f"1{N}134{N}839{N}409{N}€"),
        (2352036.89, True, f"2{N}352{N}036,89{N}€"),  # a float goes through its shortest form
        (None, False, "—"),
        ("", True, "—"),
        (D("NaN"), False, "—"),
    ],
)
def test_amounts(value, cents, expected):
    assert f.amount(value, cents=cents) == expected


def test_what_is_not_a_number_is_an_error():
    with pytest.raises(TypeError):
        f.amount({"value": 1})


def test_signed_amounts():
    assert f.amount(D("150000"), cents=True, signed=True) == f"+150{N}000,00{N}€"
    assert f.amount(D("-150000"), signed=True) == f"-150{N}000{N}€"
    assert f.amount(D("0"), signed=True) == f"0{N}€"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(5396936, f"5{N}396{N}936"), (12345, f"12{N}345"), (999, "999"), (0, "0"), (-12000, f"-12{N}000"),
     (None, "—")],
)  # fmt: skip
def test_counts(value, expected):
    assert f.count(value) == expected


@pytest.mark.parametrize(
    ("fraction", "expected"),
    [
        (D("0.0031"), f"0,3{N}%"),  # never « 0,0031 »
        (D("0.45"), f"45,0{N}%"),
        (D("1.053"), f"105,3{N}%"),
        (D("0"), f"0,0{N}%"),
        (D("0.00049"), f"0,0{N}%"),
        (D("0.00051"), f"0,1{N}%"),
        (12.3456, f"1{N}234,6{N}%"),
        (None, "—"),
    ],
)
def test_shares(fraction, expected):
    assert f.share(fraction) == expected


def test_percentages_already_in_percent():
    assert f.percent(D("30.157")) == f"30,2{N}%"
    assert f.percent(D("30.157"), 2, signed=True) == f"+30,16{N}%"  # the guardrail message, never « +30.16 % »
    assert f.percent(D("-4"), signed=True) == f"-4,0{N}%"
    assert f.percent(D("0"), signed=True) == f"0,0{N}%"
    assert f.percent(None) == "—"


def test_evolutions_of_counts_and_amounts_in_percent():
    assert f.evolution(110, 100) == f"+10,0{N}%"
    assert f.evolution(D("90"), D("100"), f.EUROS) == f"-10,0{N}%"
    assert f.evolution(100, 100) == f"0,0{N}%"
    assert f.evolution(5, 0) == "—"  # no evolution from nothing
    assert f.evolution(None, 5) == "—" and f.evolution(5, None) == "—"
    assert f.evolution("masked", 5) == "—"
    assert f.evolution(-50, -100) == f"+50,0{N}%"  # towards zero from below is a rise


def test_evolutions_of_shares_in_points():
    assert f.evolution(D("0.4512"), D("0.4390"), f.SHARE) == f"+1,2{N}pt"
    assert f.evolution(D("0.40"), D("0.45"), f.SHARE) == f"-5,0{N}pt"
    assert f.evolution(D("0.45"), D("0.45"), f.SHARE) == f"0,0{N}pt"
    assert f.evolution(D("0.45"), None, f.SHARE) == "—"


def test_differences_to_a_target():
    assert f.difference(D("0.47"), D("0.45"), f.SHARE) == f"+2,0{N}pt"
    assert f.difference(D("80.25"), D("85"), f.NUMBER) == "-4,8"
    assert f.difference(D("1200"), D("1000"), f.EUROS) == f"+200{N}€"
    assert f.difference(12, 10, f.COUNT) == "+2"
    assert f.difference(None, D("0.45"), f.SHARE) == "—"


def test_measures_by_unit():
    assert f.measure(D("0.0031"), f.SHARE) == f"0,3{N}%"
    assert f.measure(D("5396936"), f.COUNT) == f"5{N}396{N}936"
    assert f.measure(D("2352036.89"), f.EUROS) == f"2{N}352{N}037{N}€"
    assert f.measure(D("85.27"), f.NUMBER) == "85,3"
    assert f.measure(None, f.SHARE) == "—"
    with pytest.raises(ValueError, match="Unknown unit"):
        f.measure(1, "parsecs")


def test_an_amount_for_a_form_field_reads_back():
    from pilotage.core.tabular import parse_amount

    assert f.input_amount(D("1234567.5")) == f"1{N}234{N}567,50"
    assert parse_amount(f.input_amount(D("1234567.5"))) == D("1234567.50")
    assert f.input_amount(None) == ""


def test_the_template_filters_are_the_module():
    template = Template(
        "{% load pilotage %}{{ a|euros }}|{{ a|euros:0 }}|{{ c|count }}|{{ s|share }}|{{ p|pct_signed:2 }}|"
        "{{ s|measure:'share' }}|{{ none|euros }}"
    )
    text = template.render(Context({"a": D("1234.5"), "c": 12345, "s": D("0.0031"), "p": D("30.157"), "none": None}))
    assert text == f"1{N}234,50{N}€|1{N}235{N}€|12{N}345|0,3{N}%|+30,16{N}%|0,3{N}%|—"


def test_every_indicator_has_a_unit_and_ratios_of_counts_are_shares():
    from pilotage.indicators.catalogue import INDICATORS

    assert {i.unit for i in INDICATORS.values()} <= set(f.UNITS)
    assert INDICATORS["R10"].unit == f.SHARE and INDICATORS["R2"].unit == f.SHARE
    assert INDICATORS["R13"].unit == f.NUMBER  # young people per ETP, not a share
    assert INDICATORS["10"].unit == f.EUROS and INDICATORS["10.1.d"].unit == f.EUROS
    assert INDICATORS["1"].unit == f.COUNT and INDICATORS["5"].unit == f.NUMBER and INDICATORS["9"].unit == f.NUMBER


# No figure formatted by hand


GROUPING = re.compile(r"\{[^{}]*:[<>^=+\- #0-9]*[,_](\.\d+)?[dfgn%]?\}")  # f"{x:,.2f}", f"{x:,}", f"{x:_}"


def _files(suffixes):
    return [p for p in ROOT.rglob("*") if p.suffix in suffixes and "migrations" not in p.parts]


def test_no_template_formats_figures_by_hand():
    """Templates use the `pilotage` filters: no `floatformat`, `intcomma`, `localize`, nor a `€` or `%` glued to a
    raw variable (`{{ x }} €`)."""
    offenders = []
    raw_unit = re.compile(r"{{\s*[\w.]+\s*}}\s*(€|%)")
    for path in _files({".html", ".txt"}):
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            if re.search(r"\|\s*(floatformat|intcomma|intword|localize)\b", line) or raw_unit.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:120]}")
    assert offenders == [], "format figures with the filters of pilotage.core.formatting:\n" + "\n".join(offenders)


def test_no_python_formats_figures_by_hand():
    """Outside `core/formatting.py` (and the readers of typed input), no thousands grouping with `:,`, no
    `.replace(",", " ")`/`.replace(".", ",")` on numbers, no euro sign after a raw interpolated value."""
    allowed = {ROOT / "core" / "formatting.py", ROOT / "core" / "tabular.py"}  # tabular reads French input
    patterns = [
        GROUPING,
        re.compile(r"""\.replace\(\s*["'],["']\s*,\s*["'](\s|\\u202f|\\xa0|\\u00a0)["']"""),
        re.compile(r"""\.replace\(\s*["']\.["']\s*,\s*["'],["']\s*\)"""),
        re.compile(r"""\{[^{}]*\}\s*(€|%)["']"""),  # f"{self.amount} €"
        re.compile(r"\{[^{}]*:[+]?\.\d+f\}\s*%"),  # f"{x:+.2f} %"
    ]
    offenders = []
    for path in _files({".py"}):
        if path in allowed:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if any(p.search(code) for p in patterns):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:120]}")
    assert offenders == [], "format figures with pilotage.core.formatting:\n" + "\n".join(offenders)


def test_the_hand_formatting_detector_can_fail(tmp_path):
    """The patterns above catch what the five former formatters wrote."""
    samples = [
        'return f"{value:,.2f} €".replace(",", " ").replace(".", ",")',
        "f\"{guardrail['adjustment_pct']:+.2f} % \"",
        'return f"{self.kind} : {self.amount} €"',
        'return f"{value:,.4f}".replace(",", "\\u202f")',
    ]
    patterns = [
        GROUPING,
        re.compile(r"""\{[^{}]*\}\s*(€|%)["']"""),
        re.compile(r"\{[^{}]*:[+]?\.\d+f\}\s*%"),
    ]
    assert all(any(p.search(s) for p in patterns) for s in samples)
