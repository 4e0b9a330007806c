"""API tokens for machines: django-rest-knox's hashed tokens, with a name, a scope and the last use.

knox stores a SHA-512 digest of the token and, to find it, its first 15 characters (`token_key`: the `pml_`
prefix and 11 of the 64 random hexadecimal characters; the 53 others, 212 bits, are never stored). The secret
is shown once, when created. Every token expires; a revoked token is deleted (its history row says who revoked
it and when). Our model replaces knox's (`KNOX_TOKEN_MODEL`): an integer key instead of the digest (the digest
would otherwise appear in URLs and in the history), and the fields knox has not.
"""

from django.db import models
from django.utils import timezone
from knox.models import AbstractAuthToken, AuthTokenManager
from knox.settings import CONSTANTS

from pilotage.core.history import HistoricalRecords
from pilotage.reference.perms import is_national_admin


class TokenScope(models.TextChoices):
    READ = "read", "Lecture"
    READ_WRITE = "read_write", "Lecture et écriture"


class ApiTokenQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A person sees their own tokens; the DGEFP (and technical superusers) see everyone's."""
        if not user.is_authenticated:
            return self.none()
        if is_national_admin(user):
            return self.all()
        return self.filter(user=user)

    def active(self):
        return self.filter(expiry__gt=timezone.now())


class ApiTokenManager(AuthTokenManager.from_queryset(ApiTokenQuerySet)):
    pass


class ApiToken(AbstractAuthToken):
    id = models.BigAutoField(primary_key=True)
    digest = models.CharField("empreinte", max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    name = models.CharField("nom", max_length=100, help_text="À quoi sert ce jeton (ex. « Entrepôt régional »).")
    scope = models.CharField("droits", max_length=20, choices=TokenScope.choices, default=TokenScope.READ)
    expiry = models.DateTimeField("expire le")
    last_used = models.DateTimeField("dernière utilisation", null=True, blank=True)

    objects = ApiTokenManager()
    history = HistoricalRecords(excluded_fields=["digest", "token_key", "last_used"])

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"
        ordering = ["-created"]

    def __str__(self):
        return f"{self.name} ({self.user})"

    @property
    def is_expired(self) -> bool:
        return self.expiry <= timezone.now()

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.READ_WRITE
