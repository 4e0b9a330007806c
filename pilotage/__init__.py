"""Pilotage Missions Locales."""
