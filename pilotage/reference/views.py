from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse("À venir")


territory = region_detail = department_detail = mission_locale_list = mission_locale_export = _todo
mission_locale_detail = mission_locale_edit = organisation_list = organisation_detail = _todo
