"""The CPO dashboard pages: an entity's indicators N beside N-1, benchmarks, distribution of its Missions
Locales; small counts masked for those who must not see them (indicators/perms.py, masking.py)."""

import json
import statistics

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from pilotage.core import formatting
from pilotage.core.exports import tabular_response
from pilotage.core.params import choice_param, year_param
from pilotage.indicators.catalogue import INDICATORS
from pilotage.indicators.engine.compute import BREAKDOWNS, RATIOS
from pilotage.indicators.forms import TargetsForm
from pilotage.indicators.masking import MASKED, inputs_of_ratio_masking
from pilotage.indicators.matrix import place, quadrant
from pilotage.indicators.models import Target
from pilotage.indicators.perms import sees_entity, sees_unmasked, sets_targets
from pilotage.indicators.places import places_for
from pilotage.indicators.queries import available_years, current_values
from pilotage.indicators.queries import masked_values as _masked
from pilotage.indicators.services import targets_set
from pilotage.reference.models import Department, MissionLocale, Region

BREAKDOWN_LABELS = {"total": "Ensemble", "femmes": "Femmes", "bas_niveau": "Bas niveau", "qpv": "QPV", "zrr": "ZRR"}


def _entity(level, code):
    """(name, department code, region code, object) of a dashboard entity, or None if it does not exist."""
    if level == "ml":
        ml = MissionLocale.objects.select_related("department__region").filter(code=code).first()
        return ml and (ml.display_name, ml.department.code, ml.department.region_id, ml)
    if level == "departement":
        department = Department.objects.select_related("region").filter(code=code).first()
        return department and (str(department), department.code, department.region_id, department)
    if level == "region":
        region = Region.objects.filter(code=code).first()
        return region and (region.name, None, region.code, region)
    if level == "national" and code == "FR":
        return ("France", None, None, None)
    return None


def _children(level, code):
    mls = MissionLocale.objects.active()
    if level == "departement":
        return mls.for_department(code)
    if level == "region":
        return mls.for_region(code)
    return mls if level == "national" else mls.none()


def _dashboard(request, level, code):
    entity = _entity(level, code)
    if entity is None or not sees_entity(request.user, level, code):
        raise Http404("Tableau de bord introuvable.")
    name, department_code, region_code, obj = entity
    years = available_years()
    year = year_param(request, years[0] if years else timezone.localdate().year)
    breakdown = choice_param(request, "ventilation", BREAKDOWNS, "total", label="Public")
    user = request.user
    now = _masked(user, level, code, current_values(year, level, [code]).get(code, {}), breakdown)
    before = _masked(user, level, code, current_values(year - 1, level, [code]).get(code, {}), breakdown)
    benchmarks = {}
    if region_code and level in ("ml", "departement"):
        region_values = current_values(year, "region", [region_code]).get(region_code, {})
        benchmarks["region"] = _masked(user, "region", region_code, region_values, breakdown)
    if level != "national":
        national_values = current_values(year, "national", ["FR"]).get("FR", {})
        benchmarks["national"] = _masked(user, "national", "FR", national_values, breakdown)
    rows = []
    for key, spec in INDICATORS.items():
        if breakdown not in spec.breakdowns and not (breakdown != "total" and spec.breakdowns == ("total",)):
            continue
        value, previous = now.get(key), before.get(key)
        rows.append({
            "id": key, "label": spec.label, "ratio": spec.is_ratio, "unit": spec.unit, "value": value,
            "previous": previous, "change": formatting.evolution(value, previous, spec.unit),
            "region": benchmarks.get("region", {}).get(key),
            "national": benchmarks.get("national", {}).get(key),
        })  # fmt: skip
    ranked = choice_param(request, "classement", list(RATIOS), "R10", label="Ratio de classement")
    distribution = _distribution(user, level, code, year, breakdown, ranked) if level != "ml" else []
    targets, can_set_targets = {}, False
    if level == "ml":
        targets = dict(Target.objects.filter(mission_locale=obj, year=year).values_list("ratio", "value"))
        can_set_targets = sets_targets(user, obj)
        for row in rows:
            target = targets.get(row["id"]) if breakdown == "total" else None
            row["target"] = target
            row["gap"] = formatting.difference(row["value"], target, row["unit"])
    return {
        "level": level, "code": code, "name": name, "year": year, "years": years, "breakdown": breakdown,
        "breakdowns": [(b, BREAKDOWN_LABELS[b]) for b in BREAKDOWNS], "rows": rows, "distribution": distribution,
        "masked_for_user": not sees_unmasked(user, level, code), "benchmarks": list(benchmarks),
        "department_code": department_code, "region_code": region_code,
        "threshold": settings.INDICATORS_MASKING_THRESHOLD, "has_targets": bool(targets),
        "can_set_targets": can_set_targets, "ranked": ranked, "ranked_label": INDICATORS[ranked].label,
        "ranked_unit": INDICATORS[ranked].unit,
        "ranked_rows": next((d["ranking"] for d in distribution if d["id"] == ranked), []),
        "ratio_choices": [(r, INDICATORS[r].label) for r in RATIOS],
    }  # fmt: skip


