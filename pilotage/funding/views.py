"""Funding pages. Every query starts from `visible_to(request.user)`; rules live in services and models."""

import json
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from pilotage.core.audit import history_entries
from pilotage.core.exports import AMOUNT, INTEGER, PERCENT, YEAR, Column, export_response
from pilotage.core.import_screen import ImportKindScreen, ImportScreen
from pilotage.core.params import year_param
from pilotage.documents.rendering import CONTENT_TYPES, document_download
from pilotage.funding import avenant, forms
from pilotage.funding.analysis import CATEGORIES, TOTAL, as_json
from pilotage.funding.lines import COLUMNS as LINE_COLUMNS
from pilotage.funding.models import Amendment, Convention, ConventionDocument, FundingCategory, FundingLine, Payment
from pilotage.funding.selectors import analysis_for, analysis_table, funders_view, funding_years, recent_totals
from pilotage.funding.services import (
    GuardrailExceeded,
    amendment_set_budget,
    amendment_sign,
    convention_save,
    funding_lines_import,
    payment_record,
)
from pilotage.reference.models import Department, FunderType, MissionLocale, Region

HOME = ("Financements", "funding:home")


def _crumbs(*items):
    return [(HOME[0], reverse(HOME[1])), *items]


def home(request):
    user = request.user
    years, rows = recent_totals(user)
    return render(
        request,
        "funding/home.html",
        {
            "years": years,
            "rows": rows,
            "conventions_count": Convention.objects.visible_to(user).count(),
            "can_import": user.has_perm("funding.import_fundingline"),
            "breadcrumbs": [(HOME[0], None)],
        },
    )


# Funding lines: list, export, import


def _filtered_lines(request):
    form = forms.LineFilterForm(request.GET or None, user=request.user)
    lines = FundingLine.objects.visible_to(request.user).select_related("mission_locale", "funder")
    if form.is_bound:
        if not form.is_valid():
            if "departement" in form.errors:
                raise Http404("Territoire inconnu.")
            return form, lines.none()
        data = form.cleaned_data
        if data["annee"]:
            lines = lines.filter(year=data["annee"])
        if data["financeur_type"]:
            lines = lines.filter(funder_type=data["financeur_type"])
        if data["departement"]:
            lines = lines.filter(mission_locale__in=MissionLocale.objects.for_department(data["departement"].code))
    return form, lines


def _ml_name(line) -> str:
    return line["mission_locale__usual_name"] or line["mission_locale__name"]


def _funder_name(line) -> str:
    """The funder's name, or its type's label for a national funder with no record (« France Travail »)."""
    return line["funder__name"] or FunderType(line["funder_type"]).label


def line_list(request):
    form, lines = _filtered_lines(request)
    page = Paginator(lines, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "funding/line_list.html",
        {
            "form": form,
            "page_obj": page,
            "total_amount": lines.aggregate(total=Sum("amount"))["total"],
            "querystring": query.urlencode(),
            "breadcrumbs": _crumbs(("Lignes de financement", None)),
        },
    )


#: the funding lines' export: the import format (funding-format.md) for machines, names beside codes for people
LINE_EXPORT = (
    Column("code_ml", "Code Mission Locale", "mission_locale__code"),
    Column("mission_locale", "Mission Locale", _ml_name, machines=False, width=40),
    Column("departement", "Département", "mission_locale__department__name", machines=False),
    Column("annee", "Année", "year", YEAR),
    Column("financeur_type", "Type de financeur", "funder_type", label=dict(FunderType.choices)),
    Column("financeur_code", "Code du financeur", "funder_code"),
    Column("financeur", "Financeur", _funder_name, machines=False, width=36),
    Column("categorie", "Catégorie", "category", label=dict(FundingCategory.choices)),
    Column("theme", "Thème", "theme"),
    Column("montant", "Montant (€)", "amount", AMOUNT),
)


