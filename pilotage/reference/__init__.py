"""Territories and organisations (floor 1 of ARCHITECTURE.md).

Territories: `Region`, `Department` (the Code officiel géographique, loaded by a data migration from `data/`);
organisations: `MissionLocale`, `RegionalAssociation`, `StateService`, `Funder`, `NationalBody`. Their pages,
exports and imports: `imilo.py` (the i-milo referential), `imports.py` (CSV/XLSX of Missions Locales, funders,
ARML), `views_imports.py` (the import screen)."""
