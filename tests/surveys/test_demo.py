import pytest
from django.urls import reverse

from pilotage.demo.demo import demo_load
from pilotage.demo.surveys import CLOSED_TITLE, OPEN_TITLE, demo_surveys_load
from pilotage.surveys.models import Survey
from tests.factories import PASSWORD
from tests.login import password_login

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_surveys_are_idempotent_and_give_back_the_seed(client, settings):
    settings.DEMO_PASSWORD = PASSWORD
    demo_load()
    loaded = demo_surveys_load()
    assert loaded.created == 2
    assert demo_surveys_load().created == 0
    closed, opened = Survey.objects.get(title=CLOSED_TITLE), Survey.objects.get(title=OPEN_TITLE)
    password_login(client, "unml@demo.pilotage.fr", PASSWORD)
    page = client.get(reverse("surveys:results", args=[closed.pk]))
    items = {item.question.code: item for _, section in page.context["sections"] for item in section}
    assert items["convention"].base == 182 and str(items["convention"].rows[0].pct) == "86.3"
    client.logout()  # the login page sends a signed-in person home without switching account
    password_login(client, "direction.ml@demo.pilotage.fr", PASSWORD)
    home = client.get(reverse("surveys:home")).content.decode()
    assert reverse("surveys:answer_signed_in", args=[opened.pk]) in home
    client.logout()
    assert client.get(loaded.link).status_code == 200
