"""The State's yearly avenant to a CPO, as written in seed 004, annex 2, fiche 4 (« Modèle type d'avenant »).

`amendment_document_context` reads the avenant, its budget lines and payments and returns the strings the
templates print (amounts in figures and in words, formatted IBAN and SIRET, French dates); it writes nothing.
A value the data does not hold (APE code, a missing e-mail…) is printed as a dotted line to fill in the DOCX.
"""

from datetime import date
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.fr import siret as stdnum_siret

from pilotage.documents.registry import register_document
from pilotage.documents.rendering import french_date, money
from pilotage.funding.models import Amendment, BudgetLine, Convention, Payment
from pilotage.funding.models.conventions import ACTIVITY_CODES, ADVANCE_SHARE
from pilotage.reference.models import Department, MissionLocale, Region, StateService

KIND = "avenant_cpo"
DOCX_DEFAULT = Path(__file__).resolve().parent / "templates_docx" / "avenant_cpo.docx"
HTML_DEFAULT = "funding/avenant_cpo.html"
BLANK = "…………………………"

#: labels of the programme 102 imputation (fiche 4); another code is printed alone
IMPUTATION_LABELS = {
    "programme": {"102": "Accès et retour à l'emploi"},
    "action": {
        "02": "Amélioration des dispositifs en faveur de l'emploi des personnes les plus éloignées du marché du travail"
    },  # fmt: skip
    "sub_action": {"02": "Accompagnement des publics les plus en difficulté"},
}

#: the activity of each budget line, as fiche 4 names it
ACTIVITY_LABELS = {
    "socle": "missions locales",
    "parrainage": "action de parrainage",
    "fipj_direct": "action de FIPJ — aides directes aux jeunes",
    "fipj_indirect": "action de FIPJ — aides indirectes",
}

LEGAL_FORM_LABELS = {"association": "Association loi 1901", "gip": "Groupement d'intérêt public (GIP)"}

#: the chef-lieu of each region (INSEE code): where the préfet de région signs
REGION_SEATS = {
    "01": "Basse-Terre", "02": "Fort-de-France", "03": "Cayenne", "04": "Saint-Denis", "06": "Mamoudzou",
    "11": "Paris", "24": "Orléans", "27": "Dijon", "28": "Rouen", "32": "Lille", "44": "Strasbourg",
    "52": "Nantes", "53": "Rennes", "75": "Bordeaux", "76": "Toulouse", "84": "Lyon", "93": "Marseille",
    "94": "Ajaccio",
}  # fmt: skip


def max_advance(total: Decimal) -> Decimal:
    """At most 50 % of the year's contribution, rounded down to the cent (as `Amendment.max_advance`)."""
    return (total * ADVANCE_SHARE).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def _or_blank(value) -> str:
    return str(value) if value not in (None, "") else BLANK


def format_siret(siret: str | None) -> str:
    """« 12345678900012 » → « 123 456 789 00012 » (SIREN by threes, then the establishment number)."""
    if not siret:
        return BLANK
    if len(siret) != 14:
        return siret
    return stdnum_siret.format(siret)


def bank_details(iban: str, bic: str, bank_name: str, holder: str) -> dict:
    """The account the payments go to. The IBAN is validated again (schwifty); an invalid or missing one is
    printed « à compléter » and flagged, never printed as if it were right."""
    details = {"holder": holder, "bank_name": _or_blank(bank_name), "bic": bic or BLANK, "iban": "(à compléter)",
               "iban_valid": False, "bank_code": BLANK, "branch_code": BLANK, "account_code": BLANK,
               "rib_key": BLANK}  # fmt: skip
    if not iban:
        return details
    try:
        parsed = IBAN(iban, validate_bban=True)
    except SchwiftyException:
        details["iban"] = f"{iban} (IBAN invalide, à corriger)"
        return details
    details.update(iban=parsed.formatted, iban_valid=True)
    if parsed.country_code == "FR":  # the RIB table of fiche 4
        details.update(bank_code=parsed.bank_code, branch_code=parsed.branch_code,
                       account_code=parsed.account_code, rib_key=parsed.bban[-2:])  # fmt: skip
    if not bic:
        try:
            details["bic"] = str(parsed.bic) if parsed.bic else BLANK
        except SchwiftyException:
            details["bic"] = BLANK
    return details


