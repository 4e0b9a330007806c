"""A password validator that refuses what an attacker tries first, each refusal with what to do instead.

Django's validators (length, common passwords, similarity to the account, all digits) run first. This one adds:
- one character or a short motif repeated (`aaaaaaaaaaaa`, `abcabcabcabc`);
- the demo password (published in the README, `DEMO_PASSWORD`) and its variants (`Demo-Pilotage-2027!`);
- the platform's name (`Pilotage2026!`, `MissionLocale13`);
- the user's organisation (`Mission Locale de Marseille` → `Marseille…`);
- a French place (city, department, region) with a year or a few digits (`Marseille2026`, `Provence13!`);
- finally, a guess estimate by zxcvbn (Dropbox's estimator, maintained as the `zxcvbn` package) with those
  names as known words: a score under `min_score` (0–4; 3: « safely unguessable », about 10¹⁰ guesses) is
  refused.

A name counts only when what is left once it is removed is itself weak: `pilotage-girafe-boussole-tonnerre`
is accepted, `Pilotage2026!` is not. Names are compared without case, accents, separators, and with the
common substitutions (`0`→`o`, `@`→`a`…), so `P1l0tage` is `pilotage`.
"""

import json
import os
import re
import unicodedata
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from zxcvbn import zxcvbn

DATA = Path(__file__).resolve().parent / "data"
REFERENCE_DATA = Path(__file__).resolve().parents[1] / "reference" / "data"
#: zxcvbn refuses longer inputs; a passphrase longer than this is judged on its beginning
ZXCVBN_MAX_LENGTH = 72
#: the password of the demo accounts, published in the README: refused for any real account
DEFAULT_PASSWORD = "demo-pilotage-2026"
LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "€": "e"})
PLATFORM_NAMES = ("pilotagemissionslocales", "pilotage", "missionslocales", "missionlocale", "dgefp")
#: names shorter than this are not searched (too many ordinary words contain « var » or « ain »)
MIN_NAME_LENGTH = 4

ADVICE = (
    "Choisissez plutôt une phrase de passe : quatre ou cinq mots sans lien entre eux, séparés par des tirets "
    "(par exemple « girafe-boussole-parapluie-tonnerre », à ne pas reprendre)."
)
MESSAGES = {
    "repeated": "Ce mot de passe répète un même caractère ou un même motif (« aaaa », « abcabc »). " + ADVICE,
    "demo": "Ce mot de passe est celui, publié, des comptes de démonstration, ou une de ses variantes : il est "
    "connu de tous. " + ADVICE,
    "platform": "Ce mot de passe repose sur le nom de la plateforme (« Pilotage », « Mission Locale ») complété "
    "de chiffres ou de symboles : c'est l'un des premiers essayés. " + ADVICE,
    "organisation": "Ce mot de passe repose sur le nom de votre organisation : c'est l'un des premiers essayés. "
    + ADVICE,
    "place": "Ce mot de passe est un nom de ville, de département ou de région suivi d'une année ou de chiffres "
    "(comme « Marseille2026 ») : c'est l'un des premiers essayés. " + ADVICE,
    "weak": "Ce mot de passe est trop facile à deviner (mot courant, suite du clavier, date, prénom…). " + ADVICE,
}


def fold(text: str, *, leet: bool = False) -> tuple[str, list[int]]:
    """`text` lower-cased, without accents nor anything but letters and digits (and with the substitutions if
    `leet`), with, for each kept character, its index in `text`."""
    kept, positions = [], []
    for index, char in enumerate(text):
        if leet:
            char = char.translate(LEET)
        base = unicodedata.normalize("NFKD", char.lower())
        base = "".join(c for c in base if not unicodedata.combining(c))
        for c in base:
            if c.isascii() and c.isalnum():
                kept.append(c)
                positions.append(index)
    return "".join(kept), positions


def folded(text: str) -> str:
    return fold(text)[0]