def line_export(request, fmt):
    _, lines = _filtered_lines(request)
    items = lines.values(
        "mission_locale__code", "mission_locale__name", "mission_locale__usual_name",
        "mission_locale__department__name", "year", "funder_type", "funder_code", "funder__name", "category",
        "theme", "amount",
    ).iterator(chunk_size=2000)  # fmt: skip
    return export_response(request, columns=LINE_EXPORT, items=items, filename="lignes_financement", fmt=fmt,
                           title="Lignes de financement", stream=True)  # fmt: skip


def _run_import(path, filename, user, wet_run):
    return funding_lines_import(path_or_file=path, filename=filename, acting_user=user, wet_run=wet_run)


IMPORT_SCREEN = ImportScreen(
    title="Import des lignes de financement",
    kinds={"lignes": ImportKindScreen("lignes", "Lignes de financement", LINE_COLUMNS, _run_import)},
    allowed=lambda user: user.has_perm("funding.import_fundingline"),
    url_name="funding:import",
    confirm_url_name="funding:import_confirm",
    session_key="funding_import",
    intro="Une ligne par Mission Locale, année, financeur et catégorie. Une collectivité n'importe que ses "
    "propres lignes, pour les Missions Locales de son territoire ; les services de l'État, les lignes de l'État "
    "de leur territoire. Le « CSV technique » de la liste des lignes a exactement ces colonnes : il se réimporte.",
)


# The departmental analysis (seed 002, part 4)


def _analysis(request):
    """The analysis' parameters read by its form (invalid: the page shows why, the exports are a 404), then the
    analysis of what the user sees (`selectors.analysis_for`)."""
    this_year = timezone.localdate().year
    form = forms.AnalysisForm(
        request.GET or {"financeur_type": "departement", "debut": this_year - 4, "fin": this_year - 2}
    )
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    report = analysis_for(request.user, funder_type=data["financeur_type"], first_year=data["debut"],
                          last_year=data["fin"])  # fmt: skip
    return form, report


CATEGORY_LABELS = {**dict(FundingCategory.choices), TOTAL: "Total"}


def analysis(request):
    form, report = _analysis(request)
    context = {"form": form, "report": report, "breadcrumbs": _crumbs(("Analyse des financements", None))}
    if report:
        years = report["annees"]
        context["rows"] = [(CATEGORY_LABELS[name], report["categories"][name]) for name in (*CATEGORIES, TOTAL)]
        context["years"] = years
        context["chart"] = {
            "x": json.dumps([[str(y) for y in years]] * len(CATEGORIES)),
            "y": json.dumps([[float(report["categories"][c]["totaux"][y]) for y in years] for c in CATEGORIES]),
            "names": json.dumps([CATEGORY_LABELS[c] for c in CATEGORIES], ensure_ascii=False),
            "map": json.dumps({k: round(float(v)) for k, v in report["par_departement"].items()}),
            "national": round(float(sum(report["par_departement"].values()) / max(len(report["par_departement"]), 1))),
            "distribution_x": json.dumps([list(report["par_departement"].keys())]),
            "distribution_y": json.dumps([[round(float(v)) for v in report["par_departement"].values()]]),
        }
        context["funder_label"] = FunderType(report["financeur_type"]).label
        context["querystring"] = request.GET.urlencode()
    return render(request, "funding/analysis.html", context)


ANALYSIS_INDICATORS = {
    "total": ("Total", AMOUNT),
    "departements_sans_financement": ("Départements sans financement", INTEGER),
    "evolution_pct": ("Évolution sur la période", PERCENT),
    "moyenne_par_departement": ("Moyenne annuelle par département", AMOUNT),
    "mediane_par_departement": ("Médiane des moyennes annuelles par département", AMOUNT),
    "departements_stables": ("Départements au financement stable", INTEGER),
    "pic": ("Année du pic et son montant", AMOUNT),
    "part_dans_total_subventions_pct": ("Part dans le total des subventions", PERCENT),
    "moyenne_annuelle_departement": ("Moyenne annuelle du département", AMOUNT),
}
#: the analysis as a long table: one figure a row; for machines, the indicator's code holds the department's
ANALYSIS_EXPORT = (
    Column("financeur_type", "Type de financeur", "funder_type", label=dict(FunderType.choices), machines=False),
    Column("categorie", "Catégorie", "category", label=CATEGORY_LABELS),
    Column(
        "indicateur",
        "Indicateur",
        lambda row: row["indicator"] + (f"_{row['department']}" if row["department"] else ""),  # fmt: skip
        people=False,
    ),
    Column(
        "indicateur_libelle",
        "Indicateur",
        "indicator",
        label={k: v[0] for k, v in ANALYSIS_INDICATORS.items()},
        machines=False,
        width=40,
    ),  # fmt: skip
    Column("departement", "Code département", "department", machines=False),
    Column("departement_nom", "Département", "department_name", machines=False),
    Column("annee", "Année", "year", YEAR),
    Column("valeur", "Valeur", "value", lambda row: ANALYSIS_INDICATORS[row["indicator"]][1]),
)


