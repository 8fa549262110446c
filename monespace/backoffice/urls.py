from django.urls import path

from . import bank_details, funding, instruction, invoices, operations, views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("dossiers/", instruction.queue, name="queue"),
    path(
        "utilisateurs/<int:pk>/connexion-en-tant-que/", views.support_access, name="support_access"
    ),
    path("demandes-de-contact/", views.contact_requests, name="contact_requests"),
    path("informations/", views.announcements, name="announcements"),
    path("regles-de-financement/", funding.funding_rules, name="funding_rules"),
    path(
        "regles-de-financement/<int:pk>/retirer/",
        funding.funding_rule_delete,
        name="funding_rule_delete",
    ),
    path("npec/", funding.npec, name="npec"),
    path("exploitation/", operations.operations, name="operations"),
    path(
        "exploitation/emails/<int:pk>/renvoyer/",
        operations.email_send_again,
        name="email_send_again",
    ),
    path("pro-a/certifications/", funding.proa_certifications, name="proa_certifications"),
    path("rib/", bank_details.queue, name="bank_details"),
    path("factures/", invoices.invoice_queue, name="invoices"),
    path("factures/<int:pk>/", invoices.invoice, name="invoice"),
    path("factures/<int:pk>/pieces/<int:piece>/", invoices.invoice_piece, name="invoice_piece"),
    path("paiements/", invoices.payments, name="payments"),
    path("paiements/<int:pk>/", invoices.payment_run, name="payment_run"),
    path("paiements/<int:pk>/decision/", invoices.payment_run_decide, name="payment_run_decide"),
    path("paiements/<int:pk>/sepa/", invoices.payment_run_sepa, name="payment_run_sepa"),
    path("virements/<int:pk>/avis/", invoices.payment_notice, name="payment_notice"),
    path("rib/<int:pk>/", bank_details.bank_account, name="bank_account"),
    path(
        "rib/<int:pk>/document/",
        bank_details.bank_account_document,
        name="bank_account_document",
    ),
    path(
        "demandes-de-contact/<int:pk>/traitee/",
        views.contact_request_handle,
        name="contact_request_handle",
    ),
    path("dossiers/<int:pk>/", instruction.dossier, name="dossier"),
    path("dossiers/<int:pk>/attribuer/", instruction.assign, name="dossier_assign"),
    path(
        "dossiers/<int:pk>/demander-des-pieces/",
        instruction.request_documents,
        name="dossier_request_documents",
    ),
    path("dossiers/<int:pk>/accorder/", instruction.approve, name="dossier_approve"),
    path("dossiers/<int:pk>/depot/", instruction.deposit, name="contract_deposit"),
    path("dossiers/<int:pk>/rupture/", instruction.rupture_record, name="contract_rupture"),
    path("dossiers/<int:pk>/refuser/", instruction.refuse, name="dossier_refuse"),
    path("dossiers/<int:pk>/cloturer/", instruction.close, name="dossier_close"),
    path("dossiers/<int:pk>/annuler/", instruction.cancel, name="dossier_cancel"),
    path("dossiers/<int:pk>/modifier/", instruction.change, name="dossier_change"),
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
