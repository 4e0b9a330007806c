"""The CPO dashboard pages: an entity's indicators N beside N-1, benchmarks, distribution of its Missions
Locales; small counts masked for those who must not see them (indicators/perms.py, masking.py)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from pilotage.core import formatting
from pilotage.core.exports import AMOUNT, INTEGER, NUMBER, SHARE, YEAR, Column, export_response
from pilotage.core.params import choice_param, year_param
from pilotage.core.roles import MISSION_LOCALE_ROLES
from pilotage.indicators.catalogue import INDICATORS
from pilotage.indicators.dashboard import dashboard_read, visible_place
from pilotage.indicators.engine.compute import BREAKDOWNS, RATIOS
from pilotage.indicators.forms import TargetsForm
from pilotage.indicators.masking import MASKED, inputs_of_ratio_masking
from pilotage.indicators.matrix import drawing_for, marks, place, quadrant
from pilotage.indicators.models import Target
from pilotage.indicators.perms import sees_unmasked, sets_targets
from pilotage.indicators.places import places_for
from pilotage.indicators.provenance import links_for
from pilotage.indicators.queries import available_years, current_values, dataset_for, published_versions
from pilotage.indicators.queries import masked_values as _masked
from pilotage.indicators.services import targets_set
from pilotage.reference.models import MissionLocale, Region

BREAKDOWN_LABELS = {"total": "Ensemble", "femmes": "Femmes", "bas_niveau": "Bas niveau", "qpv": "QPV", "zrr": "ZRR"}


def _dashboard(request, level, code, *, ranking: bool = True):
    """The dashboard's query string read (a bad value is a French 400), then its read model; out of the user's
    territory, a 404."""
    user = request.user
    entity = visible_place(user, level, code)
    if entity is None:
        raise Http404("Tableau de bord introuvable.")
    years = available_years(user)
    year = year_param(request, years[0] if years else timezone.localdate().year)
    breakdown = choice_param(request, "ventilation", BREAKDOWNS, "total", label="Public")
    versions = published_versions(year)
    version = choice_param(request, "version", ["", *map(str, versions)], "", label="Version")
    ranked = choice_param(request, "classement", list(RATIOS), "R10", label="Ratio de classement")
    board = dashboard_read(user, entity, year, breakdown=breakdown, version=int(version) if version else None,
                           ranked=ranked if ranking else None)  # fmt: skip
    return board, {"years": years, "versions": list(versions), "version": version}


BENCHMARK_NAMES = (("value", "Valeur"), ("region", "Région"), ("national", "France"))


def ratio_charts(rows, benchmarks) -> list[dict]:
    """One small chart per ratio, each on its own scale (0 to the largest of its bars), so that a ratio of 0,3 %
    reads as well as one of 80 %: the entity's value beside its region's and the nation's."""
    charts = []
    for row in rows:
        if not row["id"].startswith("R"):
            continue
        bars = [(kind, name, row[kind]) for kind, name in BENCHMARK_NAMES if kind == "value" or kind in benchmarks]
        known = [float(v) for _, _, v in bars if v not in (None, MASKED)]
        top = max(known, default=0)
        charts.append({
            "id": row["id"], "label": row["label"], "unit": row["unit"],
            "bars": [{"kind": kind, "name": name, "value": value,
                      "width": round(float(value) / top * 100, 1) if top > 0 and value not in (None, MASKED) else 0}
                     for kind, name, value in bars],
        })  # fmt: skip
    return charts


def dashboard(request, level, code):
    board, choices = _dashboard(request, level, code)
    entity, ranked = board.place, board.ranked
    context = {
        "level": level, "code": code, "name": entity.name, "year": board.year, "years": choices["years"],
        "breakdown": board.breakdown, "breakdowns": [(b, BREAKDOWN_LABELS[b]) for b in BREAKDOWNS],
        "rows": board.rows, "distribution": board.distribution, "masked_for_user": board.masked_for_user,
        "benchmarks": board.benchmarks, "department_code": entity.department_code, "region_code": entity.region_code,
        "threshold": settings.INDICATORS_MASKING_THRESHOLD, "has_targets": bool(board.targets),
        "can_set_targets": level == "ml" and sets_targets(request.user, entity.obj), "ranked": ranked,
        "ranked_label": INDICATORS[ranked].label, "ranked_unit": INDICATORS[ranked].unit,
        "ranked_rows": board.ranked_rows, "ratio_choices": [(r, INDICATORS[r].label) for r in RATIOS],
        "unpublished": board.unpublished, "versions": choices["versions"], "version": choices["version"],
        "lineage": board.lineage, "ratio_charts": ratio_charts(board.rows, board.benchmarks),
        "breadcrumbs": [("Tableau de bord CPO", reverse("indicators:home")), (entity.name, None)],
        "querystring": request.GET.urlencode(),
    }  # fmt: skip
    return render(request, "indicators/dashboard.html", context)


LEVEL_LABELS = {"ml": "Mission Locale", "departement": "Département", "region": "Région", "national": "France"}
UNIT_KINDS = {formatting.SHARE: SHARE, formatting.EUROS: AMOUNT, formatting.COUNT: INTEGER, formatting.NUMBER: NUMBER}


def _export_value(key):
    def read(row):
        value = row[key]
        return "secret statistique" if value == MASKED else (None if value is None else float(value))

    return read


