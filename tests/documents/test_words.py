"""Amounts in words: a table of tricky amounts, expected strings written by hand (traditional French spelling)."""

from decimal import Decimal

import pytest

from pilotage.documents.words import amount_in_words, number_in_words

AMOUNTS = [
    ("0", "zéro euro"),
    ("0.01", "un centime"),
    ("0.02", "deux centimes"),
    ("0.50", "cinquante centimes"),
    ("0.80", "quatre-vingts centimes"),
    ("1", "un euro"),
    ("1.01", "un euro et un centime"),
    ("1.50", "un euro et cinquante centimes"),
    ("2", "deux euros"),
    ("16", "seize euros"),
    ("17", "dix-sept euros"),
    ("21", "vingt et un euros"),
    ("22", "vingt-deux euros"),
    ("71", "soixante et onze euros"),
    ("72", "soixante-douze euros"),
    ("80", "quatre-vingts euros"),
    ("81", "quatre-vingt-un euros"),
    ("91", "quatre-vingt-onze euros"),
    ("99.99", "quatre-vingt-dix-neuf euros et quatre-vingt-dix-neuf centimes"),
    ("100", "cent euros"),
    ("101", "cent un euros"),
    ("180", "cent quatre-vingts euros"),
    ("200", "deux cents euros"),
    ("201", "deux cent un euros"),
    ("280", "deux cent quatre-vingts euros"),
    ("1000", "mille euros"),
    ("1001", "mille un euros"),
    ("1080", "mille quatre-vingts euros"),
    ("1100", "mille cent euros"),
    ("2000", "deux mille euros"),
    ("21000", "vingt et un mille euros"),
    ("80000", "quatre-vingt mille euros"),
    ("81000", "quatre-vingt-un mille euros"),
    ("100000", "cent mille euros"),
    ("200000", "deux cent mille euros"),
    ("200200", "deux cent mille deux cents euros"),
    ("1000000", "un million d'euros"),
    ("1000001", "un million un euros"),
    ("1000200", "un million deux cents euros"),
    ("1001000", "un million mille euros"),
    ("1080000", "un million quatre-vingt mille euros"),
    ("2000000", "deux millions d'euros"),
    ("80000000", "quatre-vingts millions d'euros"),
    ("200000000", "deux cents millions d'euros"),
    ("1000000000", "un milliard d'euros"),
    ("1001000000", "un milliard un million d'euros"),
    ("1000000.01", "un million d'euros et un centime"),
    ("2000000.50", "deux millions d'euros et cinquante centimes"),
    ("1234567.89",
     "un million deux cent trente-quatre mille cinq cent soixante-sept euros et quatre-vingt-neuf centimes"),
    ("999999999.99",
     "neuf cent quatre-vingt-dix-neuf millions neuf cent quatre-vingt-dix-neuf mille neuf cent quatre-vingt-dix-neuf "
     "euros et quatre-vingt-dix-neuf centimes"),
    ("452318.50", "quatre cent cinquante-deux mille trois cent dix-huit euros et cinquante centimes"),
]  # fmt: skip


@pytest.mark.parametrize(("amount", "expected"), AMOUNTS)
def test_amount_in_words(amount, expected):
    assert amount_in_words(Decimal(amount)) == expected


def test_the_table_is_large_enough():
    assert len(AMOUNTS) >= 30


@pytest.mark.parametrize(
    ("number", "expected"),
    [(0, "zéro"), (1, "un"), (21, "vingt et un"), (80, "quatre-vingts"), (1000, "mille"),
     (300, "trois cents"), (300000, "trois cent mille"), (2000000, "deux millions")],
)  # fmt: skip
def test_number_in_words(number, expected):
    assert number_in_words(number) == expected


def test_amounts_are_rounded_to_the_cent():
    assert amount_in_words(Decimal("1.005")) == "un euro et un centime"
    assert amount_in_words(Decimal("10")) == amount_in_words(Decimal("10.00")) == "dix euros"


@pytest.mark.parametrize("bad", [Decimal("-1"), "abc", Decimal("NaN")])
def test_bad_amounts_are_refused(bad):
    with pytest.raises(ValueError):
        amount_in_words(bad)


def test_floats_are_refused():
    with pytest.raises(TypeError):
        amount_in_words(1.5)
    with pytest.raises(TypeError):
        number_in_words(1.5)
