"""The CPO indicator engine over the warehouse export (definitions: ../shared/cpo-indicators.md).

No Django model here: the engine runs from files with DuckDB, so that `pilotage compute_indicators` needs no
database. Layers: raw files → validated, typed staging tables (`export.py`: a strict pass, then a trimming
pass, then the detailed checks only for an invalid export; ADRs 0019, 0025) → per-young-person facts, parts
per Mission Locale, levels (`compute.py`) → the long CSV (`compute.write_results`, formatted by DuckDB).
"""
