from django.urls import path

from . import onboarding, views

app_name = "www"

urlpatterns = [
    path("", views.home, name="home"),
    path("dossiers/", views.dossiers, name="dossiers"),
    path("factures/", views.invoices, name="invoices"),
    path("aide/", views.help_page, name="help"),
    path("donnees-personnelles/", views.privacy, name="privacy"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("profil/", views.profile, name="profile"),
    path("profil/connexion-en-tant-que/", views.support_consent, name="support_consent"),
    path("rattachements/", views.attachments, name="attachments"),
    path("inscription/", onboarding.identity, name="signup"),
    path("inscription/thematiques/", onboarding.themes, name="signup_themes"),
    path("inscription/rattachement/", onboarding.attachment, name="signup_attachment"),
    path("inscription/numero/", onboarding.number, name="signup_number"),
    path("inscription/idcc/", onboarding.idcc, name="signup_idcc"),
    path("inscription/merci/", onboarding.done, name="signup_done"),
    path(
        "inscription/activer/<str:uidb64>/<str:token>/", onboarding.activate, name="signup_activate"
    ),
    path("inscription/nouveau-lien/<str:uidb64>/", onboarding.resend_link, name="signup_resend"),
]
