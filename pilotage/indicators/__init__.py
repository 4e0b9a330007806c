"""The CPO dashboard (floor 4 of ARCHITECTURE.md; choices in docs/indicators.md, ADRs 0006, 0007, 0018, 0019).

`engine/` works from files with DuckDB and no Django model: `export.py` (raw files → validated, typed `stg_*`
tables, ADR 0019), `compute.py` (per-young-person facts → parts per Mission Locale → levels → the long CSV),
`synthetic.py` (a generated export for benchmarks and the demo). In the platform: `models.py` (versioned datasets
by year, targets), `services.py` (loading, staging, targets), `catalogue.py` (labels), `queries.py` (which version
a person reads: `dataset_for`; values; the API's selectors), `dashboard.py` (the one read model of a dashboard:
the page, its export and the management dialogue), `masking.py` (small counts), `matrix.py` (efficiency ×
performance), `provenance.py` (where the `submissions` app registers the lineage stamp and explanations); the long
lists (value cells, the ranking of ~450 Missions Locales) are written by `templatetags/indicators.py`."""
