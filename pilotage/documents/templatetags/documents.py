"""Filters of the documents' HTML templates: `{% load pilotage documents %}` then `{{ x|euros }}`,
`{{ x|in_words }}` (an amount in words), `{{ n|number_words }}`. The same names exist for the DOCX templates."""

from django import template

from pilotage.documents.rendering import in_words as _in_words
from pilotage.documents.words import number_in_words

register = template.Library()


@register.filter
def in_words(value):
    """1000000 → « un million d'euros »; None or empty → « — »."""
    if value is None or value == "":
        return "—"
    return _in_words(value)


@register.filter
def number_words(value):
    if value is None or value == "":
        return "—"
    return number_in_words(int(value))
