"""The regional animation programme of the ARML, seed 001 (floor 5 of ARCHITECTURE.md, ADR 0011).

The State's catalogue (`models/catalogue.py`, loaded from `data/catalogue.json` by a data migration); programmes,
actions, co-fundings, milestones, result indicators, comments and transition log (`models/programmes.py`); the
rules as plain functions (`rules.py`: operator not a Mission Locale, funding within the cost, totals, the 1–6 % /
2–4 % band, gaps of the activity report); `budget.py` (the State budget of a region's Missions Locales from the
funding lines); `workflow.py` (on the core engine); `perms.py`; `services.py` (writes); `annex.py` (the annex
registered with `pilotage.documents`)."""