def _distribution(user, level, code, year, breakdown, ranked="R10"):
    """For each ratio: its value for each Mission Locale of the entity, ranked, with quartiles."""
    visible = set(MissionLocale.objects.visible_to(user).values_list("pk", flat=True))
    mls = {ml.code: ml for ml in _children(level, code) if ml.pk in visible}
    exact = all(sees_unmasked(user, "ml", c) for c in mls)  # masking needs some counts, exact values only ratios
    indicators = list(RATIOS) if exact else [*RATIOS, *inputs_of_ratio_masking()]
    values = current_values(year, "ml", mls, indicators=indicators, breakdowns={breakdown, "total"})
    masked = {c: _masked(user, "ml", c, v, breakdown) for c, v in values.items()}
    result = []
    for ratio in RATIOS:
        if breakdown not in INDICATORS[ratio].breakdowns:
            continue
        per_ml = {c: masked[c].get(ratio) for c in masked}
        known = sorted(((v, c) for c, v in per_ml.items() if v not in (None, MASKED)), reverse=True)
        numbers = [float(v) for v, _ in known]
        quartiles = statistics.quantiles(numbers, n=4) if len(numbers) >= 2 else []
        result.append({
            "id": ratio, "label": INDICATORS[ratio].label, "unit": INDICATORS[ratio].unit, "count": len(numbers),
            "min": min(numbers) if numbers else None, "max": max(numbers) if numbers else None,
            "quartiles": quartiles, "ranking": [(mls[c], v) for v, c in known] if ratio == ranked else [],
            "hidden": sum(1 for v in per_ml.values() if v == MASKED),
        })  # fmt: skip
    return result


def dashboard(request, level, code):
    context = _dashboard(request, level, code)
    # the shares, in percent as the table prints them (R13, people per ETP, is on another scale)
    ratios = [r for r in context["rows"] if r["unit"] == formatting.SHARE and r["value"] not in (None, MASKED)]

    def in_percent(value):
        return round(float(value) * 100, 1) if value not in (None, MASKED) else 0

    series = [[in_percent(r["value"]) for r in ratios]]
    names = ["Valeur (%)"]
    for benchmark, label in (("region", "Région (%)"), ("national", "France (%)")):
        if benchmark in context["benchmarks"]:
            series.append([in_percent(r[benchmark]) for r in ratios])
            names.append(label)
    context["chart"] = {
        "x": json.dumps([[r["id"] for r in ratios]] * len(series)),
        "y": json.dumps(series),
        "names": json.dumps(names, ensure_ascii=False),
    } if ratios else None  # fmt: skip
    crumbs = [("Tableau de bord CPO", reverse("indicators:home"))]
    context["breadcrumbs"] = [*crumbs, (context["name"], None)]
    context["querystring"] = request.GET.urlencode()
    return render(request, "indicators/dashboard.html", context)


def dashboard_export(request, level, code, fmt):
    context = _dashboard(request, level, code)

    def cell(value):
        return "secret statistique" if value == MASKED else ("" if value is None else float(value))

    rows = (
        [context["year"], level, code, context["breakdown"], r["id"], r["label"], cell(r["value"]), cell(r["previous"]),
         cell(r["region"]), cell(r["national"])]
        for r in context["rows"]
    )  # fmt: skip
    header = ["annee", "niveau", "code", "ventilation", "indicateur", "libelle", "valeur", "valeur_n_1", "region",
              "national"]  # fmt: skip
    return tabular_response(rows=rows, header=header, filename=f"tableau_de_bord_{level}_{code}_{context['year']}",
                            fmt=fmt)  # fmt: skip