def analysis_export(request, fmt):
    form, report = _analysis(request)
    if report is None:
        raise Http404("Paramètres d'analyse invalides.")
    if fmt == "json":
        data = as_json(report)
        response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="analyse_financements.json"'
        return response
    return export_response(request, columns=ANALYSIS_EXPORT, items=analysis_table(report),
                           filename="analyse_financements", fmt=fmt, title="Analyse des financements")  # fmt: skip


# Conventions, avenants, payments


def convention_list(request):
    conventions = Convention.objects.visible_to(request.user).select_related(
        "funder", "mission_locale", "regional_association"
    )
    return render(
        request,
        "funding/convention_list.html",
        {
            "conventions": conventions,
            "can_create": request.user.has_perm("funding.add_convention"),
            "breadcrumbs": _crumbs(("Conventions", None)),
        },
    )


def _visible_convention(request, pk):
    return get_object_or_404(Convention.objects.visible_to(request.user), pk=pk)


def convention_detail(request, pk):
    convention = _visible_convention(request, pk)
    amendments = convention.amendments.prefetch_related("budget_lines", "payments")
    return render(
        request,
        "funding/convention_detail.html",
        {
            "convention": convention,
            "amendments": amendments,
            "guardrail": convention.guardrail(),
            "can_edit": request.user.has_perm("funding.change_convention", convention),
            "document_form": forms.DocumentForm(),
            "history_entries": history_entries(convention),
            "breadcrumbs": _crumbs(("Conventions", reverse("funding:convention_list")), (str(convention), None)),
        },
    )


def convention_edit(request, pk=None):
    convention = _visible_convention(request, pk) if pk else None
    if convention and not request.user.has_perm("funding.change_convention", convention):
        raise Http404("Page introuvable.")
    if not convention and not request.user.has_perm("funding.add_convention"):
        raise Http404("Page introuvable.")
    form = forms.ConventionForm(request.POST or None, instance=convention, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            convention = convention_save(convention=convention, data=form.cleaned_data, acting_user=request.user)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "La convention a été enregistrée.")
            return redirect("funding:convention_detail", pk=convention.pk)
    title = f"Modifier : {convention}" if convention else "Nouvelle convention"
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": title,
            "breadcrumbs": _crumbs(("Conventions", reverse("funding:convention_list")), (title, None)),
        },  # fmt: skip
    )


def convention_document_add(request, pk):
    convention = _visible_convention(request, pk)
    if request.method != "POST" or not request.user.has_perm("funding.change_convention", convention):
        raise Http404("Page introuvable.")
    form = forms.DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        document = ConventionDocument(convention=convention, label=form.cleaned_data["label"],
                                      file=form.cleaned_data["file"], uploaded_by=request.user)  # fmt: skip
        document._history_user = request.user
        document.save()
        messages.success(request, "Le document a été ajouté.")
    else:
        messages.error(request, "Document refusé : " + " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("funding:convention_detail", pk=pk)


def convention_document(request, pk, document_pk):
    convention = _visible_convention(request, pk)
    document = get_object_or_404(convention.documents, pk=document_pk)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.file.name.rsplit("/", 1)[-1])


