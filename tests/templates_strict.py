"""In tests, an undefined variable in one of the platform's templates fails the test instead of rendering as ""
(Django's `string_if_invalid`). Third-party templates (django-dsfr's form snippets read optional attributes)
render exactly as in production: with a non-empty `string_if_invalid` Django would skip their filters
(`{{ widget.group_class|default:'fr-input-group' }}` gave "" and the error class was lost), so their expression is
resolved again as Django does when `string_if_invalid` is "". `{% if %}` and `{% firstof %}` do not consult it:
testing for presence stays allowed."""

import sys
from pathlib import Path

import pilotage

PLATFORM_DIR = str(Path(pilotage.__file__).parent)


class UndefinedTemplateVariable(Exception):
    pass


class FailOnUndefined(str):
    """Django formats `string_if_invalid % variable_name` when it contains "%s"."""

    def __new__(cls):
        return super().__new__(cls, "%s")

    def __mod__(self, name):
        frame = sys._getframe(1)
        while frame is not None:
            if frame.f_code.co_name == "render":
                origin = getattr(frame.f_locals.get("self"), "origin", None)
                if origin is not None:
                    template = str(getattr(origin, "name", "") or "")
                    if template.startswith(PLATFORM_DIR):
                        raise UndefinedTemplateVariable(f"Variable de gabarit indéfinie « {name} » dans {template}")
                    return _as_in_production(sys._getframe(1))
            frame = frame.f_back
        return ""


def _as_in_production(resolving):
    """The value of the FilterExpression being resolved in frame `resolving`, filters applied, as Django gives it
    when `string_if_invalid` is "" (production)."""
    expression, context = resolving.f_locals.get("self"), resolving.f_locals.get("context")
    if expression is None or context is None or not hasattr(expression, "filters"):
        return ""
    engine = context.template.engine
    saved, engine.string_if_invalid = engine.string_if_invalid, ""
    try:
        return expression.resolve(context)
    finally:
        engine.string_if_invalid = saved


def install(settings_module) -> None:
    for engine in settings_module.TEMPLATES:
        if engine["BACKEND"] == "django.template.backends.django.DjangoTemplates":
            engine.setdefault("OPTIONS", {})["string_if_invalid"] = FailOnUndefined()