#: a dashboard's indicators, one a row (items: the rows of `dashboard_read`, with year, level, code, name, breakdown)
DASHBOARD_EXPORT = (
    Column("annee", "Année", "year", YEAR),
    Column("niveau", "Niveau", "level", label=LEVEL_LABELS),
    Column("code", "Code", "code"),
    Column("nom", "Nom", "name", machines=False, width=36),
    Column("ventilation", "Public", "breakdown", label=BREAKDOWN_LABELS),
    Column("indicateur", "Code indicateur", "id", width=14),
    Column("libelle", "Indicateur", "label", width=60),
    *(Column(name, header, _export_value(key), lambda row: UNIT_KINDS[row["unit"]])
      for name, header, key in (("valeur", "Valeur", "value"), ("valeur_n_1", "Valeur N-1", "previous"),
                                ("region", "Région", "region"), ("national", "France", "national"))),
)  # fmt: skip


def dashboard_export(request, level, code, fmt):
    board, _ = _dashboard(request, level, code, ranking=False)  # (a bad ?classement= stays a 400)
    header = {"year": board.year, "level": level, "code": code, "name": board.place.name,
              "breakdown": board.breakdown}  # fmt: skip
    return export_response(request, columns=DASHBOARD_EXPORT, items=({**header, **r} for r in board.rows),
                           filename=f"tableau_de_bord_{level}_{code}_{board.year}", fmt=fmt,
                           title=f"Tableau de bord CPO {board.year}")  # fmt: skip


def home(request):
    """Where to open a dashboard: the user's own place first, then France, then each region with its
    departments and Missions Locales; `?q=` filters by name, code or town (the page filters as one types)."""
    query = request.GET.get("q", "")[:100]
    return render(request, "indicators/home.html", {
        "data_links": links_for(request.user),
        "places": places_for(request.user, query),
        "years": available_years(request.user),
        "breadcrumbs": [("Tableau de bord CPO", None)],
    })  # fmt: skip


MATRIX_INDICATORS = ("R13", "4", "10", "R1", "R9", "R10", "R11")


def matrix(request):
    """The Missions Locales the user sees (one region with `?region=`), placed by efficiency and performance on
    the scale of every Mission Locale of the country; their region(s) and the nation beside them."""
    user = request.user
    years = available_years(user)
    year = year_param(request, years[0] if years else timezone.localdate().year)
    dataset = dataset_for(user, year).dataset  # the published version, or a State service's staged copy
    visible = MissionLocale.objects.visible_to(user).active().select_related("department__region")
    regions = list(Region.objects.filter(code__in=visible.values("department__region_id")).order_by("name"))
    region = choice_param(request, "region", ["", *(r.code for r in regions)], "", label="Région")
    mls = {ml.code: ml for ml in (visible.for_region(region) if region else visible)}
    exact = all(sees_unmasked(user, "ml", c) for c in mls)  # masking needs some counts, exact values only the axes
    needed = list(MATRIX_INDICATORS) if exact else [*MATRIX_INDICATORS, *inputs_of_ratio_masking()]
    values = current_values(year, "ml", mls, indicators=needed, breakdowns=["total"], dataset=dataset)
    entities = {code: _masked(user, "ml", code, values.get(code, {}), "total") for code in mls}
    entities = {code: {k: (None if v == MASKED else v) for k, v in e.items()} for code, e in entities.items()}
    # the scale: every Mission Locale of the country (only its mean and spread are used, never shown one by one)
    national = MissionLocale.objects.active().values_list("code", flat=True)
    scale = current_values(year, "ml", list(national), indicators=MATRIX_INDICATORS, breakdowns=["total"],
                           dataset=dataset)  # fmt: skip
    scale = {code: {i: v for (i, _), v in vals.items()} for code, vals in scale.items()}
    shown_regions = [r for r in regions if r.code == region] if region else (regions if len(regions) <= 3 else [])
    references = {"national:FR": current_values(year, "national", ["FR"], dataset=dataset).get("FR", {})}
    references |= {f"region:{r.code}": current_values(year, "region", [r.code], dataset=dataset).get(r.code, {})
                   for r in shown_regions}  # fmt: skip
    references = {k: {i: v for (i, b), v in vals.items() if b == "total"} for k, vals in references.items()}
    points = place(entities, references, scale=scale)
    own = user.mission_locale.code if user.role in MISSION_LOCALE_ROLES and user.mission_locale else None
    rows = sorted(
        ((mls[c], points[c], quadrant(points[c]), c == own) for c in entities if c in points),
        key=lambda row: (not row[3], row[2] is None, -(row[1].performance or 0), row[0].display_name),
    )
    names = {"national:FR": "France (ensemble du pays)", **{f"region:{r.code}": f"Région {r.name}" for r in regions}}
    references = [(names[key], points[key], quadrant(points[key])) for key in references if quadrant(points[key])]
    items = [(ml.display_name, point, "own" if is_own else "ml") for ml, point, _, is_own in rows]
    items += [(name, point, "nation" if name.startswith("France") else "region") for name, point, _ in references]
    drawing = drawing_for([point for _, point, _ in items])
    context = {
        "year": year, "years": years, "rows": rows, "references": references,
        "regions": regions, "region": region, "own": own and mls.get(own),
        "drawing": drawing, "marks": marks(drawing, items),
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
