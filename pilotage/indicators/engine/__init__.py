"""The CPO indicator engine over the warehouse export (definitions: ../shared/cpo-indicators.md).

No Django model here: the engine runs from files with DuckDB, so that `pilotage compute_indicators` needs no
database. Layers: raw files → validated, typed staging tables (`export.py`) → per-young-person facts and
indicator tables (`compute.py`) → the long CSV.
"""
