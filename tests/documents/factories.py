"""An avenant of fiche 4 with tricky amounts, written through the funding services like the real ones."""

from datetime import date
from decimal import Decimal

from pilotage.core.roles import Role
from pilotage.funding.models import Amendment
from pilotage.funding.services import amendment_set_budget, amendment_sign
from tests.factories import cpo_for, user_for_role

AMOUNTS = {
    "socle": (Decimal("480080.00"), "2100000001"),
    "parrainage": (Decimal("15200.00"), "2100000002"),
    "fipj_direct": (Decimal("21000.51"), "2100000003"),
    "fipj_indirect": (Decimal("1000.00"), "2100000004"),
}
IBAN = "FR7630006000011234567890189"


def signed_amendment(ml, *, year=2025, number=2, sign=True) -> Amendment:
    """The avenant of `year` to a CPO 2024-2027 of `ml` (planned 500 000 € a year), signed on 14 March."""
    ml.president, ml.address, ml.postcode = "Dominique Exemple", "12 rue de la République", "13001"
    ml.city, ml.email, ml.phone = "Marseille", "contact@ml-exemple.fr", "04 91 00 00 00"
    ml.save()
    cpo = cpo_for(ml, start="2024-01-01", planned="500000.00")
    cpo.reference = "CPO-2024-13-001"
    cpo.save()
    dreets = user_for_role(Role.REGIONAL_STATE, department_code=ml.department_id)
    amendment = Amendment(convention=cpo, number=number, year=year, iban=IBAN, bic="AGRIFRPPXXX",
                          bank_name="Banque de test, Marseille")  # fmt: skip
    amendment_set_budget(amendment=amendment, amounts=AMOUNTS, acting_user=dreets)
    if sign:
        amendment_sign(amendment=amendment, acting_user=dreets, signed_on=date(year, 3, 14))
    return amendment