def build_context(amendment, *, lines, payments: dict, state_service_name: str = "") -> dict:
    """The context of the avenant from objects already read (`lines`: BudgetLine list, `payments`: {kind:
    Payment}); no query, so that a sample context can be built from unsaved objects."""
    convention = amendment.convention
    ml = convention.mission_locale
    region = ml.department.region
    lines = sorted(lines, key=lambda line: list(ACTIVITY_LABELS).index(line.kind))
    by_kind = {line.kind: line.amount for line in lines}
    total = sum((line.amount for line in lines), Decimal("0"))
    fipj = by_kind.get("fipj_direct", Decimal("0")) + by_kind.get("fipj_indirect", Decimal("0"))
    advance = payments["advance"].amount if "advance" in payments else max_advance(total)
    balance = payments["balance"].amount if "balance" in payments else total - advance
    city_line = " ".join(part for part in (ml.postcode, ml.city) if part)
    address = ", ".join(part for part in (ml.address, city_line) if part)
    prefect = f"le Préfet de la région {region.name}"
    return {
        "kind": KIND,
        "year": amendment.year,
        "number": amendment.number,
        "status": amendment.get_status_display(),
        "is_signed": amendment.status == "signed",
        "state": {
            "ministry": "Ministère chargé du travail et de l'emploi",
            "service": state_service_name or f"DREETS {region.name}",
            "service_long": "Direction régionale de l'économie, de l'emploi, du travail et des solidarités "
            f"(DREETS) {region.name}",
            "region": region.name,
            "prefect": prefect,
            "prefect_title": prefect[0].upper() + prefect[1:],
            "represented_by": "la directrice ou le directeur régional de l'économie, de l'emploi, du travail et des "
            "solidarités (DREETS)",
        },
        "ml": {
            "name": ml.name,
            "usual_name": ml.display_name,
            "code": ml.code,
            "address": address or BLANK,
            "email": _or_blank(ml.email),
            "phone": _or_blank(ml.phone),
            "legal_form": LEGAL_FORM_LABELS.get(ml.legal_form, BLANK),
            "is_gip": ml.legal_form == "gip",
            "designation": "le GIP" if ml.legal_form == "gip" else "l'association",
            "designated": "désigné" if ml.legal_form == "gip" else "désignée",
            "siret": format_siret(ml.siret),
            "ape": BLANK,  # not held by the platform: completed by hand
            "president": _or_blank(ml.president),
            "signatory_quality": "Présidente ou président" + (" du GIP" if ml.legal_form == "gip" else ""),
        },
        "convention": {
            "reference": _or_blank(convention.reference),
            "title": convention.title,
            "signed_on": french_date(convention.signed_on) if convention.signed_on else BLANK,
            "period": f"{convention.start_date.year}-{convention.end_date.year}",
            "start": french_date(convention.start_date),
            "end": french_date(convention.end_date),
        },
        "imputation": {
            "mission": "Travail et emploi",
            "programme": amendment.programme,
            "programme_label": IMPUTATION_LABELS["programme"].get(amendment.programme, ""),
            "action": amendment.action,
            "action_label": IMPUTATION_LABELS["action"].get(amendment.action, ""),
            "sub_action": amendment.sub_action,
            "sub_action_label": IMPUTATION_LABELS["sub_action"].get(amendment.sub_action, ""),
            "functional_domain": amendment.functional_domain,
        },
        "lines": [
            {
                "kind": line.kind,
                "label": line.get_kind_display(),
                "activity_label": ACTIVITY_LABELS[line.kind],
                "activity_code": line.activity_code,
                "chorus": line.chorus_commitment or BLANK,
                "amount": money(line.amount),
            }
            for line in lines
        ],
        "total": money(total),
        "socle": money(by_kind.get("socle", Decimal("0"))),
        "parrainage": money(by_kind.get("parrainage", Decimal("0"))),
        "fipj": money(fipj),
        "fipj_direct": money(by_kind.get("fipj_direct", Decimal("0"))),
        "fipj_indirect": money(by_kind.get("fipj_indirect", Decimal("0"))),
        "has_complements": bool(by_kind.get("parrainage") or fipj),
        "advance": money(advance),
        "balance": money(balance),
        "bank": bank_details(amendment.iban, amendment.bic, amendment.bank_name, ml.name),
        "authorising_officer": prefect,
        "accountant": f"la directrice ou le directeur régional des finances publiques de la région {region.name}",
        "effective_from": french_date(date(amendment.year, 1, 1)),
        "effective_until": french_date(date(amendment.year, 12, 31)),
        "place": REGION_SEATS.get(region.code, BLANK),
        "signed_on": french_date(amendment.signed_on) if amendment.signed_on else BLANK,
        "justification": amendment.guardrail_justification,
    }


def amendment_document_context(amendment) -> dict:
    """Everything the avenant prints, read from the database (no write)."""
    region = amendment.convention.mission_locale.department.region
    service = StateService.objects.filter(region=region).first()
    return build_context(
        amendment,
        lines=list(amendment.budget_lines.all()),
        payments={payment.kind: payment for payment in amendment.payments.all()},
        state_service_name=service.name if service else "",
    )


def sample_context() -> dict:
    """A realistic avenant built from unsaved objects: the check of an uploaded template renders it."""
    region = Region(code="93", name="Provence-Alpes-Côte d'Azur")
    department = Department(code="13", name="Bouches-du-Rhône", region=region)
    ml = MissionLocale(
        code="13201S00",
        name="Mission Locale d'exemple",
        siret="99900001800013",
        legal_form="association",
        department=department,
        address="1 rue de l'Exemple",
        postcode="13001",
        city="Marseille",
        email="contact@exemple.org",
        phone="04 00 00 00 00",
        president="Dominique Exemple",
    )
    convention = Convention(
        kind="cpo",
        reference="CPO-2024-13-001",
        title="CPO 2024-2027",
        mission_locale=ml,
        start_date=date(2024, 1, 1),
        end_date=date(2027, 12, 31),
        signed_on=date(2024, 2, 1),
    )
    amendment = Amendment(
        convention=convention, number=2, year=2025, iban="FR7630006000011234567890189", bic="AGRIFRPPXXX"
    )
    amounts = [("socle", "480000"), ("parrainage", "15000"), ("fipj_direct", "20000.50"), ("fipj_indirect", "5000")]
    lines = [
        BudgetLine(kind=kind, activity_code=ACTIVITY_CODES[kind], chorus_commitment=f"210000000{i}", amount=Decimal(a))
        for i, (kind, a) in enumerate(amounts, start=1)
    ]
    payments = {"advance": Payment(kind="advance", amount=max_advance(sum(line.amount for line in lines)))}
    return build_context(amendment, lines=lines, payments=payments, state_service_name="DREETS d'exemple")


def register() -> None:
    register_document(KIND, label="Avenant annuel à la CPO (fiche 4)", docx_default=DOCX_DEFAULT,
                      html_default=HTML_DEFAULT, sample_context=sample_context)  # fmt: skip


def file_name(amendment, extension: str) -> str:
    """« avenant-2025-ML-13201S00.docx »"""
    return f"avenant-{amendment.year}-ML-{amendment.convention.mission_locale.code}.{extension}"
