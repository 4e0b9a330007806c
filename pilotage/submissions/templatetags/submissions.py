"""The review page's « expliqué » cell, written in Python: the page lists up to 200 outliers and the rules broken,
each with its form, and an include per row was most of the page's time (ADR 0020, ADR 0024's long lists)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def explain_cell(context, row) -> str:
    """The explanation of a flagged value and, for a reviewer, the form that marks it « expliqué »."""
    html = mark_safe("")  # noqa: S308 (empty)
    if row["explanation"]:
        html = format_html('<p class="fr-mb-1v"><span class="fr-badge fr-badge--info fr-badge--sm">expliqué</span> '
                           '{} <span class="fr-text--xs">({})</span></p>', row["explanation"],
                           row["explained_by"])  # fmt: skip
    if not context.get("can_explain"):
        return html
    shared = context.render_context.get("explain_cell")
    if shared is None:  # once per page: the form's address and the CSRF token (a lazy object) are the same
        query = urlencode({"ml": context.get("ml_code", ""), "seuil": context.get("threshold", "")})
        action = f"{reverse('submissions:explain', args=[context['submission'].pk])}?{query}"
        shared = context.render_context["explain_cell"] = (action, str(context.get("csrf_token", "")))
    action, token = shared
    field = f"comment-{row['level']}-{row['code']}-{row['indicator']}-{row['breakdown']}"
    return html + format_html(
        '<form method="post" action="{}"><input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="level" value="{}"><input type="hidden" name="code" value="{}">'
        '<input type="hidden" name="indicator" value="{}"><input type="hidden" name="breakdown" value="{}">'
        '<label class="fr-label fr-sr-only" for="{}">Explication</label>'
        '<input class="fr-input fr-input--sm" id="{}" name="comment" value="{}" maxlength="2000">'
        '<button type="submit" class="fr-btn fr-btn--sm fr-btn--tertiary">Marquer « expliqué »</button></form>',
        action, token, row["level"], row["code"], row["indicator"], row["breakdown"],
        field, field, row["explanation"],
    )  # fmt: skip
