from django.urls import path

from . import (
    administration,
    api_keys,
    bank_details,
    delegations,
    exports,
    invoices,
    onboarding,
    perimeter,
    quick_access,
    schedules,
    space_menu,
    views,
    webhooks,
)
from .dossiers import (
    apprenticeship,
    detail,
    documents,
    lists,
    professionalisation,
    steps,
    training_action,
)

app_name = "www"

urlpatterns = [
    path("", views.home, name="home"),
    path("perimetre/", perimeter.set_perimeter, name="set_perimeter"),
    path("acces-rapides/", quick_access.quick_access_list, name="quick_access"),
    path("mon-espace/", space_menu.space, name="space"),
    path("mon-espace/menu/", space_menu.space_menu, name="space_menu"),

    path("acces-rapides/ajouter/", quick_access.quick_access_add, name="quick_access_add"),
    path("acces-rapides/<int:pk>/", quick_access.quick_access_change, name="quick_access_change"),
    path(
        "acces-rapides/<int:pk>/nombre/", quick_access.quick_access_count, name="quick_access_count"
    ),
    path("dossiers/", lists.dossier_list, name="dossiers"),
    path("dossiers/nouvelle-demande/", steps.dossier_new, name="dossier_new"),
    path(
        "dossiers/nouvelle-demande/<slug:dispositif>/",
        steps.dossier_new,
        name="dossier_new_kind",
    ),
    path(
        "dossiers/<int:pk>/remuneration/",
        apprenticeship.pay_lines,
        name="apprenticeship_pay_lines",
    ),
    path(
        "dossiers/<int:pk>/estimation-formation/",
        training_action.funding_estimate,
        name="training_estimate",
    ),
    path(
        "dossiers/<int:pk>/estimation/",
        apprenticeship.funding_estimate,
        name="apprenticeship_estimate",
    ),
    path(
        "dossiers/<int:pk>/estimation-contrat-pro/",
        professionalisation.estimate,
        name="professionalisation_estimate",
    ),
    path("dossiers/<int:pk>/cerfa-ej20/", professionalisation.ej20, name="dossier_ej20"),
    path("dossiers/<int:pk>/rupture/", apprenticeship.rupture_declare, name="contract_rupture"),
    path("dossiers/<int:pk>/cerfa/", apprenticeship.cerfa, name="dossier_cerfa"),
    path("dossiers/<int:pk>/avenant/", apprenticeship.amendment_create, name="contract_amendment"),
    path("dossiers/<int:pk>/", detail.dossier_detail, name="dossier"),
    path("dossiers/<int:pk>/etape/<str:step>/", steps.dossier_step, name="dossier_step"),
    path(
        "dossiers/<int:pk>/documents/",
        documents.document_upload,
        name="dossier_document_upload",
    ),
    path(
        "dossiers/<int:pk>/documents/<int:document_pk>/",
        documents.document_download,
        name="dossier_document",
    ),
    path("dossiers/<int:pk>/imprimer/", detail.dossier_print, name="dossier_print"),
    path("dossiers/<int:pk>/dupliquer/", detail.dossier_duplicate, name="dossier_duplicate"),
    path(
        "dossiers/<int:pk>/demande-de-modification/",
        detail.dossier_change_request,
        name="dossier_change_request",
    ),
    path("dossiers/<int:pk>/supprimer/", detail.dossier_delete, name="dossier_delete"),
    path("salaries/", lists.employee_list, name="employees"),
    path("factures/", invoices.invoices, name="invoices"),
    path("factures/deposer/", invoices.invoice_new, name="invoice_new"),
    path("factures/deposer/<int:pk>/", invoices.invoice_deposit_view, name="invoice_deposit"),
    path("factures/<int:pk>/", invoices.invoice_detail, name="invoice"),
    path("factures/<int:pk>/pieces/<int:piece>/", invoices.invoice_piece, name="invoice_piece"),
    path("factures/<int:pk>/avoir/", invoices.credit_note_new, name="credit_note_new"),
    path(
        "factures/<int:pk>/avoirs/<int:note>/", invoices.credit_note_file, name="credit_note_file"
    ),
    path("reglements/", invoices.payments, name="payments"),
    path("synthese-financiere/", invoices.financial_summary, name="financial_summary"),
    path("collecte/", invoices.contributions, name="contributions"),
    path("reglements/<int:pk>/", invoices.payment_detail, name="payment"),
    path("reglements/<int:pk>/avis/", invoices.payment_notice, name="payment_notice"),
    path("echeanciers/", schedules.schedules, name="schedules"),
    path("exports/", exports.export_list, name="exports"),
    path("exports/nouveau/", exports.export_new, name="export_new"),
    path("exports/<int:pk>/", exports.export_detail, name="export"),
    path("exports/<int:pk>/progression/", exports.export_progress, name="export_progress"),
    path("exports/<int:pk>/fichier/", exports.export_file, name="export_file"),
    path("factures/rib/", bank_details.bank_details, name="bank_details"),
    path("factures/rib/deposer/", bank_details.bank_details_deposit, name="bank_details_deposit"),
    path("factures/rib/banque/", bank_details.bank_details_bank, name="bank_details_bank"),
    path(
        "factures/rib/<int:pk>/document/",
        bank_details.bank_details_document,
        name="bank_details_document",
    ),
    path("aide/", views.help_page, name="help"),
    path("donnees-personnelles/", views.privacy, name="privacy"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("profil/", views.profile, name="profile"),
    path("profil/connexion-en-tant-que/", views.support_consent, name="support_consent"),
    path("rattachements/", views.attachments, name="attachments"),
    path(
        "rattachements/<int:pk>/actualiser/",
        administration.attachment_refresh,
        name="attachment_refresh",
    ),
    path("rattachements/demande/", administration.attachment_request, name="attachment_request"),
    path(
        "rattachements/<int:pk>/retirer/", administration.attachment_leave, name="attachment_leave"
    ),
    path("rattachements/code-activation/", administration.activation_code, name="activation_code"),
    path("administration/", administration.index, name="administration"),
    path("organismes-rattaches/", delegations.delegation_list, name="delegations"),
    path(
        "organismes-rattaches/demande/",
        delegations.delegation_request_view,
        name="delegation_request",
    ),
    path("organismes-rattaches/<int:pk>/", delegations.delegation_detail, name="delegation"),
    path(
        "organismes-rattaches/<int:pk>/perimetre/",
        delegations.delegation_scope,
        name="delegation_scope",
    ),
    path(
        "organismes-rattaches/<int:pk>/refuser/",
        delegations.delegation_refuse_view,
        name="delegation_refuse",
    ),
    path(
        "organismes-rattaches/<int:pk>/terminer/",
        delegations.delegation_end_view,
        name="delegation_end",
    ),
    path(
        "administration/entreprises/<int:company_id>/<str:profile>/",
        administration.company,
        name="administration_company",
    ),
    path(
        "administration/entreprises/<int:company_id>/<str:profile>/inviter/",
        administration.invitation,
        name="administration_invitation",
    ),
    path(
        "administration/entreprises/<int:company_id>/<str:profile>/cles-api/",
        api_keys.api_keys,
        name="api_keys",
    ),
    path(
        "administration/entreprises/<int:company_id>/<str:profile>/cles-api/<int:pk>/revoquer/",
        api_keys.api_key_revoke_view,
        name="api_key_revoke",
    ),
    path(
        "administration/entreprises/<int:company_id>/<str:profile>/webhooks/",
        webhooks.webhooks,
        name="webhooks",
    ),
    path(
        "administration/entreprises/<int:company_id>/<str:profile>/webhooks/<int:pk>/supprimer/",
        webhooks.webhook_revoke,
        name="webhook_revoke",
    ),
    path(
        "administration/entreprises/<int:company_id>/<str:profile>/webhooks/envois/<int:pk>/renvoyer/",
        webhooks.webhook_replay,
        name="webhook_replay",
    ),
    path(
        "administration/rattachements/<int:pk>/",
        administration.membership_detail,
        name="administration_membership",
    ),
    path(
        "administration/rattachements/<int:pk>/droits/",
        administration.membership_rights,
        name="administration_membership_rights",
    ),
    path(
        "administration/rattachements/<int:pk>/refuser/",
        administration.membership_refuse,
        name="administration_membership_refuse",
    ),
    path(
        "administration/rattachements/<int:pk>/retirer/",
        administration.membership_revoke,
        name="administration_membership_revoke",
    ),
    path("inscription/", onboarding.identity, name="signup"),
    path("inscription/thematiques/", onboarding.themes, name="signup_themes"),
    path("inscription/rattachement/", onboarding.attachment, name="signup_attachment"),
    path("inscription/numero/", onboarding.number, name="signup_number"),
    path("inscription/idcc/", onboarding.idcc, name="signup_idcc"),
    path("inscription/idcc/intitule/", onboarding.idcc_title, name="idcc_title"),
    path("inscription/merci/", onboarding.done, name="signup_done"),
    path(
        "inscription/activer/<str:uidb64>/<str:token>/", onboarding.activate, name="signup_activate"
    ),
    path("inscription/nouveau-lien/<str:uidb64>/", onboarding.resend_link, name="signup_resend"),
]
