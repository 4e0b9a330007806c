"""The test harness fails on an undefined variable in the platform's own templates (issue 13, point 6)."""

import pytest
from django.template import Context, Template, engines
from django.template.base import Origin
from django.template.loader import render_to_string

from tests.templates_strict import PLATFORM_DIR, UndefinedTemplateVariable


def template(source: str, name: str) -> Template:
    return Template(source, origin=Origin(name=name), engine=engines["django"].engine)


def test_an_undefined_variable_in_a_platform_template_fails():
    with pytest.raises(UndefinedTemplateVariable, match="« montant »"):
        template("Total : {{ montant }}", f"{PLATFORM_DIR}/templates/x.html").render(Context({}))
    with pytest.raises(UndefinedTemplateVariable, match="PILOTAGE_THEME"):
        render_to_string("core/accessibility.html")  # a real page without its context processors


def test_presence_tests_and_third_party_templates_stay_allowed():
    source = "{% if montant %}{{ montant }}{% endif %}{% for x in rien %}{{ x }}{% endfor %}ok"
    assert template(source, f"{PLATFORM_DIR}/templates/x.html").render(Context({})) == "ok"
    assert template("[{{ absent }}]", "/usr/lib/python3/site-packages/dsfr/x.html").render(Context({})) == "[]"
