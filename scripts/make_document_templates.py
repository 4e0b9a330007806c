"""Build the default DOCX templates of the official documents (python-docx), with their docxtpl (Jinja) tags.

Usage:  .venv/bin/python scripts/make_document_templates.py
Writes pilotage/funding/templates_docx/avenant_cpo.docx: the avenant of seed 004, annex 2, fiche 4, with the
variables of `pilotage.funding.avenant.build_context`. Each tag sits in a single run (docxtpl needs it);
`{%p %}` and `{%tr %}` tags sit alone in their paragraph or table row.
An administrator starts from this file (downloaded from the admin) to make their own.
"""

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

TARGET = Path(__file__).resolve().parent.parent / "pilotage" / "funding" / "templates_docx"
BLUE = RGBColor(0x00, 0x00, 0x91)


def setup(document):
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(1.8)
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(4)
    for name in ("Heading 1", "Heading 2"):
        style = document.styles[name]
        style.font.name = "Arial"
        style.font.color.rgb = BLUE
    document.styles["Heading 1"].font.size = Pt(13)
    document.styles["Heading 2"].font.size = Pt(11)


def para(document_or_cell, *runs, align=None, size=None, space_after=None, style=None):
    """A paragraph of runs: each run is text or (text, {"bold": True, "italic": True})."""
    paragraph = document_or_cell.add_paragraph(style=style)
    for run in runs:
        text, fmt = (run, {}) if isinstance(run, str) else run
        r = paragraph.add_run(text)
        r.bold = fmt.get("bold")
        r.italic = fmt.get("italic")
        if size:
            r.font.size = Pt(size)
    if align:
        paragraph.alignment = align
    if space_after is not None:
        paragraph.paragraph_format.space_after = Pt(space_after)
    return paragraph


def bold(text):
    return (text, {"bold": True})


def italic(text):
    return (text, {"italic": True})


def cell_text(cell, *runs, align=None):
    cell.paragraphs[0].text = ""
    first = cell.paragraphs[0]
    for run in runs:
        text, fmt = (run, {}) if isinstance(run, str) else run
        r = first.add_run(text)
        r.bold = fmt.get("bold")
        r.italic = fmt.get("italic")
    if align:
        first.alignment = align
    return cell


def shade(cell, color="E3E3FD"):
    properties = cell._tc.get_or_add_tcPr()
    fill = OxmlElement("w:shd")
    fill.set(qn("w:val"), "clear")
    fill.set(qn("w:color"), "auto")
    fill.set(qn("w:fill"), color)
    properties.append(fill)


def article(document, title):
    document.add_heading(title, level=2)


