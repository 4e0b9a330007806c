"""The avenant of fiche 4: its context, the DOCX and the PDF opened again and read, the templates, who downloads."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from pilotage.core.roles import Role
from pilotage.documents.models import DocumentTemplate
from pilotage.documents.rendering import (
    check_docx_template,
    check_html_template,
    default_html_source,
    docx_text,
    pdf_text,
)
from pilotage.funding import avenant
from tests.documents.conftest import make_docx
from tests.documents.factories import signed_amendment
from tests.documents.text import NNBSP, flat
from tests.network import user_of
from tests.replay import replayed

pytestmark = pytest.mark.django_db


#: what the avenant must print: each line, the total, the FIPJ, the advance and the balance, in figures and words
EXPECTED_AMOUNTS = [
    ("480 080,00 €", "quatre cent quatre-vingt mille quatre-vingts euros"),  # socle
    ("15 200,00 €", "quinze mille deux cents euros"),  # parrainage
    ("21 000,51 €", "vingt et un mille euros et cinquante et un centimes"),  # FIPJ, direct aids
    ("1 000,00 €", "mille euros"),  # FIPJ, indirect aids
    ("22 000,51 €", "vingt-deux mille euros et cinquante et un centimes"),  # FIPJ
    ("517 280,51 €", "cinq cent dix-sept mille deux cent quatre-vingts euros et cinquante et un centimes"),  # total
    ("258 640,25 €", "deux cent cinquante-huit mille six cent quarante euros et vingt-cinq centimes"),  # advance
    ("258 640,26 €", "deux cent cinquante-huit mille six cent quarante euros et vingt-six centimes"),  # balance
]
CHORUS = ["2100000001", "2100000002", "2100000003", "2100000004"]
ACTIVITY_CODES = ["010200001706", "010200001702", "010200001705"]
IBAN = "FR76 3000 6000 0112 3456 7890 189"


def as_printed(figures: str) -> str:
    """« 1 000,00 € » as the formatter writes it: narrow no-break spaces in the number and before €."""
    number, _ = figures.rsplit(" ", 1)
    return number.replace(" ", NNBSP) + NNBSP + "€"


@pytest.fixture
@replayed
def amendment13(network):
    return signed_amendment(network["ml13"])


@pytest.fixture
@replayed
def amendment69(network):
    return signed_amendment(network["ml69"])


def test_context(amendment13):
    context = avenant.amendment_document_context(amendment13)
    ml = amendment13.convention.mission_locale
    siret = ml.siret
    assert context["ml"]["siret"] == f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
    assert context["ml"]["president"] == "Dominique Exemple"
    assert context["ml"]["address"] == "12 rue de la République, 13001 Marseille"
    assert (context["bank"]["iban"], context["bank"]["iban_valid"]) == (IBAN, True)
    rib = [context["bank"][key] for key in ("bank_code", "branch_code", "account_code", "rib_key")]
    assert rib == ["30006", "00001", "12345678901", "89"]
    assert context["bank"]["holder"] == ml.name
    assert [line["chorus"] for line in context["lines"]] == CHORUS
    assert [line["kind"] for line in context["lines"]] == ["socle", "parrainage", "fipj_direct", "fipj_indirect"]
    assert context["total"]["figures"] == as_printed("517 280,51 €")
    assert context["advance"]["words"] == EXPECTED_AMOUNTS[6][1]
    assert context["balance"]["words"] == EXPECTED_AMOUNTS[7][1]
    assert context["advance"]["value"] + context["balance"]["value"] == context["total"]["value"]
    assert context["convention"]["reference"] == "CPO-2024-13-001"
    assert context["convention"]["signed_on"] == "1er janvier 2024"
    assert context["signed_on"] == "14 mars 2025"
    assert context["place"] == "Marseille"
    assert context["state"]["region"] == "Provence-Alpes-Côte d'Azur"
    assert (context["effective_from"], context["effective_until"]) == ("1er janvier 2025", "31 décembre 2025")
    assert context["imputation"]["functional_domain"] == "0102-02-02"


def test_draft_avenant_leaves_the_signature_date_blank(network):
    amendment = signed_amendment(network["ml13"], sign=False)
    context = avenant.amendment_document_context(amendment)
    assert context["signed_on"] == avenant.BLANK
    assert context["advance"]["figures"] == as_printed("258 640,25 €")


def test_an_invalid_iban_is_never_printed_as_valid(amendment13):
    amendment13.iban = "FR7630006000011234567890188"  # wrong RIB key
    context = avenant.amendment_document_context(amendment13)
    assert context["bank"]["iban_valid"] is False
    assert "invalide" in context["bank"]["iban"]
    assert context["bank"]["bank_code"] == avenant.BLANK


def _check_document(text: str, amendment):
    """The figures and words every avenant must carry, in a text read back from the file."""
    ml = amendment.convention.mission_locale
    assert ml.siret[:3] + " " + ml.siret[3:6] in text
    assert IBAN in text
    for number in CHORUS + ACTIVITY_CODES:
        assert number in text
    for figures, words in EXPECTED_AMOUNTS:
        assert figures in text, figures
        assert words in text, words
    for fragment in ("AVENANT N° 2 À LA CONVENTION PLURIANNUELLE D'OBJECTIFS N° CPO-2024-13-001",
                     "programme 102", "Domaine fonctionnel : 0102-02-02", "ARTICLE 4 – SANCTIONS",
                     "Dominique Exemple", "14 mars 2025", "31 décembre 2025", "Tampon de l'organisme",
                     "Le Préfet de la région Provence-Alpes-Côte d'Azur", ml.name):  # fmt: skip
        assert fragment.lower() in text.lower(), fragment
    assert "{{" not in text and "{%" not in text


def test_docx_download(client, network, amendment13):
    client.force_login(user_of(Role.REGIONAL_STATE, network))
    response = client.get(reverse("funding:amendment_document", args=[amendment13.pk, "docx"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="avenant-2025-ML-ML13S00.docx"'
    assert response["Content-Type"].endswith("wordprocessingml.document")
    _check_document(flat(docx_text(response.content)), amendment13)


def test_pdf_download(client, network, amendment13):
    client.force_login(user_of(Role.REGIONAL_STATE, network))
    response = client.get(reverse("funding:amendment_document", args=[amendment13.pk, "pdf"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="avenant-2025-ML-ML13S00.pdf"'
    assert response.content.startswith(b"%PDF")
    _check_document(flat(pdf_text(response.content)), amendment13)


def test_docx_keeps_the_no_break_spaces_of_amounts(client, network, amendment13):
    client.force_login(user_of(Role.NATIONAL_ADMIN, network))
    text = docx_text(client.get(reverse("funding:amendment_document", args=[amendment13.pk, "docx"])).content)
    assert as_printed("517 280,51 €") in text


def test_the_default_templates_pass_their_own_check():
    """Every variable of the defaults exists in the sample context (checked strictly), so an administrator who
    starts from them starts from a valid template."""
    check_docx_template(avenant.KIND, avenant.DOCX_DEFAULT.read_bytes())
    check_html_template(avenant.KIND, default_html_source(avenant.KIND).encode())


def test_the_committed_docx_is_the_script_output(tmp_path):
    """The DOCX in the repository is rebuilt by scripts/make_document_templates.py (same text)."""
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "scripts" / "make_document_templates.py"
    spec = importlib.util.spec_from_file_location("make_document_templates", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    assert docx_text((tmp_path / "avenant_cpo.docx").read_bytes()) == docx_text(avenant.DOCX_DEFAULT.read_bytes())


def test_an_uploaded_template_is_used_for_the_download(client, network, amendment13, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    custom = make_docx(tmp_path / "dgefp.docx", "AVENANT (MODÈLE DGEFP) {{ year }}", "Total : {{ total.words }}")
    template = DocumentTemplate(kind=avenant.KIND)
    template.docx_file.save("dgefp.docx", ContentFile(custom.read_bytes()))
    client.force_login(user_of(Role.NATIONAL_ADMIN, network))
    text = docx_text(client.get(reverse("funding:amendment_document", args=[amendment13.pk, "docx"])).content)
    assert "AVENANT (MODÈLE DGEFP) 2025" in text
    assert f"Total : {EXPECTED_AMOUNTS[5][1]}" in text
    assert "ARTICLE 4" not in text


@pytest.mark.parametrize(
    ("paragraph", "message"),
    [("{{ montant_total }}", "variable inconnue"), ("{{ total.figures }", "balise mal formée"),
     ("{%tr for line in lines %}", "balise mal formée"), ("{{ total|euros }}", "ne peut pas être rempli")],
)  # fmt: skip
def test_a_broken_avenant_template_is_refused(tmp_path, paragraph, message):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        check_docx_template(avenant.KIND, make_docx(tmp_path / "x.docx", paragraph).read_bytes())
    assert message in exc.value.messages[0]


def test_the_convention_page_offers_the_downloads(client, network, amendment13):
    client.force_login(user_of(Role.ML_DIRECTOR, network))
    page = client.get(reverse("funding:convention_detail", args=[amendment13.convention.pk])).content.decode()
    assert reverse("funding:amendment_document", args=[amendment13.pk, "docx"]) in page
    assert reverse("funding:amendment_document", args=[amendment13.pk, "pdf"]) in page


# Who downloads: whoever sees the CPO (funding visibility); otherwise 404, never a hint that it exists.

SEES_CPO_13 = {Role.NATIONAL_ADMIN, Role.NATIONAL_OBSERVER, Role.REGIONAL_STATE, Role.ARML,
               Role.DEPARTMENTAL_STATE, Role.ML_DIRECTOR, Role.ML_STAFF}  # fmt: skip
SEES_CPO_69 = {Role.NATIONAL_ADMIN, Role.NATIONAL_OBSERVER}


@pytest.mark.parametrize("role", list(Role))
def test_download_matrix(client, network, amendment13, amendment69, role):
    client.force_login(user_of(role, network))
    for amendment, allowed in ((amendment13, role in SEES_CPO_13), (amendment69, role in SEES_CPO_69)):
        response = client.get(reverse("funding:amendment_document", args=[amendment.pk, "docx"]))
        assert response.status_code == (200 if allowed else 404), (role, amendment.convention.mission_locale)


@pytest.mark.parametrize("role", [Role.DEPARTMENTAL_STATE, Role.ML_DIRECTOR])
def test_pdf_out_of_territory_is_404(client, network, amendment69, role):
    client.force_login(user_of(role, network))
    assert client.get(reverse("funding:amendment_document", args=[amendment69.pk, "pdf"])).status_code == 404


def test_unknown_format_and_anonymous(client, network, amendment13):
    url = reverse("funding:amendment_document", args=[amendment13.pk, "docx"])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(user_of(Role.NATIONAL_ADMIN, network))
    assert client.get(reverse("funding:amendment_document", args=[amendment13.pk, "odt"])).status_code == 404
    assert client.get(reverse("funding:amendment_document", args=[999999, "pdf"])).status_code == 404


def test_file_name(amendment13):
    assert avenant.file_name(amendment13, "pdf") == "avenant-2025-ML-ML13S00.pdf"


def test_avenant_without_complements_nor_bank(client, network):
    """Only the socle: no sentence on complementary subsidies; no IBAN: the bank details are « à compléter »; a GIP
    is « le GIP »."""
    from decimal import Decimal

    from pilotage.funding.models import Amendment
    from pilotage.funding.services import amendment_set_budget
    from tests.factories import cpo_for

    ml = network["ml13"]
    ml.legal_form = "gip"
    ml.save()
    amendment = Amendment(convention=cpo_for(ml), number=1, year=2024)
    dreets = user_of(Role.REGIONAL_STATE, network)
    amendment_set_budget(amendment=amendment, amounts={"socle": (Decimal("1000000"), "")}, acting_user=dreets)
    client.force_login(dreets)
    for fmt, read in (("docx", docx_text), ("pdf", pdf_text)):
        text = flat(read(client.get(reverse("funding:amendment_document", args=[amendment.pk, fmt])).content))
        assert "1 000 000,00 € (un million d'euros)" in text
        assert "500 000,00 € (cinq cent mille euros)" in text  # the advance, and the balance
        assert "complémentaires" not in text
        assert "IBAN : (à compléter)" in text
        assert "désigné sous le terme « le GIP »" in text
        assert "Groupement d'intérêt public (GIP)" in text
        assert "engagement juridique Chorus n° …" in text


def test_complements_only_name_the_lines_that_exist(network):
    amendment = signed_amendment(network["ml13"], sign=False)
    amendment.budget_lines.filter(kind="parrainage").delete()
    text = flat(docx_text(render_avenant(amendment)))
    assert "Des subventions annuelles complémentaires" in text
    assert "au titre des actions de parrainage ;" not in text and "quinze mille deux cents" not in text
    assert "22 000,51 € (vingt-deux mille euros et cinquante et un centimes) au titre du FIPJ" in text


def render_avenant(amendment) -> bytes:
    from pilotage.documents.rendering import render_docx

    return render_docx(avenant.KIND, avenant.amendment_document_context(amendment))
