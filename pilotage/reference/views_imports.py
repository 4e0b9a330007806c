"""Placeholder: the reference-data import pages (owned by the imports work)."""

from django.http import HttpResponse


def import_upload(request):
    return HttpResponse("À venir")


def import_confirm(request):
    return HttpResponse("À venir")
