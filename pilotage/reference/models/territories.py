"""The French territories: 18 regions and 101 departments of the Code officiel géographique."""

from django.db import models

from pilotage.core.history import HistoricalRecords
from pilotage.core.scope import scope_of


class RegionQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = scope_of(user)
        if scope.everything:
            return self
        return self.filter(code__in=scope.region_codes)


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)

    objects = RegionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "région"

    def __str__(self):
        return self.name


class DepartmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = scope_of(user)
        if scope.everything:
            return self
        return self.filter(code__in=scope.department_codes)


class Department(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments", verbose_name="région")

    objects = DepartmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = "département"

    def __str__(self):
        return f"{self.name} ({self.code})"
