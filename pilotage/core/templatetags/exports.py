"""`{% export_links %}`: the links of an export in its two forms (ADR 0022), with the hint that says which is
which — XLSX and CSV for people (French spreadsheets), the technical CSV for scripts and re-imports."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from pilotage.core.exports import FORM_PARAM, MACHINES

register = template.Library()


@register.inclusion_tag("includes/export_links.html")
def export_links(url_name, *args, query="", label="Exporter", json=False, **params):
    """`url_name` takes `args` then the format (`csv`, `xlsx`, `json`); `query` is the page's query string,
    `params` more query parameters (`departement=department.code`)."""
    query = "&".join(part for part in (str(query or ""), urlencode(params)) if part)
    suffix = f"?{query}" if query else ""
    technical = f"{suffix}{'&' if query else '?'}{FORM_PARAM}={MACHINES}"
    return {
        "label": label,
        "xlsx": reverse(url_name, args=[*args, "xlsx"]) + suffix,
        "csv": reverse(url_name, args=[*args, "csv"]) + suffix,
        "technical": reverse(url_name, args=[*args, "csv"]) + technical,
        "json": reverse(url_name, args=[*args, "json"]) + suffix if json else "",
    }