@cache
def place_names() -> frozenset[str]:
    names = [line.strip() for line in (DATA / "cities.txt").read_text(encoding="utf-8").splitlines()]
    names = [name for name in names if name and not name.startswith("#")]
    departments = json.loads((REFERENCE_DATA / "departements.json").read_text(encoding="utf-8"))["departements"]
    regions = json.loads((REFERENCE_DATA / "regions.json").read_text(encoding="utf-8"))["regions"]
    names += [row["nom"] for row in departments + regions]
    return frozenset(f for f in map(folded, names) if len(f) >= MIN_NAME_LENGTH)


def demo_password() -> str:
    """The demo accounts' password: `settings.DEMO_PASSWORD`, else the `DEMO_PASSWORD` environment variable,
    else `DEFAULT_PASSWORD`."""
    return getattr(settings, "DEMO_PASSWORD", "") or os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD


def demo_names() -> frozenset[str]:
    return frozenset({folded(DEFAULT_PASSWORD), folded(demo_password()), "demopilotage", "pilotagedemo", "demo"})


def organisation_names(user) -> frozenset[str]:
    organisation = getattr(user, "organisation", None) if user is not None else None
    if organisation is None:
        return frozenset()
    names = {str(organisation)} | {getattr(organisation, f, "") or "" for f in ("acronym", "usual_name", "city")}
    words = {word for name in names for word in re.split(r"[\s'’\-/()]+", name) if len(folded(word)) >= 5}
    return frozenset(f for f in map(folded, names | words) if len(f) >= MIN_NAME_LENGTH)


def strength(password: str, user_inputs=()) -> int:
    """zxcvbn's score, 0 (guessed in under a thousand tries) to 4 (over 10¹⁰)."""
    if not password:
        return 0
    return zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=list(user_inputs))["score"]


def _without_names(password: str, names: frozenset[str]) -> str | None:
    """The password without every name of `names` it contains (longest first), or None if it contains none."""
    found = False
    remainder = password
    for leet in (False, True):
        while True:
            text, positions = fold(remainder, leet=leet)
            match = next((name for name in sorted(names, key=len, reverse=True) if name in text), None)
            if match is None:
                break
            start = text.index(match)
            first, last = positions[start], positions[start + len(match) - 1]
            remainder = remainder[:first] + remainder[last + 1 :]
            found = True
    return remainder if found else None


def is_repeated(password: str) -> bool:
    lowered = password.lower()
    return len(set(lowered)) <= 2 or re.fullmatch(r"(.{1,4}?)\1+", lowered) is not None


class PasswordStrengthValidator:
    """See the module's docstring. `min_score`: zxcvbn's minimum score (settings: PASSWORD_MIN_STRENGTH)."""

    def __init__(self, min_score: int = 3):
        self.min_score = min_score

    def refusal(self, password: str, user=None) -> str | None:
        """The key of the first reason to refuse the password (see MESSAGES), or None."""
        if is_repeated(password):
            return "repeated"
        categories = [
            ("demo", demo_names()),
            ("platform", frozenset(PLATFORM_NAMES)),
            ("organisation", organisation_names(user)),
            ("place", place_names()),
        ]
        for key, names in categories:
            remainder = _without_names(password, names)
            if remainder is not None and strength(remainder) < self.min_score:
                return key
        known = [*PLATFORM_NAMES, *demo_names(), *organisation_names(user)]
        if user is not None:
            known += [getattr(user, f, "") or "" for f in ("email", "first_name", "last_name")]
        if strength(password, known) < self.min_score:
            return "weak"
        return None

    def validate(self, password: str, user=None) -> None:
        key = self.refusal(password, user)
        if key is not None:
            raise ValidationError(MESSAGES[key], code=f"password_{key}")

    def get_help_text(self) -> str:
        return (
            "Votre mot de passe ne doit pas reposer sur le nom de la plateforme, de votre organisation ou d'un "
            "lieu suivi d'une année, ni répéter un motif. " + ADVICE
        )
