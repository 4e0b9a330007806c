"""The roles of the platform's users: one vocabulary, read by every permission rule (ADR 0001).

A user's role and organisation give what they see (`pilotage.accounts.scopes`); the role alone gives what
kind of work they do. It lives at the ground floor so that `reference` and every domain can read it without
importing the accounts app.
"""

from django.db import models


class Role(models.TextChoices):
    NATIONAL_ADMIN = "national_admin", "Administration centrale (DGEFP)"
    REGIONAL_STATE = "regional_state", "Service régional de l'État (DREETS)"
    DEPARTMENTAL_STATE = "departmental_state", "Service départemental de l'État (DDETS)"
    REGIONAL_COUNCIL = "regional_council", "Conseil régional"
    DEPARTMENTAL_COUNCIL = "departmental_council", "Conseil départemental"
    MUNICIPALITY = "municipality", "Commune ou EPCI"
    ML_DIRECTOR = "ml_director", "Mission Locale — direction"
    ML_STAFF = "ml_staff", "Mission Locale — équipe"
    ARML = "arml", "Association régionale (ARML)"
    NATIONAL_OBSERVER = "national_observer", "Observateur national (UNML)"


STATE_ROLES = frozenset({Role.NATIONAL_ADMIN, Role.REGIONAL_STATE, Role.DEPARTMENTAL_STATE})
MISSION_LOCALE_ROLES = frozenset({Role.ML_DIRECTOR, Role.ML_STAFF})
