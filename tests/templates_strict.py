"""In tests, an undefined variable in one of the platform's templates fails the test instead of rendering as ""
(Django's `string_if_invalid`). Third-party templates (django-dsfr's form snippets read optional attributes)
are left as they are. `{% if %}` and `{% firstof %}` do not consult it: testing for presence stays allowed."""

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
                    return ""
            frame = frame.f_back
        return ""


def install(settings_module) -> None:
    for engine in settings_module.TEMPLATES:
        if engine["BACKEND"] == "django.template.backends.django.DjangoTemplates":
            engine.setdefault("OPTIONS", {})["string_if_invalid"] = FailOnUndefined()
