"""Build the default DOCX template of the management dialogue synthesis (python-docx), with its docxtpl tags.

Usage:  .venv/bin/python scripts/make_dialogue_templates.py
Writes pilotage/dialogue/templates_docx/synthese_dialogue.docx with the variables of
`pilotage.dialogue.documents.synthesis_context`. Each tag sits in one run; `{%tr %}` and `{%p %}` tags alone in
their row or paragraph. An administrator starts from this file (downloaded from the admin) to make their own.
"""

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

TARGET = Path(__file__).resolve().parent.parent / "pilotage" / "dialogue" / "templates_docx"
BLUE = RGBColor(0x00, 0x00, 0x91)


def setup(document):
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    section.left_margin = section.right_margin = Cm(1.8)
    section.top_margin = section.bottom_margin = Cm(1.5)
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(9.5)
    normal.paragraph_format.space_after = Pt(3)
    for name, size in (("Heading 1", 14), ("Heading 2", 11.5)):
        style = document.styles[name]
        style.font.name = "Arial"
        style.font.size = Pt(size)
        style.font.color.rgb = BLUE


def table(document, header, row_tags, loop):
    """A table with a header row and one looped row: {%tr for … %} / cells / {%tr endfor %}."""
    grid = document.add_table(rows=4, cols=len(header))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, header, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    grid.rows[1].cells[0].paragraphs[0].text = "{%tr " + loop + " %}"
    for cell, tag in zip(grid.rows[2].cells, row_tags, strict=True):
        cell.paragraphs[0].text = tag
    grid.rows[3].cells[0].paragraphs[0].text = "{%tr endfor %}"
    return grid


def synthesis():
    document = Document()
    setup(document)
    p = document.add_paragraph()
    p.add_run("{{ state_service }}").bold = True
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_heading("Synthèse du dialogue de gestion {{ year }}", level=1)
    document.add_paragraph("{{ ml_name }} — SIRET {{ ml_siret }} — {{ department }}, {{ region }}")
    document.add_paragraph(
        "Convention pluriannuelle d'objectifs : {{ cpo }}. Activité {{ year }} examinée ; objectifs, plan d'action "
        "et subvention de l'État pour {{ target_year }}. État du dossier : {{ status }}{{ concluded }}."
    )
    document.add_heading("1. Analyse et partage du contexte", level=2)
    document.add_paragraph("{%p for item in context_answers %}")
    p = document.add_paragraph()
    p.add_run("{{ item.title }} : ").bold = True
    p.add_run("{{ item.text }}")
    document.add_paragraph("{%p endfor %}")
    document.add_heading("2. Indicateurs et ratios de la CPO", level=2)
    table(
        document,
        ["Indicateur", "{{ year }}", "{{ year - 1 }}", "Région", "France"],
        ["{{ r.label }}", "{{ r.value }}", "{{ r.previous }}", "{{ r.region }}", "{{ r.national }}"],
        "for r in indicators",
    )
    document.add_heading("3. Objectifs négociés", level=2)
    table(
        document,
        ["Ratio", "Objectif {{ year }}", "Atteint {{ year }}", "Objectif {{ target_year }}"],
        ["{{ t.label }}", "{{ t.previous_target }}", "{{ t.achieved }}", "{{ t.target }}"],
        "for t in targets",
    )
    document.add_heading("4. Tableau de synthèse", level=2)
    table(
        document,
        ["Thèmes", "Forces", "Axes de progrès", "Actions prioritaires"],
        ["{{ s.theme }}", "{{ s.strengths }}", "{{ s.areas_for_progress }}", "{{ s.priority_actions }}"],
        "for s in synthesis",
    )
    document.add_heading("5. Plan d'action", level=2)
    table(
        document,
        ["Action", "Thème", "Pilote", "Échéance", "État"],
        ["{{ a.title }}", "{{ a.theme }}", "{{ a.owner }}", "{{ a.due_on }}", "{{ a.status }}"],
        "for a in actions",
    )
    document.add_heading("6. Subvention de l'État proposée pour {{ target_year }}", level=2)
    p = document.add_paragraph()
    p.add_run("{{ subsidy.figures }}").bold = True
    p.add_run(" ({{ subsidy.words }}). {{ subsidy_justification }}")
    document.add_paragraph("{{ guardrail_text }}")
    signatures = document.add_table(rows=2, cols=2)
    signatures.cell(0, 0).paragraphs[0].add_run("Pour l'État,").bold = True
    signatures.cell(0, 1).paragraphs[0].add_run("Pour la Mission Locale, le président ou la présidente,").bold = True
    signatures.cell(1, 0).paragraphs[0].text = "{{ state_service }}"
    signatures.cell(1, 1).paragraphs[0].text = "{{ president }}"
    document.add_paragraph(
        "Document établi le {{ today }} à partir des données de la plateforme Pilotage Missions Locales."
    )
    TARGET.mkdir(parents=True, exist_ok=True)
    document.save(TARGET / "synthese_dialogue.docx")


if __name__ == "__main__":
    synthesis()
