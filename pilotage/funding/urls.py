from django.urls import path

from pilotage.funding import views

app_name = "funding"
urlpatterns = [
    path("", views.home, name="home"),
    path("lignes/", views.line_list, name="line_list"),
    path("lignes/export.<str:fmt>", views.line_export, name="line_export"),
    path("import/", views.IMPORT_SCREEN.upload, name="import"),
    path("import/confirmer/", views.IMPORT_SCREEN.confirm, name="import_confirm"),
    path("analyse/", views.analysis, name="analysis"),
    path("analyse/export.<str:fmt>", views.analysis_export, name="analysis_export"),
    path("conventions/", views.convention_list, name="convention_list"),
    path("conventions/nouvelle/", views.convention_edit, name="convention_create"),
    path("conventions/<int:pk>/", views.convention_detail, name="convention_detail"),
    path("conventions/<int:pk>/modifier/", views.convention_edit, name="convention_edit"),
    path("conventions/<int:pk>/documents/", views.convention_document_add, name="convention_document_add"),
    path("conventions/<int:pk>/documents/<int:document_pk>/", views.convention_document, name="convention_document"),
    path("conventions/<int:pk>/avenants/nouveau/", views.amendment_edit, name="amendment_create"),
    path("conventions/<int:pk>/avenants/<int:amendment_pk>/", views.amendment_edit, name="amendment_edit"),
    path("conventions/<int:pk>/avenants/<int:amendment_pk>/signer/", views.amendment_sign_view, name="amendment_sign"),
    path("avenants/<int:pk>.<str:fmt>", views.amendment_document, name="amendment_document"),
    path("conventions/<int:pk>/versements/<int:payment_pk>/", views.payment_record_view, name="payment_record"),
    path("conference/<str:level>/<str:code>/", views.conference, name="conference"),
]
