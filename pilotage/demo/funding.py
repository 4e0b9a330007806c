"""Demo funding: five years of deterministic funding lines for the whole network, and the CPO of the story's
Mission Locale with its avenants. Loaded through the same import and services as real data."""

import io
from datetime import date
from decimal import Decimal

from pilotage.accounts.models import User
from pilotage.demo.demo import STORY_MISSION_LOCALE, _hash
from pilotage.funding.models import Amendment, Convention, ConventionKind, ConventionStatus
from pilotage.funding.models.conventions import AmendmentStatus
from pilotage.funding.services import amendment_set_budget, amendment_sign, funding_lines_import
from pilotage.reference.models import Funder, FunderType, MissionLocale

YEARS = range(2020, 2025)
SIGNED_AVENANT_YEARS = (2023, 2024)
HEADER = "code_ml;annee;financeur_type;financeur_code;categorie;theme;montant"
DEMO_IBAN = "FR7630006000011234567890189"  # a valid example IBAN (Crédit Agricole's documentation sample)


def _amount(seed: str, low: int, high: int) -> int:
    return low + _hash(seed) % (high - low)


def funding_csv() -> bytes:
    """Per ML and year: State, region, department (some departments give nothing), EU, France Travail."""
    rows = [HEADER]
    epcis = {}
    for funder in Funder.objects.filter(type=FunderType.COMMUNE_EPCI).prefetch_related("missions_locales"):
        for ml in funder.missions_locales.all():
            epcis.setdefault(ml.pk, []).append(funder.code)
    for ml in MissionLocale.objects.active().select_related("department").order_by("code"):
        dep, reg = ml.department_id, ml.department.region_id
        size = _amount(f"size-{ml.code}", 6, 30)  # 600 k€ to 3 M€ of State money
        department_gives = _hash(f"cd-{dep}") % 6 != 0  # about one department in six gives no operating subsidy
        for year in YEARS:
            growth = 100 + (year - 2020) * _amount(f"growth-{ml.code}", 0, 8)
            state = size * 100_000 * growth // 100
            if not (ml.code == STORY_MISSION_LOCALE and year in SIGNED_AVENANT_YEARS):  # the avenant says it
                rows.append(f"{ml.code};{year};etat;;fonctionnement;;{state}")
            rows.append(
                f"{ml.code};{year};region;{reg};fonctionnement;;{state * _amount(f'r-{ml.code}', 20, 45) // 100}"
            )
            if department_gives:
                rows.append(f"{ml.code};{year};departement;{dep};fonctionnement;;"
                            f"{_amount(f'cd-{ml.code}', 20, 160) * 1000 * growth // 100}")  # fmt: skip
            if _hash(f"faj-{ml.code}-{year}") % 3:
                rows.append(
                    f"{ml.code};{year};departement;{dep};thematique;faj;"
                    f"{_amount(f'faj-{ml.code}-{year}', 5, 60) * 1000}"
                )
            if _hash(f"cn-{dep}") % 4 == 0:
                rows.append(
                    f"{ml.code};{year};departement;{dep};convention_nationale;;{_amount(f'cn-{ml.code}', 4, 90) * 1000}"
                )
            rows.append(f"{ml.code};{year};fse;;autre;fse;{_amount(f'fse-{ml.code}-{year}', 0, 200) * 1000}")
            rows.append(f"{ml.code};{year};france_travail;;autre;;{_amount(f'ft-{ml.code}', 30, 150) * 1000}")
            for siren in epcis.get(ml.pk, []):
                rows.append(
                    f"{ml.code};{year};commune_epci;{siren};fonctionnement;;"
                    f"{_amount(f'e-{siren}-{ml.code}', 50, 400) * 1000}"
                )
    return ("\n".join(rows) + "\n").encode("utf-8")


def _story_cpo(admin):
    ml = MissionLocale.objects.get(code=STORY_MISSION_LOCALE)
    state = Funder.objects.get(type=FunderType.ETAT)
    cpo, _ = Convention.objects.get_or_create(
        kind=ConventionKind.CPO,
        mission_locale=ml,
        start_date=date(2023, 1, 1),
        defaults={
            "title": f"CPO 2023-2026 — {ml}",
            "reference": "CPO-13-2023-001",
            "funder": state,
            "end_date": date(2026, 12, 31),
            "status": ConventionStatus.SIGNED,
            "signed_on": date(2023, 3, 15),
            "planned_annual_amount": Decimal("2400000.00"),
        },
    )
    plans = {
        2023: ("2350000", "40000", "60000"),
        2024: ("2420000", "45000", "65000"),
        2025: ("2480000", "45000", "70000"),
    }
    for number, (year, (socle, parrainage, fipj)) in enumerate(plans.items(), start=1):
        amendment = Amendment.objects.filter(convention=cpo, year=year).first()
        if amendment and amendment.status == AmendmentStatus.SIGNED:
            continue
        amendment = amendment or Amendment(convention=cpo, year=year, number=number, iban=DEMO_IBAN,
                                           bank_name="Banque de démonstration")  # fmt: skip
        amounts = {
            "socle": (Decimal(socle), f"21{year}{number:06d}"[:10]),
            "parrainage": (Decimal(parrainage), ""),
            "fipj_direct": (Decimal(fipj), ""),
        }
        amendment_set_budget(amendment=amendment, amounts=amounts, acting_user=admin)
        if year < 2025:
            amendment_sign(amendment=amendment, acting_user=admin, signed_on=date(year, 3, 1))
    council = Funder.objects.get(type=FunderType.DEPARTEMENT, code=ml.department_id)
    Convention.objects.get_or_create(
        kind=ConventionKind.ANNUAL, mission_locale=ml, funder=council, start_date=date(2025, 1, 1),
        defaults={"title": f"Fonds d'aide aux jeunes 2025 — {ml}", "theme": "faj", "end_date": date(2025, 12, 31),
                  "status": ConventionStatus.SIGNED, "signed_on": date(2025, 2, 10)},
    )  # fmt: skip


def demo_funding_load():
    admin = User.objects.get(email="dgefp@demo.pilotage.fr")
    report = funding_lines_import(
        path_or_file=io.BytesIO(funding_csv()), filename="financements_demo.csv", acting_user=admin, wet_run=True
    )
    _story_cpo(admin)
    return report
