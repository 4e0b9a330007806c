"""Query-string parameters read safely: a bad value is a 400 with a French message (templates/400.html),
never a 500. Views read `annee` and the like only through these functions."""

from django.core.exceptions import BadRequest

YEARS = (2000, 2100)  # the platform's plausible years: activity, conventions, campaigns


def year_param(request, default: int | None = None, *, name: str = "annee") -> int | None:
    """The year in `?annee=` (or the form's field), `default` when absent or empty; anything but a year
    between 2000 and 2100 written in ASCII digits is a 400."""
    raw = request.GET.get(name) or (request.POST.get(name) if request.method == "POST" else None)
    if raw is None or raw.strip() == "":
        return default
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit()) or not YEARS[0] <= int(raw) <= YEARS[1]:
        raise BadRequest(
            f"Année « {raw[:20]} » invalide : saisissez une année de {YEARS[0]} à {YEARS[1]}, par exemple 2024."
        )
    return int(raw)


def choice_param(request, name: str, choices, default: str, *, label: str) -> str:
    """A value of `?name=` among `choices` (`default` when absent); another value is a 400 naming the choices."""
    value = request.GET.get(name) or default
    if value not in choices:
        raise BadRequest(f"{label} « {value[:30]} » inconnu(e) : valeurs possibles {', '.join(map(str, choices))}.")
    return value
