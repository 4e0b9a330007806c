"""Funding pages: who sees which convention and line, by page, export and the funders' view; the avenant flow."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter

from pilotage.core.roles import Role
from pilotage.funding.models import Amendment, Convention, FundingLine
from tests.core.exporting import body
from tests.factories import FunderFactory, department
from tests.funding.conftest import VISIBLE


def login(client, role, network):
    from tests.network import user_of

    user = user_of(role, network)
    client.force_login(user)
    return user


def test_every_role_is_listed():
    assert set(VISIBLE) == set(Role)


@pytest.mark.parametrize("role", list(Role))
def test_conventions_by_page(client, network, funded, role):
    login(client, role, network)
    listing = client.get(reverse("funding:convention_list")).content.decode()
    for key in ("cpo13", "cpo69", "cd13conv", "cd83conv"):
        convention = funded[key]
        response = client.get(reverse("funding:convention_detail", args=[convention.pk]))
        assert response.status_code == (200 if key in VISIBLE[role] else 404), (role, key)
        assert (convention.title in listing) == (key in VISIBLE[role]), (role, key)


@pytest.mark.parametrize("role", list(Role))
def test_lines_by_page_and_export(client, network, funded, role):
    login(client, role, network)
    page = client.get(reverse("funding:line_list")).content.decode()
    export = body(client.get(reverse("funding:line_export", args=["csv"]), {"format": "technique"})).decode()
    assert export.startswith("code_ml,annee,financeur_type")
    for key in ("line13state", "line13cd", "line83cd", "line69state"):
        line = funded[key]
        assert (line.source in page) == (key in VISIBLE[role]), (role, key)
    visible_lines = len(export.strip().splitlines()) - 1
    assert visible_lines == len([k for k in VISIBLE[role] if k.startswith("line")]), role


@pytest.mark.parametrize("role", [Role.DEPARTMENTAL_COUNCIL, Role.DEPARTMENTAL_STATE, Role.ML_DIRECTOR])
def test_another_department_is_404_in_filters_and_the_funders_view(client, network, funded, role):
    login(client, role, network)
    assert client.get(reverse("funding:line_export", args=["csv"]), {"departement": "83"}).status_code == 404
    assert client.get(reverse("funding:conference", args=["departement", "83"])).status_code == 404
    assert client.get(reverse("funding:conference", args=["region", "84"])).status_code == 404


def test_funders_view_of_a_department(client, network, funded):
    login(client, Role.DEPARTMENTAL_STATE, network)
    page = client.get(reverse("funding:conference", args=["departement", "13"]), {"annee": 2024}).content.decode()
    assert "Mission Locale Treize" in page and "Quatre-vingt-trois" not in page
    assert "2\u202f000\u202f€" in page  # State 1 000 + department 1 000
    assert "50,0\u202f%" in page  # each funder's share
    assert "31/12/2027" in page  # the CPO's end: multi-year visibility
    assert "Vous voyez les seuls financements" not in page


def test_a_council_is_told_it_sees_only_its_own_funding_and_gets_no_meaningless_share(client, network, funded):
    login(client, Role.DEPARTMENTAL_COUNCIL, network)
    page = client.get(reverse("funding:conference", args=["departement", "13"]), {"annee": 2024}).content.decode()
    assert "Vous voyez les seuls financements de" in page and str(network["cd13"]) in page
    assert "1\u202f000\u202f€" in page  # its own 1 000, not the State's
    assert "100,0\u202f%" not in page and "%" not in page.split("<table>", 1)[1].split("</table>")[0]


def test_the_dreets_runs_an_avenant_from_the_pages(client, network, funded):
    user = login(client, Role.REGIONAL_STATE, network)
    cpo = funded["cpo13"]
    url = reverse("funding:amendment_create", args=[cpo.pk])
    data = {"number": 1, "year": 2024, "programme": "102", "action": "02", "sub_action": "02",
            "functional_domain": "0102-02-02", "iban": "FR76 3000 6000 0112 3456 7890 189", "bic": "", "bank_name": "",
            "amount_socle": "1 050 000,00", "chorus_socle": "2100000001", "amount_parrainage": "20000",
            "chorus_parrainage": "", "amount_fipj_direct": "", "chorus_fipj_direct": "", "amount_fipj_indirect": "",
            "chorus_fipj_indirect": "", "guardrail_justification": ""}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    amendment = Amendment.objects.get()
    assert amendment.total == Decimal("1070000.00") and amendment.iban == "FR7630006000011234567890189"
    too_much = {**data, "year": 2025, "number": 2, "amount_socle": "1 400 000"}
    page = client.post(url, too_much).content.decode()
    assert "au-delà de ±10" in page and Amendment.objects.count() == 1
    sign = reverse("funding:amendment_sign", args=[cpo.pk, amendment.pk])
    assert client.post(sign, {"signed_on": "2024-03-01"}).status_code == 302
    detail = client.get(reverse("funding:convention_detail", args=[cpo.pk])).content.decode()
    assert "Signé le 01/03/2024" in detail and "535\u202f000,00\u202f€" in detail  # the 50 % advance
    advance = amendment.payments.get(kind="advance")
    client.post(reverse("funding:payment_record", args=[cpo.pk, advance.pk]), {"paid_on": "2024-03-20"})
    advance.refresh_from_db()
    assert advance.status == "paid" and advance.history.first().history_user == user
    assert FundingLine.objects.filter(year=2024, funder_type="etat", theme="parrainage").exists()


def test_a_council_creates_its_convention_and_adds_a_signed_file(client, network, funded, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = login(client, Role.DEPARTMENTAL_COUNCIL, network)
    form = client.get(reverse("funding:convention_create")).context["form"]
    assert list(form.fields["funder"].queryset) == [network["cd13"]]
    assert set(form.fields["mission_locale"].queryset) == {network["ml13"]}
    response = client.post(reverse("funding:convention_create"), {
        "kind": "multi_year", "title": "Convention ASE 2025-2027", "theme": "ase", "funder": network["cd13"].pk,
        "mission_locale": network["ml13"].pk, "start_date": "2025-01-01", "end_date": "2027-12-31", "status": "draft",
    })  # fmt: skip
    assert response.status_code == 302
    convention = Convention.objects.get(title="Convention ASE 2025-2027")
    assert convention.history.first().history_user == user
    pdf = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(pdf)
    upload = SimpleUploadedFile("signee.pdf", pdf.getvalue())
    client.post(reverse("funding:convention_document_add", args=[convention.pk]), {"label": "Convention signée",
                                                                                   "file": upload})  # fmt: skip
    document = convention.documents.get()
    download = client.get(reverse("funding:convention_document", args=[convention.pk, document.pk]))
    assert b"".join(download.streaming_content) == pdf.getvalue()
    # it may not sign in another council's name, nor edit the State's CPO
    other = client.post(reverse("funding:convention_create"), {
        "kind": "annual", "title": "X", "funder": network["cd83"].pk, "mission_locale": network["ml13"].pk,
        "start_date": "2025-01-01", "end_date": "2025-12-31", "status": "draft",
    })  # fmt: skip
    assert other.status_code == 200 and "funder" in other.context["form"].errors
    assert client.get(reverse("funding:convention_edit", args=[funded["cd13conv"].pk])).status_code == 200
    assert client.get(reverse("funding:amendment_create", args=[funded["cpo13"].pk])).status_code == 404


def test_analysis_page_and_exports(client, network, funded):
    login(client, Role.NATIONAL_ADMIN, network)
    params = {"financeur_type": "departement", "debut": 2023, "fin": 2024}
    page = client.get(reverse("funding:analysis"), params).content.decode()
    assert "<line-chart" in page and "<map-chart" in page and "DSFRChart.js" in page
    data = client.get(reverse("funding:analysis_export", args=["json"]), params).json()
    assert data["categories"]["fonctionnement"]["totaux"] == {"2023": 0.0, "2024": 2000.0}
    assert data["part_dans_total_subventions_pct"]["2024"] == 50.0
    xlsx = client.get(reverse("funding:analysis_export", args=["xlsx"]), params)
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    csv = client.get(reverse("funding:analysis_export", args=["csv"]), {**params, "format": "technique"})
    assert "fonctionnement,total,2024,2000.0" in csv.content.decode()
    assert client.get(reverse("funding:analysis"), {**params, "fin": 2019}).context["report"] is None


def test_funding_import_screen_for_a_council(client, network, funded, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    login(client, Role.DEPARTMENTAL_COUNCIL, network)
    content = ("code_ml;annee;financeur_type;financeur_code;categorie;theme;montant\n"
               "ML13S00;2025;departement;13;thematique;faj;12 500,00\n"
               "ML83S00;2025;departement;83;fonctionnement;;1\n")  # fmt: skip
    page = client.post(reverse("funding:import"), {"kind": "lignes", "file": SimpleUploadedFile(
        "faj.csv", content.encode("cp1252"))}, follow=True).content.decode()  # fmt: skip
    assert "import refusé, 1 erreur" in page and "vous ne pouvez importer que les lignes de votre collectivité" in page
    good = content.rsplit("ML83S00", 1)[0]
    client.post(reverse("funding:import"), {"kind": "lignes", "file": SimpleUploadedFile("faj.csv", good.encode())})
    assert client.post(reverse("funding:import_confirm")).status_code == 302
    assert FundingLine.objects.get(year=2025).amount == Decimal("12500.00")


@pytest.mark.parametrize("role", [Role.ML_DIRECTOR, Role.ARML, Role.NATIONAL_OBSERVER])
def test_readers_cannot_import_or_create(client, network, funded, role):
    login(client, role, network)
    assert client.get(reverse("funding:import")).status_code == 404
    assert client.get(reverse("funding:convention_create")).status_code == 404
    assert client.get(reverse("funding:convention_edit", args=[funded["cpo13"].pk])).status_code == 404


def test_a_municipality_sees_its_own_lines(client, network, funded):
    user = login(client, Role.MUNICIPALITY, network)
    FundingLine.objects.create(mission_locale=network["ml13"], year=2024, funder_type="commune_epci",
                               funder_code=user.funder.code, funder=user.funder, category="fonctionnement",
                               amount=Decimal("5"), source="epci-line")  # fmt: skip
    FunderFactory(municipality=True, department=department("13"))
    page = client.get(reverse("funding:line_list")).content.decode()
    assert "epci-line" in page and "line13cd" not in page


def test_analysis_department_averages_count_every_year_of_the_range(client, network, funded):
    """funding-format.md: a department's yearly average is over Y1…Y2, a year with nothing counting 0 (the map
    and the CSV export once divided by the years that had any line)."""
    login(client, Role.NATIONAL_ADMIN, network)
    params = {"financeur_type": "departement", "debut": 2023, "fin": 2024}  # lines in 2024 only
    content = client.get(reverse("funding:analysis_export", args=["csv"]), {**params, "format": "technique"})
    rows = {line.split(",")[1]: line.split(",")[3] for line in content.content.decode().splitlines()[1:]}
    assert float(rows["moyenne_annuelle_departement_13"]) == 500.0  # 1 000 € in 2024, nothing in 2023
    assert float(rows["moyenne_annuelle_departement_83"]) == 500.0
