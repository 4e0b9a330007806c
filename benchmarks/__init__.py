"""Benchmarks of Pilotage Missions Locales: `make bench` (python -m benchmarks). Figures are printed."""
