"""Users, their role and their organisation: what they see follows the organisation's territory."""

from functools import cached_property

import simple_history
from django.contrib.auth.models import AbstractUser, Group, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from pilotage.accounts.scopes import scope_for
from pilotage.core.history import HistoricalRecords
from pilotage.core.roles import Role
from pilotage.reference.models import (
    Funder,
    FunderType,
    MissionLocale,
    NationalBody,
    RegionalAssociation,
    StateService,
    StateServiceLevel,
)

#: which organisation field each role needs, and which kind of organisation it must be
ROLE_ORGANISATION = {
    Role.NATIONAL_ADMIN: ("state_service", {"level": StateServiceLevel.NATIONAL}),
    Role.REGIONAL_STATE: ("state_service", {"level": StateServiceLevel.REGIONAL}),
    Role.DEPARTMENTAL_STATE: ("state_service", {"level": StateServiceLevel.DEPARTMENTAL}),
    Role.REGIONAL_COUNCIL: ("funder", {"type": FunderType.REGION}),
    Role.DEPARTMENTAL_COUNCIL: ("funder", {"type": FunderType.DEPARTEMENT}),
    Role.MUNICIPALITY: ("funder", {"type": FunderType.COMMUNE_EPCI}),
    Role.ML_DIRECTOR: ("mission_locale", {}),
    Role.ML_STAFF: ("mission_locale", {}),
    Role.ARML: ("regional_association", {}),
    Role.NATIONAL_OBSERVER: ("national_body", {}),
}
ORGANISATION_FIELDS = ("state_service", "funder", "mission_locale", "regional_association", "national_body")


class User(AbstractUser):
    """A person; e-mail is the login. Technical superusers may have no role."""

    email = models.EmailField("adresse électronique", unique=True)
    role = models.CharField("rôle", max_length=30, choices=Role.choices, blank=True)
    state_service = models.ForeignKey(
        StateService,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name="service de l'État",
    )
    funder = models.ForeignKey(
        Funder,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name="collectivité",
    )
    mission_locale = models.ForeignKey(
        MissionLocale,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name="Mission Locale",
    )
    regional_association = models.ForeignKey(
        RegionalAssociation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name="ARML",
    )
    national_body = models.ForeignKey(
        NationalBody,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name="organisme national",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["username"]

    objects = UserManager()
    # groups and permissions are privileges (granted by a superuser only, accounts/admin.py): their changes are
    # kept in the account's history like the rest, hence sealed in the audit chain (issue 11, point 3)
    history = HistoricalRecords(excluded_fields=["last_login", "password"], m2m_fields=["groups", "user_permissions"])

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = "utilisateur"
        constraints = [
            models.CheckConstraint(
                name="user_has_at_most_one_organisation",
                condition=(
                    Q(
                        state_service__isnull=True,
                        funder__isnull=True,
                        mission_locale__isnull=True,
                        regional_association__isnull=True,
                    )
                    | Q(
                        funder__isnull=True,
                        mission_locale__isnull=True,
                        regional_association__isnull=True,
                        national_body__isnull=True,
                    )
                    | Q(
                        state_service__isnull=True,
                        mission_locale__isnull=True,
                        regional_association__isnull=True,
                        national_body__isnull=True,
                    )
                    | Q(
                        state_service__isnull=True,
                        funder__isnull=True,
                        regional_association__isnull=True,
                        national_body__isnull=True,
                    )
                    | Q(
                        state_service__isnull=True,
                        funder__isnull=True,
                        mission_locale__isnull=True,
                        national_body__isnull=True,
                    )
                ),
            )
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def organisation(self):
        for name in ORGANISATION_FIELDS:
            if getattr(self, f"{name}_id"):
                return getattr(self, name)
        return None

    @cached_property
    def scope(self):
        return scope_for(self)

    def clean(self):
        super().clean()
        if not self.role:
            if self.organisation is not None:
                raise ValidationError({"role": "Un utilisateur rattaché à une organisation doit avoir un rôle."})
            return
        field, expected = ROLE_ORGANISATION[Role(self.role)]
        errors = {
            other: "Ce rôle n'est pas rattaché à ce type d'organisation."
            for other in ORGANISATION_FIELDS
            if other != field and getattr(self, f"{other}_id")
        }
        organisation = getattr(self, field)
        if organisation is None:
            errors[field] = f"Le rôle « {self.get_role_display()} » exige une organisation de ce type."
        elif any(getattr(organisation, key) != value for key, value in expected.items()):
            errors[field] = f"Cette organisation ne correspond pas au rôle « {self.get_role_display()} »."
        if errors:
            raise ValidationError(errors)


# The groups of the admin and their permissions: audited like the accounts that hold them (issue 11, point 3).
simple_history.register(Group, app="pilotage.accounts", m2m_fields=["permissions"], records_class=HistoricalRecords)
