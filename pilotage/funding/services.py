"""Writes on conventions, avenants, payments and funding lines. Each records who acted."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from pilotage.core import formatting
from pilotage.core.tabular import ImportReport, read_file_bytes
from pilotage.core.upsert import upsert
from pilotage.funding.lines import parse_funding_lines, validate_funding_rows
from pilotage.funding.models import (
    Amendment,
    BudgetLine,
    BudgetLineKind,
    Convention,
    ConventionStatus,
    FundingCategory,
    FundingLine,
    Payment,
    PaymentKind,
    PaymentStatus,
)
from pilotage.funding.models.conventions import AmendmentStatus
from pilotage.funding.perms import may_write_line
from pilotage.reference.models import Funder, FunderType, MissionLocale


def _money(value: Decimal) -> str:
    return formatting.amount(value, cents=True)


class GuardrailExceeded(ValidationError):
    pass


@transaction.atomic
def convention_save(*, convention: Convention | None = None, data: dict, acting_user) -> Convention:
    """Create (`convention` None) or change a convention with validated `data` {field: value}; `co_funders`, when
    given, is the full list. The user must be allowed to change it as it was (a change) and as it will be (its
    funder and beneficiary): nobody writes a convention outside their territory, even by a new one. The model's
    own rules (dates, kinds, beneficiary) are checked again here, whoever calls."""
    if convention is not None and convention.pk:
        stored = Convention.objects.get(pk=convention.pk)
        if not acting_user.has_perm("funding.change_convention", stored):
            raise PermissionDenied("Vous ne pouvez pas modifier cette convention.")
    elif not acting_user.has_perm("funding.add_convention"):
        raise PermissionDenied("Vous ne pouvez pas créer de convention.")
    convention = convention if convention is not None else Convention()
    data = dict(data)
    co_funders = data.pop("co_funders", None)
    for name, value in data.items():
        setattr(convention, name, value)
    if not acting_user.has_perm("funding.change_convention", convention):
        raise PermissionDenied(
            "Vous ne pouvez pas enregistrer cette convention : son financeur ou son bénéficiaire n'est pas de "
            "votre ressort."
        )
    convention.full_clean()
    convention._history_user = acting_user
    convention.save()
    if co_funders is not None:
        convention.co_funders.set(co_funders)
    return convention


@transaction.atomic
def amendment_set_budget(
    *, amendment: Amendment, amounts: dict[str, tuple[Decimal, str]], acting_user, justification: str = ""
) -> Amendment:
    """Set the budget lines {kind: (amount, Chorus commitment)} of an avenant, within the ±10 % guardrail.

    Beyond ±10 % of the subsidy planned at signature over the whole CPO, the change is refused unless the
    user may decide it (`funding.override_guardrail`) and writes a justification, kept on the avenant."""
    convention = amendment.convention
    if not acting_user.has_perm("funding.change_convention", convention):
        raise PermissionDenied("Vous ne pouvez pas modifier cet avenant.")
    if amendment.status == AmendmentStatus.SIGNED:
        raise ValidationError("Un avenant signé ne change plus : préparez un nouvel avenant.")
    new_total = sum((amount for amount, _ in amounts.values()), Decimal("0"))
    guardrail = convention.guardrail({amendment.year: new_total})
    justification = justification.strip()
    if guardrail and not guardrail["within"]:
        adjustment_pct = formatting.percent(guardrail["adjustment_pct"], 2, signed=True)
        message = (
            f"L'ajustement cumulé de la subvention de l'État sur la CPO serait de {adjustment_pct} "
            f"({formatting.amount(guardrail['adjustment'], cents=True, signed=True)}), au-delà de ±10 % de "
            f"{_money(guardrail['planned'])} prévus à la signature (entre {_money(guardrail['floor'])} et "
            f"{_money(guardrail['ceiling'])})."
        )
        if not acting_user.has_perm("funding.override_guardrail", convention):
            raise GuardrailExceeded(message + " Seuls la DGEFP ou la DREETS peuvent le décider.")
        if not justification:
            raise GuardrailExceeded(message + " Écrivez la justification de ce dépassement.")
    amendment.guardrail_justification = justification if guardrail and not guardrail["within"] else ""
    if amendment.pk is None or _changed(amendment):
        amendment._history_user = acting_user
        amendment.full_clean()
        amendment.save()
    existing = {line.kind: line for line in amendment.budget_lines.all()}
    for kind in BudgetLineKind.values:
        amount, chorus = amounts.get(kind, (None, ""))
        line = existing.get(kind)
        if amount is None or amount == 0:
            if line:
                line._history_user = acting_user
                line.delete()
            continue
        line = line or BudgetLine(amendment=amendment, kind=kind)
        if line.pk is None or (line.amount, line.chorus_commitment) != (amount, chorus):
            line.amount, line.chorus_commitment = amount, chorus
            line._history_user = acting_user
            line.full_clean(exclude=["amendment", "activity_code"])
            line.save()
    _plan_payments(amendment, acting_user)
    return amendment


def _changed(instance) -> bool:
    """Whether `instance` differs from its stored row (a form's changes, without an empty history record)."""
    fields = [f.attname for f in instance._meta.concrete_fields]
    stored = type(instance).objects.filter(pk=instance.pk).values(*fields).first()
    return stored is None or any(getattr(instance, name) != stored[name] for name in fields)


def _plan_payments(amendment: Amendment, acting_user) -> None:
    """Advance of at most 50 % after signature, balance after the accounts: re-planned until paid."""
    advance = amendment.max_advance()
    plan = {PaymentKind.ADVANCE: advance, PaymentKind.BALANCE: amendment.total - advance}
    for kind, amount in plan.items():
        payment = Payment.objects.filter(amendment=amendment, kind=kind).first()
        if payment and payment.status == PaymentStatus.PAID:
            continue
        upsert(Payment, lookup={"amendment": amendment, "kind": kind}, values={"amount": amount},
               history_user=acting_user)  # fmt: skip


STATE_LINE_CATEGORIES = {
    BudgetLineKind.SOCLE: (FundingCategory.FONCTIONNEMENT, ""),
    BudgetLineKind.PARRAINAGE: (FundingCategory.THEMATIQUE, "parrainage"),
    BudgetLineKind.FIPJ_DIRECT: (FundingCategory.THEMATIQUE, "fipj"),
    BudgetLineKind.FIPJ_INDIRECT: (FundingCategory.THEMATIQUE, "fipj"),
}


@transaction.atomic
def amendment_sign(*, amendment: Amendment, acting_user, signed_on: date) -> Amendment:
    """Sign the avenant: its payments are planned and its amounts become the State's funding lines of the
    year (no double entry between the avenant and the funding analysis)."""
    if not acting_user.has_perm("funding.change_convention", amendment.convention):
        raise PermissionDenied("Vous ne pouvez pas signer cet avenant.")
    if amendment.total <= 0:
        raise ValidationError("Un avenant sans montant ne se signe pas.")
    if amendment.convention.status != ConventionStatus.SIGNED:
        raise ValidationError("La CPO doit être signée avant son avenant.")
    amendment.status, amendment.signed_on = AmendmentStatus.SIGNED, signed_on
    amendment._history_user = acting_user
    amendment.full_clean()
    amendment.save()
    _plan_payments(amendment, acting_user)
    state = Funder.objects.filter(type=FunderType.ETAT).order_by("pk").first()
    totals: dict[tuple[str, str], Decimal] = {}
    for line in amendment.budget_lines.all():
        key = STATE_LINE_CATEGORIES[line.kind]
        totals[key] = totals.get(key, Decimal("0")) + line.amount
    for (category, theme), amount in totals.items():
        upsert(
            FundingLine,
            lookup={
                "mission_locale": amendment.convention.mission_locale,
                "year": amendment.year,
                "funder_type": FunderType.ETAT,
                "funder_code": "",
                "category": category,
                "theme": theme,
            },
            values={"amount": amount, "funder": state, "source": f"Avenant n° {amendment.number} ({amendment.year})"},
            history_user=acting_user,
            reason="Signature de l'avenant",
        )
    return amendment


@transaction.atomic
def payment_record(*, payment: Payment, acting_user, paid_on: date) -> Payment:
    """Mark a payment as made: the advance after signature (≤ 50 %), the balance after the accounts."""
    amendment = payment.amendment
    if not acting_user.has_perm("funding.change_convention", amendment.convention):
        raise PermissionDenied("Vous ne pouvez pas enregistrer ce versement.")
    if amendment.status != AmendmentStatus.SIGNED:
        raise ValidationError("Aucun versement avant la signature de l'avenant.")
    if payment.kind == PaymentKind.ADVANCE and payment.amount > amendment.max_advance():
        raise ValidationError(
            f"L'avance est limitée à 50 % de la subvention de l'année : {_money(amendment.max_advance())}."
        )
    if payment.kind == PaymentKind.BALANCE and not amendment.accounts_checked_on:
        raise ValidationError("Le solde est versé après l'examen des bilans financiers et comptables : "
                              "indiquez d'abord la date de cet examen.")  # fmt: skip
    payment.status, payment.paid_on = PaymentStatus.PAID, paid_on
    payment._history_user = acting_user
    payment.save()
    return payment


def funding_lines_import(
    *, path_or_file=None, rows=None, filename: str, acting_user, wet_run: bool = False
) -> ImportReport:
    """Import funding lines (funding-format.md), all or nothing, idempotent; each line checked against the
    user's rights (a council imports its own lines only). `rows` (`core.tabular.Row`s, e.g. the lines of an
    API push) instead of a file: the same checks and the same writes."""
    report = ImportReport(filename=filename, wet_run=wet_run)
    by_code = {ml.code: ml for ml in MissionLocale.objects.all()}
    by_code.update({ml.siret: ml for ml in by_code.copy().values() if ml.siret})
    funders = {}
    for funder in Funder.objects.all():
        funders.setdefault((funder.type, funder.code), funder)

    def check_funder(funder_type, code):
        if funder_type in {"region", "departement", "commune_epci"} and (funder_type, code) not in funders:
            return "financeur inconnu du référentiel (à créer d'abord dans les financeurs)."
        return None

    if rows is None:
        lines = parse_funding_lines(read_file_bytes(path_or_file), filename, report, resolve_mission_locale=by_code.get,
                                    check_funder=check_funder)  # fmt: skip
    else:
        lines = validate_funding_rows(rows, report, resolve_mission_locale=by_code.get, check_funder=check_funder)
    visible_ml_ids = set(MissionLocale.objects.visible_to(acting_user).values_list("pk", flat=True))
    for line in lines:
        funder = funders.get((line.funder_type, line.funder_code))
        reason = may_write_line(acting_user, mission_locale=line.mission_locale, funder_type=line.funder_type,
                                funder=funder, visible_ml_ids=visible_ml_ids)  # fmt: skip
        if reason and "Mission Locale" in reason:
            report.add(line.line, "code_ml", line.mission_locale.code, reason)
        elif reason:
            report.add(line.line, "financeur_type", line.funder_type, reason)
    if not report.ok:
        return report
    existing = {
        (fl.mission_locale_id, fl.year, fl.funder_type, fl.funder_code, fl.category, fl.theme): fl
        for fl in FundingLine.objects.filter(mission_locale__in={line.mission_locale for line in lines})
    }
    to_create, to_update = [], []
    for line in lines:
        current = existing.get(line.key)
        if current is None:
            to_create.append(
                FundingLine(
                    mission_locale=line.mission_locale,
                    year=line.year,
                    funder_type=line.funder_type,
                    funder_code=line.funder_code,
                    funder=funders.get((line.funder_type, line.funder_code)),
                    category=line.category,
                    theme=line.theme,
                    amount=line.amount,
                    source=filename,
                )  # fmt: skip
            )
        elif current.amount != line.amount:
            current.amount, current.source = line.amount, filename
            to_update.append(current)
        else:
            report.unchanged += 1
    report.created, report.updated = len(to_create), len(to_update)
    if wet_run:
        reason = f"Import {filename}"
        with transaction.atomic():
            bulk_create_with_history(to_create, FundingLine, batch_size=1000, default_user=acting_user,
                                     default_change_reason=reason)  # fmt: skip
            bulk_update_with_history(to_update, FundingLine, ["amount", "source"], batch_size=1000,
                                     default_user=acting_user, default_change_reason=reason)  # fmt: skip
        report.saved = True
    return report
