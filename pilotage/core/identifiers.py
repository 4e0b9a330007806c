"""Make valid French identifiers for demo and test data (never real ones: the prefixes are fictitious)."""

from stdnum import luhn


def luhn_complete(digits: str) -> str:
    """Append the Luhn check digit, as SIREN and SIRET numbers do."""
    return digits + luhn.calc_check_digit(digits)


def fake_siren(number: int) -> str:
    """A valid SIREN starting with 999, a range the INSEE has not allocated (demo data only)."""
    return luhn_complete(f"999{number:05d}")


def fake_siret(number: int, establishment: int = 1) -> str:
    """A valid SIRET of `fake_siren(number)`: the SIREN followed by a 5-digit establishment number.

    The Luhn key is over all 14 digits, so the establishment number's last digit is adjusted.
    """
    siren = fake_siren(number)
    return luhn_complete(f"{siren}{establishment:04d}")
