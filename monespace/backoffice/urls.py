from django.urls import path

from . import views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("demandes-de-rattachement/", views.requests, name="requests"),
    path("entreprises/", views.companies, name="companies"),
    path("entreprises/<int:pk>/", views.company, name="company"),
    path("entreprises/<int:pk>/code/<str:profile>/", views.issue_code, name="issue_code"),
    path(
        "entreprises/<int:pk>/administrateurs/designer/",
        views.designate_admin,
        name="designate_admin",
    ),
    path("entreprises/<int:pk>/administrateurs/retirer/", views.remove_admin, name="remove_admin"),
]
