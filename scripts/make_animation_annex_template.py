"""Build the default DOCX template of the regional animation programme's annex (python-docx + docxtpl tags).

The layout follows the annex of seed 001 (circular DGEFP 2008-15): a title, the table of the 4 missions and
6 objectives, then for each mission and objective a table with one row per action — Action N°, QUOI,
POURQUOI, COMMENT, QUI FAIT QUOI ?, ECHEANCIER, COUT PREVISIONNEL ET FINANCEMENT — and the totals.

    .venv/bin/python scripts/make_animation_annex_template.py

writes pilotage/animation/templates_docx/annexe_programme.docx (committed; the context is built by
pilotage/animation/annex.py::annex_context, amounts preformatted as strings).
"""

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

OUTPUT = Path(__file__).resolve().parent.parent / "pilotage" / "animation" / "templates_docx" / "annexe_programme.docx"
HEADERS = [
    "Action N°",
    "QUOI : l'intitulé de l'action",
    "POURQUOI : les objectifs de l'action",
    "COMMENT : les actions",
    "QUI FAIT QUOI ? La méthode et l'organisation",
    "ECHEANCIER",
    "COUT PREVISIONNEL ET FINANCEMENT",
]
WIDTHS = [Cm(1.5), Cm(3.5), Cm(4.5), Cm(4.5), Cm(4.5), Cm(3.2), Cm(4.0)]


def _cell(cell, lines, bold=False):
    """Write `lines` as paragraphs of the cell (the first replaces the empty default paragraph)."""
    first = cell.paragraphs[0]
    for index, text in enumerate(lines):
        paragraph = first if index == 0 else cell.add_paragraph()
        run = paragraph.add_run(text)
        run.bold = bold
        run.font.size = Pt(8)


def _loop_rows(table, loop: str):
    """Rows 1 and 3 hold docxtpl's row-loop tags around row 2 (each tag row is dropped when rendering)."""
    _cell(table.rows[1].cells[0], [f"{{%tr for {loop} %}}"])
    _cell(table.rows[3].cells[0], ["{%tr endfor %}"])


def build(path: Path = OUTPUT) -> Path:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    styles = document.styles
    styles["Normal"].font.name = "Arial"
    styles["Normal"].font.size = Pt(10)

    title = document.add_heading(
        "Annexe à la convention entre l'Etat et {{ operator }} portant sur le programme régional d'animation "
        "des missions locales de la Région {{ region }}",
        level=1,
    )
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    year = document.add_heading("Année {{ year }}", level=2)
    year.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(
        "Statut du programme : {{ status }}{% if convention %} — convention {{ convention }}{% endif %}"
    )
    document.add_paragraph("Parties : {{ parties }}")

    document.add_heading("Les 4 missions et les 6 objectifs du programme régional", level=2)
    table = document.add_table(rows=4, cols=3)
    table.style = "Table Grid"
    _cell(table.rows[0].cells[0], ["Mission"], bold=True)
    _cell(table.rows[0].cells[1], ["Objectif"], bold=True)
    _cell(table.rows[0].cells[2], ["Intitulé"], bold=True)
    _loop_rows(table, "o in catalogue")
    row = table.rows[2].cells
    _cell(row[0], ["{{ o.mission }}"])
    _cell(row[1], ["{{ o.number }}"])
    _cell(row[2], ["⇒ {{ o.label }}"])

    document.add_paragraph("{%p for mission in missions %}")
    document.add_heading("{{ mission.roman }} — {{ mission.label }}", level=2)
    document.add_paragraph("{%p for objective in mission.objectives %}")
    document.add_heading("OBJECTIF {{ objective.number }} — {{ objective.label }}", level=3)
    table = document.add_table(rows=4, cols=len(HEADERS))
    table.style = "Table Grid"
    for cell, header, width in zip(table.rows[0].cells, HEADERS, WIDTHS, strict=True):
        _cell(cell, [header], bold=True)
        cell.width = width
    _loop_rows(table, "a in objective.actions")
    cells = table.rows[2].cells
    _cell(cells[0], ["{{ a.number }}"], bold=True)
    _cell(cells[1], ["{{ a.title }}", "{{ a.origin }}"])
    _cell(cells[2], ["{%p for item in a.why %}", "➤ {{ item }}", "{%p endfor %}"])
    _cell(cells[3], ["{%p for item in a.how %}", "• {{ item }}", "{%p endfor %}"])
    _cell(cells[4], ["{%p for line in a.method %}", "{{ line }}", "{%p endfor %}"])
    _cell(cells[5], ["{%p for m in a.milestones %}", "{{ m }}", "{%p endfor %}"])
    _cell(
        cells[6],
        ["Coût de l'action : {{ a.cost }}", "{%p for f in a.fundings %}", "{{ f.name }} : {{ f.amount }}",
         "{%p endfor %}", "Montant alloué par l'Etat : {{ a.state }}"],
    )  # fmt: skip
    for row in table.rows:
        for cell, width in zip(row.cells, WIDTHS, strict=True):
            cell.width = width
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p endfor %}")

    document.add_heading("Coût prévisionnel et financement du programme", level=2)
    table = document.add_table(rows=4, cols=2)
    table.style = "Table Grid"
    _cell(table.rows[0].cells[0], ["Financeur"], bold=True)
    _cell(table.rows[0].cells[1], ["Montant"], bold=True)
    _loop_rows(table, "f in totals.by_funder")
    _cell(table.rows[2].cells[0], ["{{ f.name }}"])
    _cell(table.rows[2].cells[1], ["{{ f.amount }}"])
    document.add_paragraph("Coût prévisionnel total du programme : {{ totals.cost }}")
    document.add_paragraph("Montant total alloué par l'Etat : {{ totals.state }} ({{ totals.state_in_words }})")
    document.add_paragraph(
        "{% if totals.unfunded %}Part non couverte par les financeurs : {{ totals.unfunded }}{% endif %}"
    )
    document.add_paragraph("Totaux par mission :")
    document.add_paragraph("{%p for m in totals.by_mission %}")
    document.add_paragraph("{{ m.label }} : {{ m.cost }} dont Etat {{ m.state }}")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("Part de l'Etat dans le budget de l'Etat des missions locales de la région : {{ band }}")
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


if __name__ == "__main__":
    print(build())