def avenant():
    document = Document()
    setup(document)

    # Letterhead: the State on the left, the imputation on the right (fiche 4 opens with both)
    head = document.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = head.rows[0].cells
    cell_text(left, bold("RÉPUBLIQUE FRANÇAISE"))
    para(left, italic("Liberté, Égalité, Fraternité"), size=9)
    para(left, bold("{{ state.ministry }}"))
    para(left, "{{ state.service_long }}", size=9)
    cell_text(right, bold("Imputation budgétaire :"))
    para(right, "Mission {{ imputation.mission }}", size=9, space_after=0)
    para(right, "Programme {{ imputation.programme }} : {{ imputation.programme_label }}", size=9, space_after=0)
    para(right, "Action {{ imputation.action }} : {{ imputation.action_label }}", size=9, space_after=0)
    para(right, "Sous-action {{ imputation.sub_action }} : {{ imputation.sub_action_label }}", size=9, space_after=0)
    para(right, "Domaine fonctionnel : {{ imputation.functional_domain }}", size=9)

    para(document, bold("Activités :"), space_after=0)
    para(document, "{%p for line in lines %}")
    para(
        document,
        "– {{ line.activity_code }} : {{ line.activity_label }} – engagement juridique Chorus n° {{ line.chorus }}",
        space_after=0,
    )
    para(document, "{%p endfor %}")
    para(document, bold("Montant annuel total {{ year }} : {{ total.figures }}"), space_after=0)
    para(document, "Réparti comme suit : {{ socle.figures }} missions locales ; {{ parrainage.figures }} actions de "
         "parrainage ; {{ fipj.figures }} actions FIPJ.")  # fmt: skip

    title = para(document, bold("AVENANT N° {{ number }} À LA CONVENTION PLURIANNUELLE D'OBJECTIFS "
                                "N° {{ convention.reference }}"), align=WD_ALIGN_PARAGRAPH.CENTER, size=13,
                 space_after=0)  # fmt: skip
    title.paragraph_format.space_before = Pt(14)
    para(document, bold("NOTIFIÉE LE {{ convention.signed_on }}"), align=WD_ALIGN_PARAGRAPH.CENTER, size=13,
         space_after=14)  # fmt: skip

    # The parties
    para(document, bold("Entre"))
    para(document, "{{ state.prefect_title }}, représenté par {{ state.represented_by }}, "
         "et désigné sous le terme « l'État », d'une part,")  # fmt: skip
    para(document, bold("Et"))
    para(document, bold("{{ ml.name }}"), space_after=0)
    para(document, "dont le siège social est situé : {{ ml.address }}", space_after=0)
    para(document, "Courriel : {{ ml.email }}", space_after=0)
    para(document, "Téléphone : {{ ml.phone }}", space_after=0)
    para(document, "{{ ml.legal_form }}, et {{ ml.designated }} sous le terme « {{ ml.designation }} », "
         "d'autre part,", space_after=0)  # fmt: skip
    para(document, "N° SIRET : {{ ml.siret }}", space_after=0)
    para(document, "Code APE : {{ ml.ape }}")
    para(document, "Vu la convention pluriannuelle d'objectifs n° {{ convention.reference }} signée entre l'État et "
         "{{ ml.name }} en date du {{ convention.signed_on }},")  # fmt: skip
    para(document, "Il est convenu ce qui suit :")

    article(document, "ARTICLE 1 – OBJET")
    para(document, "Le présent avenant a pour objet :")
    para(document, bold("1.1 : "), "de modifier l'article 2 de la convention pluriannuelle d'objectifs de la manière "
         "suivante :")  # fmt: skip
    para(document, italic("Article 2 : « Durée de la convention »"))
    para(document, italic("La convention a une durée de quatre ans avec reconduction tacite chaque année, sous réserve "
                          "de la présentation par la structure, un mois après la tenue de l'assemblée générale et, au "
                          "plus tard, à l'expiration d'un délai de six mois suivant la clôture de l'exercice "
                          "comptable, des documents mentionnés aux articles 5 et 6."))  # fmt: skip
    para(document, bold("1.2 : "), "de fixer le montant de la subvention annuelle de l'État allouée à "
         "{{ ml.designation }} ainsi que le montant de la subvention annuelle de l'État versée au titre des actions "
         "de parrainage et celles du FIPJ précisant le détail des aides directes et indirectes.")  # fmt: skip
    para(document, "Le plan d'actions, les objectifs de l'année {{ year }}, le budget annuel prévisionnel des actions "
         "de la Mission Locale attachées à la CPO, ainsi que le tableau d'indicateurs prévisionnel de la CPO sont "
         "annexés au présent document.")  # fmt: skip

    article(document, "ARTICLE 2 – MONTANT DE LA SUBVENTION ANNUELLE")
    para(document, "La subvention annuelle {{ year }} accordée à {{ ml.designation }} est fixée à : ",
         bold("{{ socle.figures }}"), " ({{ socle.words }}).")  # fmt: skip
    para(document, "{%p if has_complements %}")
    para(document, "Des subventions annuelles complémentaires sont fixées, sur la base des plans d'actions annexés "
         "au présent document, à :")  # fmt: skip
    para(document, "{%p if parrainage.value %}")
    para(document, "– ", bold("{{ parrainage.figures }}"), " ({{ parrainage.words }}) au titre des actions de "
         "parrainage ;")  # fmt: skip
    para(document, "{%p endif %}")
    para(document, "{%p if fipj.value %}")
    para(document, "– ", bold("{{ fipj.figures }}"), " ({{ fipj.words }}) au titre du FIPJ, dont "
         "{{ fipj_direct.figures }} ({{ fipj_direct.words }}) d'aides directes aux jeunes et "
         "{{ fipj_indirect.figures }} ({{ fipj_indirect.words }}) d'aides indirectes.")  # fmt: skip
    para(document, "{%p endif %}")
    para(document, "{%p endif %}")
    para(document, "Soit un montant annuel total de ", bold("{{ total.figures }}"), " ({{ total.words }}), réparti "
         "par ligne budgétaire :")  # fmt: skip

    lines = document.add_table(rows=4, cols=5)
    lines.style = "Table Grid"
    headers = ["Ligne budgétaire", "Code activité", "Engagement juridique Chorus", "Montant", "Montant en lettres"]
    for cell, header in zip(lines.rows[0].cells, headers, strict=True):
        cell_text(cell, bold(header))
        shade(cell)
    loop_start = lines.rows[1].cells
    cell_text(loop_start[0], "{%tr for line in lines %}")
    row = lines.rows[2].cells
    cell_text(row[0], "{{ line.label }}")
    cell_text(row[1], "{{ line.activity_code }}")
    cell_text(row[2], "{{ line.chorus }}")
    cell_text(row[3], "{{ line.amount.figures }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    cell_text(row[4], "{{ line.amount.words }}")
    cell_text(lines.rows[3].cells[0], "{%tr endfor %}")
    total = lines.add_row().cells
    cell_text(total[0], bold("Total {{ year }}"))
    cell_text(total[3], bold("{{ total.figures }}"), align=WD_ALIGN_PARAGRAPH.RIGHT)
    cell_text(total[4], bold("{{ total.words }}"))
    para(document, "")

    article(document, "ARTICLE 3 – MODALITÉS DE VERSEMENT DE LA SUBVENTION ANNUELLE (CPO)")
    para(document, "Conformément à la convention pluriannuelle d'objectifs, pour l'année {{ year }}, l'État verse la "
         "subvention annuelle de ", bold("{{ total.figures }}"), " ({{ total.words }}) notifiée par le présent "
         "avenant, selon les modalités suivantes :")  # fmt: skip
    para(document, "– une avance, sans préjudice du contrôle de l'administration conformément à la convention "
         "pluriannuelle d'objectifs {{ convention.period }}, dans la limite de 50 % de la contribution financière "
         "attribuée pour l'année, après signature du présent avenant par la Mission Locale susmentionnée, soit un "
         "montant de ", bold("{{ advance.figures }}"), " ({{ advance.words }}) ;")  # fmt: skip
    para(document, "– le solde annuel sera versé sous réserve du respect des conditions de la convention "
         "pluriannuelle d'objectifs {{ convention.period }} et après examen des bilans financiers, comptables et du "
         "contrôle de service fait réalisé par les services de la direction régionale des finances publiques et de "
         "la DREETS, soit un montant de ", bold("{{ balance.figures }}"), " ({{ balance.words }}).")  # fmt: skip
    para(document, "Les versements seront effectués au compte de : ", bold("{{ bank.holder }}"))
    bank = document.add_table(rows=2, cols=5)
    bank.style = "Table Grid"
    for cell, header in zip(bank.rows[0].cells, ["Nom et adresse de la banque", "Code banque", "Code guichet",
                                                  "Numéro de compte", "Clé"], strict=True):  # fmt: skip
        cell_text(cell, italic(header))
        shade(cell)
    for cell, key in zip(bank.rows[1].cells, ["bank_name", "bank_code", "branch_code", "account_code", "rib_key"],
                         strict=True):  # fmt: skip
        cell_text(cell, "{{ bank." + key + " }}")
    para(document, "")
    para(document, "IBAN : ", bold("{{ bank.iban }}"), space_after=0)
    para(document, "BIC : {{ bank.bic }}")
    para(document, "L'ordonnateur de la dépense est : {{ authorising_officer }}.", space_after=0)
    para(document, "Le comptable assignataire est : {{ accountant }}.")

    article(document, "ARTICLE 4 – SANCTIONS")
    para(document, "En cas d'inexécution ou de modification substantielle et en cas de retard significatif des "
         "conditions d'exécution sans l'accord écrit de l'État, ce dernier peut respectivement exiger le reversement "
         "de tout ou partie des sommes déjà versées au titre du présent avenant, diminuer ou suspendre le montant de "
         "la contribution financière, après examen des justificatifs présentés par {{ ml.designation }} et avoir "
         "préalablement entendu ses représentants. L'État en informe {{ ml.designation }} par lettre recommandée "
         "avec accusé de réception.")  # fmt: skip

    article(document, "ARTICLE 5 – DISPOSITIONS GÉNÉRALES")
    para(document, "Toutes les clauses de la convention pluriannuelle d'objectifs demeurent applicables.")

    article(document, "ARTICLE 6 – DATES DE VALIDITÉ")
    para(document, "Le présent avenant prend effet au {{ effective_from }} et se termine au {{ effective_until }}.")

    para(document, "")
    para(document, "Fait à {{ place }}, le {{ signed_on }}, en deux exemplaires originaux.")
    signatures = document.add_table(rows=1, cols=2)
    signatures.style = "Table Grid"
    ml_cell, state_cell = signatures.rows[0].cells
    cell_text(ml_cell, bold("Pour {{ ml.designation }} : {{ ml.name }}"))
    para(ml_cell, "Nom et prénom du signataire : {{ ml.president }}")
    para(ml_cell, "Qualité du signataire : {{ ml.signatory_quality }}")
    para(ml_cell, "Tampon de l'organisme")
    for _ in range(4):
        para(ml_cell, "")
    cell_text(state_cell, bold("Pour l'État,"))
    para(state_cell, "{{ state.prefect_title }}")
    para(state_cell, "et par délégation, {{ state.service }}")
    for _ in range(5):
        para(state_cell, "")
    para(document, "")
    box = document.add_table(rows=1, cols=1)
    box.style = "Table Grid"
    cell_text(box.rows[0].cells[0], italic("Cadre réservé à l'administration"))
    para(box.rows[0].cells[0], "")

    footer = document.sections[0].footer.paragraphs[0]
    footer.text = "Avenant n° {{ number }} ({{ year }}) à la CPO n° {{ convention.reference }} – {{ ml.name }}"
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for run in footer.runs:
        run.font.size = Pt(8)
    return document


def main(target: Path = TARGET) -> None:
    target.mkdir(parents=True, exist_ok=True)
    path = target / "avenant_cpo.docx"
    avenant().save(path)
    print(f"écrit : {path}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET)