def home(request):
    """Where to open a dashboard: the user's own place first, then France, then each region with its
    departments and Missions Locales; `?q=` filters by name, code or town (the page filters as one types)."""
    query = request.GET.get("q", "")[:100]
    return render(request, "indicators/home.html", {
        "places": places_for(request.user, query),
        "years": available_years(),
        "breadcrumbs": [("Tableau de bord CPO", None)],
    })  # fmt: skip


def matrix(request):
    """Every Mission Locale the user sees, placed by efficiency and performance; its region(s) and the nation."""
    user = request.user
    years = available_years()
    year = year_param(request, years[0] if years else timezone.localdate().year)
    mls = {ml.code: ml for ml in MissionLocale.objects.visible_to(user).active().select_related("department")}
    exact = all(sees_unmasked(user, "ml", c) for c in mls)  # masking needs some counts, exact values only the axes
    needed = ["R13", "4", "10", "R1", "R9", "R10", "R11"]
    if not exact:  # the axes are ratios and `4`, which the inputs of the ratios' masking include
        needed += inputs_of_ratio_masking()
    values = current_values(year, "ml", mls, indicators=needed, breakdowns=["total"])
    entities = {code: _masked(user, "ml", code, values.get(code, {}), "total") for code in mls}
    entities = {code: {k: (None if v == MASKED else v) for k, v in e.items()} for code, e in entities.items()}
    references = {}
    regions = sorted({ml.department.region_id for ml in mls.values()})
    for code in regions if len(regions) <= 3 else []:
        references[f"region:{code}"] = current_values(year, "region", [code]).get(code, {})
    references["national:FR"] = current_values(year, "national", ["FR"]).get("FR", {})
    references = {k: {i: v for (i, b), v in vals.items() if b == "total"} for k, vals in references.items()}
    points = place(entities, references)
    rows = sorted(
        ((mls[c], points[c], quadrant(points[c])) for c in entities if c in points),
        key=lambda row: (row[2] is None, -(row[1].performance or 0)),
    )
    placed = [(ml, p) for ml, p, q in rows if q]
    refs = [(key, points[key]) for key in references if quadrant(points[key])]
    region_names = dict(Region.objects.filter(code__in=regions).values_list("code", "name"))
    series_x = [[round(p.efficiency, 3) for _, p in placed]] + [[round(p.efficiency, 3)] for _, p in refs]
    series_y = [[round(p.performance, 3) for _, p in placed]] + [[round(p.performance, 3)] for _, p in refs]
    names = ["Missions Locales"] + [
        "France" if key == "national:FR" else f"Région {region_names.get(key.split(':')[1], '')}" for key, _ in refs
    ]
    context = {
        "year": year, "years": years, "rows": rows,
        "references": [(n, p, quadrant(p)) for n, (_, p) in zip(names[1:], refs, strict=True)],
        "chart": {"x": json.dumps(series_x), "y": json.dumps(series_y), "names": json.dumps(names, ensure_ascii=False)}
        if placed else None,
        "breadcrumbs": [("Tableau de bord CPO", reverse("indicators:home")),
                        ("Matrice efficience × performance", None)],
    }  # fmt: skip
    return render(request, "indicators/matrix.html", context)


def targets_edit(request, code):
    ml = MissionLocale.objects.visible_to(request.user).filter(code=code).first()
    if ml is None or not sets_targets(request.user, ml):
        raise Http404("Page introuvable.")
    year = year_param(request)
    if year is None:
        raise BadRequest("Indiquez l'année des objectifs, par exemple ?annee=2025.")
    current = dict(Target.objects.filter(mission_locale=ml, year=year).values_list("ratio", "value"))
    form = TargetsForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        changed = targets_set(mission_locale=ml, year=year, values=dict(form.cleaned_data), acting_user=request.user)
        messages.success(request, f"Objectifs {year} enregistrés ({changed} modification(s)).")
        return redirect(f"{reverse('indicators:dashboard', args=['ml', code])}?annee={year}")
    crumbs = [
        ("Tableau de bord CPO", reverse("indicators:home")),
        (ml.display_name, reverse("indicators:dashboard", args=["ml", code])),
        (f"Objectifs {year}", None),
    ]
    return render(request, "indicators/targets.html", {"form": form, "ml": ml, "year": year, "breadcrumbs": crumbs})
