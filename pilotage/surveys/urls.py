from django.urls import path

from pilotage.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.home, name="home"),
    path("nouvelle/", views.survey_create, name="create"),
    path("questionnaires/", views.questionnaire_list, name="questionnaire_list"),
    path("questionnaires/<int:pk>/", views.questionnaire_detail, name="questionnaire_detail"),
    path("questionnaires/<int:pk>/copier/", views.questionnaire_copy, name="questionnaire_copy"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/destinataires/", views.survey_targets, name="targets"),
    path("<int:pk>/destinataires/<int:target_pk>/nouveau-lien/", views.target_reissue, name="target_reissue"),
    path("<int:pk>/date-limite/", views.survey_deadline, name="deadline"),
    path("<int:pk>/action/<str:action>/", views.survey_action, name="action"),
    path("<int:pk>/resultats/", views.results, name="results"),
    path("<int:pk>/resultats/export.<str:fmt>", views.results_export, name="results_export"),
    path("<int:pk>/situations/", views.situations, name="situations"),
    path("<int:pk>/situations/export.<str:fmt>", views.situations_export, name="situations_export"),
    path("<int:pk>/repondre/", views.answer_signed_in, name="answer_signed_in"),
    path("r/<str:token>/", views.answer, name="answer"),
]
