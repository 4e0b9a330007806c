"""Pages of the territories and organisations. Every query goes through `visible_to(request.user)`."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from pilotage.core.audit import history_entries
from pilotage.core.exports import YES_NO, Column, export_response
from pilotage.core.params import choice_param
from pilotage.reference.forms import MissionLocaleFilterForm, MissionLocaleForm
from pilotage.reference.models import (
    Department,
    Funder,
    FunderType,
    LegalForm,
    MissionLocale,
    Region,
    RegionalAssociation,
    StateService,
)
from pilotage.reference.services import mission_locale_editable_fields, mission_locale_update

TERRITORIES = ("Territoires", "reference:territory")


def territory(request):
    user = request.user
    regions = Region.objects.visible_to(user).annotate(
        departments_count=Count("departments", distinct=True),
    )
    active = MissionLocale.objects.visible_to(user).active()
    ml_by_region = dict(
        active.values_list("department__region").annotate(n=Count("pk")).values_list("department__region", "n")
    )
    rows = [(region, region.departments_count, ml_by_region.get(region.code, 0)) for region in regions]
    return render(
        request,
        "reference/territory.html",
        {
            "is_national": user.scope.everything,
            "region_rows": rows,
            "departments": Department.objects.visible_to(user).select_related("region"),
            # Users who see single Missions Locales (their own, a municipality's) get them listed here.
            "own_missions_locales": active if not (user.scope.everything or user.scope.department_codes) else None,
            "missions_locales_count": active.count(),
            "breadcrumbs": [("Territoires", None)],
        },
    )


def region_detail(request, code):
    region = get_object_or_404(Region.objects.visible_to(request.user), code=code)
    mls = MissionLocale.objects.visible_to(request.user).for_region(code).select_related("department")
    ml_counts = dict(mls.active().values_list("department").annotate(n=Count("pk")).values_list("department", "n"))
    departments = [(d, ml_counts.get(d.code, 0)) for d in region.departments.all()]
    return render(
        request,
        "reference/region_detail.html",
        {
            "region": region,
            "department_rows": departments,
            "missions_locales": mls,
            "active_count": mls.active().count(),
            "regional_association": RegionalAssociation.objects.visible_to(request.user).filter(region=region).first(),
            "state_service": StateService.objects.visible_to(request.user).filter(region=region).first(),
            "council": Funder.objects.visible_to(request.user).filter(type=FunderType.REGION, region=region).first(),
            "breadcrumbs": [(TERRITORIES[0], reverse(TERRITORIES[1])), (region.name, None)],
        },
    )


def department_detail(request, code):
    department = get_object_or_404(Department.objects.visible_to(request.user).select_related("region"), code=code)
    user = request.user
    mls = MissionLocale.objects.visible_to(user).for_department(code).select_related("department")
    region_visible = Region.objects.visible_to(user).filter(code=department.region_id).exists()
    crumbs = [(TERRITORIES[0], reverse(TERRITORIES[1]))]
    if region_visible:
        crumbs.append((department.region.name, reverse("reference:region_detail", args=[department.region_id])))
    crumbs.append((department.name, None))
    return render(
        request,
        "reference/department_detail.html",
        {
            "department": department,
            "region_visible": region_visible,
            "missions_locales": mls,
            "active_count": mls.active().count(),
            "state_service": StateService.objects.visible_to(user).filter(department=department).first(),
            "council": Funder.objects.visible_to(user)
            .filter(type=FunderType.DEPARTEMENT, department=department)
            .first(),
            "local_funders": Funder.objects.visible_to(user).filter(
                type=FunderType.COMMUNE_EPCI, department=department
            ),
            "regional_association": RegionalAssociation.objects.visible_to(user)
            .filter(region_id=department.region_id)
            .first(),
            "breadcrumbs": crumbs,
        },
    )


def _filtered_missions_locales(request):
    """The Missions Locales the user sees, filtered by the query string.

    A region or department outside the user's territory is a 404, not an empty list: its existence in the
    filter must not be confirmed either way.
    """
    form = MissionLocaleFilterForm(request.GET or None, user=request.user)
    mls = MissionLocale.objects.visible_to(request.user).select_related("department__region")
    if form.is_bound:
        if not form.is_valid():
            if {"region", "departement"} & set(form.errors):
                raise Http404("Territoire inconnu.")
            return form, mls.none()
        data = form.cleaned_data
        if data["q"]:
            mls = mls.search(data["q"])
        if data["region"]:
            mls = mls.for_region(data["region"].code)
        if data["departement"]:
            mls = mls.for_department(data["departement"].code)
        if data["actif"]:
            mls = mls.filter(is_active=data["actif"] == "1")
    return form, mls


#: the list's orders (`?tri=`), in the order of the table's headers: the header, and the fields that sort it; a
#: leading "-" reverses it
ML_LIST_ORDERS = {
    "nom": ("Mission Locale", (Lower(Coalesce(NullIf("usual_name", Value("")), "name")), "code")),
    "code": ("Code structure", ("code",)),
    "departement": ("Département", ("department_id", "name", "code")),
}


def _ml_list_sorting(request, filters: str) -> tuple[list, dict]:
    """The list's order (`?tri=`, by department by default; an unknown value is a French 400): the ORDER BY
    fields and the headers as the table draws them (label, the `tri` of a click, `aria-sort`)."""
    sort = choice_param(request, "tri", [*ML_LIST_ORDERS, *(f"-{k}" for k in ML_LIST_ORDERS)], "departement",
                        label="Tri")  # fmt: skip
    key, descending = sort.lstrip("-"), sort.startswith("-")
    fields = [(f.desc() if hasattr(f, "desc") else f"-{f}") if descending else f for f in ML_LIST_ORDERS[key][1]]
    headers = [
        {"label": label, "tri": f"-{name}" if name == key and not descending else name,
         "aria_sort": ("descending" if descending else "ascending") if name == key else None}
        for name, (label, _) in ML_LIST_ORDERS.items()
    ]  # fmt: skip
    return fields, {"filters": filters, "headers": headers}


def mission_locale_list(request):
    form, mls = _filtered_missions_locales(request)
    query = request.GET.copy()
    query.pop("page", None)
    filters = query.copy()
    filters.pop("tri", None)
    fields, sorting = _ml_list_sorting(request, filters.urlencode())
    page = Paginator(mls.order_by(*fields), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "reference/mission_locale_list.html",
        {
            "form": form,
            "page_obj": page,
            "total": page.paginator.count,
            "querystring": query.urlencode(),
            "sorting": sorting,
            "breadcrumbs": [("Missions Locales", None)],
        },
    )


#: the Missions Locales' export: for machines, the columns the import reads back (reference/imports.py)
MISSION_LOCALE_EXPORT = (
    Column("code_ml", "Code Mission Locale", "code"),
    Column("nom", "Nom", "name", width=40),
    Column("nom_usage", "Nom d'usage", "usual_name", width=30),
    Column("siret", "SIRET", lambda ml: ml.siret or "", width=16),
    Column("forme_juridique", "Forme juridique", "legal_form", label=dict(LegalForm.choices)),
    Column("departement", "Code département", "department_id", width=12),
    Column("departement_nom", "Département", lambda ml: ml.department.name, machines=False),
    Column(
        "departements_couverts",
        "Départements couverts",
        lambda ml: ",".join(d.code for d in ml.departments_covered.all()),
    ),  # fmt: skip
    Column("region", "Code région", lambda ml: ml.department.region_id, width=10),
    Column("region_nom", "Région", lambda ml: ml.department.region.name, machines=False, width=28),
    Column("adresse", "Adresse", "address", width=36),
    Column("code_postal", "Code postal", "postcode"),
    Column("commune", "Commune", "city"),
    Column("president", "Président(e)", "president"),
    Column("directeur", "Directeur ou directrice", "director"),
    Column("courriel", "Courriel", "email", width=30),
    Column("telephone", "Téléphone", "phone", width=16),
    Column("actif", "Active", lambda ml: 1 if ml.is_active else 0, label=YES_NO),
)


def mission_locale_export(request, fmt):
    _, mls = _filtered_missions_locales(request)
    mls = mls.prefetch_related("departments_covered")
    return export_response(request, columns=MISSION_LOCALE_EXPORT, items=mls, filename="missions_locales", fmt=fmt,
                           title="Missions Locales")  # fmt: skip


def _visible_mission_locale(request, code):
    return get_object_or_404(
        MissionLocale.objects.visible_to(request.user).select_related("department__region"), code=code
    )


def mission_locale_detail(request, code):
    ml = _visible_mission_locale(request, code)
    user = request.user
    department_visible = Department.objects.visible_to(user).filter(code=ml.department_id).exists()
    crumbs = [("Missions Locales", reverse("reference:mission_locale_list")), (ml.display_name, None)]
    return render(
        request,
        "reference/mission_locale_detail.html",
        {
            "ml": ml,
            "department_visible": department_visible,
            "can_edit": user.has_perm("reference.change_missionlocale", ml),
            "funders": Funder.objects.visible_to(user).filter(missions_locales=ml),
            "history_entries": history_entries(ml),
            "breadcrumbs": crumbs,
        },
    )


def mission_locale_edit(request, code):
    ml = _visible_mission_locale(request, code)
    editable = mission_locale_editable_fields(user=request.user, mission_locale=ml)
    if editable == ():
        raise Http404("Page introuvable.")
    form = MissionLocaleForm(request.POST or None, instance=ml, editable_fields=editable, user=request.user)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        mission_locale_update(mission_locale=ml, changes=changes, acting_user=request.user)
        messages.success(request, "Les informations de la Mission Locale ont été enregistrées.")
        return redirect("reference:mission_locale_detail", code=ml.code)
    crumbs = [
        ("Missions Locales", reverse("reference:mission_locale_list")),
        (ml.display_name, reverse("reference:mission_locale_detail", args=[ml.code])),
        ("Modifier", None),
    ]
    return render(request, "reference/mission_locale_edit.html", {"ml": ml, "form": form, "breadcrumbs": crumbs})


ORGANISATION_KINDS = {
    "arml": (RegionalAssociation, "Associations régionales (ARML)"),
    "services-etat": (StateService, "Services de l'État"),
    "financeurs": (Funder, "Financeurs"),
}


def organisation_list(request):
    user = request.user
    return render(
        request,
        "reference/organisation_list.html",
        {
            "regional_associations": RegionalAssociation.objects.visible_to(user).select_related("region"),
            "state_services": StateService.objects.visible_to(user).select_related("region", "department"),
            "funders": Funder.objects.visible_to(user).select_related("region", "department"),
            "breadcrumbs": [("Organisations", None)],
        },
    )


def organisation_detail(request, kind, pk):
    if kind not in ORGANISATION_KINDS:
        raise Http404("Type d'organisation inconnu.")
    model, title = ORGANISATION_KINDS[kind]
    organisation = get_object_or_404(model.objects.visible_to(request.user), pk=pk)
    related_mls = None
    if isinstance(organisation, Funder):
        related_mls = MissionLocale.objects.visible_to(request.user).filter(partner_funders=organisation)
    return render(
        request,
        "reference/organisation_detail.html",
        {
            "organisation": organisation,
            "kind": kind,
            "kind_title": title,
            "fields": _display_fields(organisation),
            "related_missions_locales": related_mls,
            "history_entries": history_entries(organisation),
            "breadcrumbs": [
                ("Organisations", reverse("reference:organisation_list")),
                (str(organisation), None),
            ],
        },
    )


def _display_fields(obj):
    """(label, value) of an organisation's concrete fields, for its page."""
    rows = []
    for field in obj._meta.concrete_fields:
        if field.name == "id":
            continue
        value = getattr(obj, f"get_{field.name}_display")() if field.choices else getattr(obj, field.name)
        rows.append((field.verbose_name, value))
    return rows
