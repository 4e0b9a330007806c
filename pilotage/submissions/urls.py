from django.urls import path

from pilotage.submissions import views

app_name = "submissions"
urlpatterns = [
    path("", views.submission_list, name="list"),
    path("deposer/", views.submission_upload, name="upload"),
    path("<int:pk>/", views.submission_detail, name="detail"),
    path("<int:pk>/problemes.csv", views.submission_issues, name="issues"),
    path("<int:pk>/action/<str:name>/", views.submission_action, name="action"),
    path("<int:pk>/qualite/", views.submission_quality, name="quality"),
    path("<int:pk>/qualite/expliquer/", views.submission_explain, name="explain"),
]
