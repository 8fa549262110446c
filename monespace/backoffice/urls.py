from django.urls import path

from . import views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("demandes-de-rattachement/", views.requests, name="requests"),
]