def amendment_edit(request, pk, amendment_pk=None):
    convention = _visible_convention(request, pk)
    if not request.user.has_perm("funding.change_convention", convention):
        raise Http404("Page introuvable.")
    amendment = get_object_or_404(convention.amendments, pk=amendment_pk) if amendment_pk else None
    instance = amendment or Amendment(convention=convention, number=convention.amendments.count() + 1,
                                      year=date.today().year)  # fmt: skip
    form = forms.AmendmentForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            amendment_set_budget(amendment=form.save(commit=False), amounts=form.amounts(), acting_user=request.user,
                                 justification=form.cleaned_data["guardrail_justification"])  # fmt: skip
        except GuardrailExceeded as exc:
            form.add_error("guardrail_justification", exc.messages)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, getattr(exc, "messages", [str(exc)]))
        else:
            messages.success(request, "L'avenant a été enregistré.")
            return redirect("funding:convention_detail", pk=convention.pk)
    title = f"Avenant n° {instance.number} ({instance.year})" if amendment else "Nouvel avenant"
    return render(
        request,
        "funding/amendment_form.html",
        {
            "form": form,
            "title": title,
            "convention": convention,
            "guardrail": convention.guardrail(),
            "breadcrumbs": _crumbs(
                ("Conventions", reverse("funding:convention_list")),
                (str(convention), reverse("funding:convention_detail", args=[pk])),
                (title, None),
            ),
        },  # fmt: skip
    )


def amendment_sign_view(request, pk, amendment_pk):
    convention = _visible_convention(request, pk)
    amendment = get_object_or_404(convention.amendments, pk=amendment_pk)
    form = forms.SignForm(request.POST or None)
    if request.method != "POST" or not request.user.has_perm("funding.change_convention", convention):
        raise Http404("Page introuvable.")
    if form.is_valid():
        try:
            amendment_sign(amendment=amendment, acting_user=request.user, signed_on=form.cleaned_data["signed_on"])
            messages.success(request, "L'avenant est signé : l'avance et le solde sont planifiés.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("funding:convention_detail", pk=pk)


def payment_record_view(request, pk, payment_pk):
    convention = _visible_convention(request, pk)
    payment = get_object_or_404(Payment.objects.filter(amendment__convention=convention), pk=payment_pk)
    if request.method != "POST" or not request.user.has_perm("funding.change_convention", convention):
        raise Http404("Page introuvable.")
    form = forms.PaymentForm(request.POST)
    if form.is_valid():
        try:
            payment_record(payment=payment, acting_user=request.user, paid_on=form.cleaned_data["paid_on"])
            messages.success(request, f"{payment.get_kind_display()} enregistré(e) comme versé(e).")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("funding:convention_detail", pk=pk)


# The funders' view of a territory (conférence des financeurs)


def conference(request, level, code):
    user = request.user
    if level == "departement":
        territory = get_object_or_404(Department.objects.visible_to(user), code=code)
        mls = MissionLocale.objects.visible_to(user).for_department(code)
    elif level == "region":
        territory = get_object_or_404(Region.objects.visible_to(user), code=code)
        mls = MissionLocale.objects.visible_to(user).for_region(code)
    else:
        raise Http404("Niveau inconnu.")
    mls = list(mls.active().order_by("name"))
    years = funding_years(user, mls)
    year = year_param(request, years[-1] if years else timezone.localdate().year)
    return render(
        request,
        "funding/conference.html",
        {
            "territory": territory,
            "level": level,
            # a council or municipality sees its own lines only (FundingLine.visible_to): say so, no shares
            "own_funder": user.funder if getattr(user, "funder_id", None) else None,
            "year": year,
            "years": years,
            **funders_view(user, mls, year),
            "breadcrumbs": _crumbs((f"Conférence des financeurs — {territory}", None)),
        },
    )


def amendment_document(request, pk, fmt):
    """The avenant of fiche 4 as DOCX (editable) or PDF, for whoever sees its CPO; out of territory, 404."""
    if fmt not in CONTENT_TYPES:
        raise Http404("Format inconnu.")
    amendment = get_object_or_404(
        Amendment.objects.visible_to(request.user).select_related("convention__mission_locale__department__region"),
        pk=pk,
        convention__mission_locale__isnull=False,
    )
    context = avenant.amendment_document_context(amendment)
    return document_download(avenant.KIND, fmt, context, avenant.file_name(amendment, fmt))
