from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import contract_deposit, contracts, dossiers, invoices

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("v1/contrats/", contract_deposit.ContractCollection.as_view(), name="contracts"),
    path("v1/contrats/<str:numero>/", contracts.ContractDetail.as_view(), name="contract"),
    path("v1/status/", dossiers.Status.as_view(), name="status"),
    path(
        "v1/actions-de-formation/", dossiers.TrainingActionList.as_view(), name="training_actions"
    ),
    path(
        "v1/actions-de-formation/<str:numero>/",
        dossiers.TrainingActionDetail.as_view(),
        name="training_action",
    ),
    path(
        "v1/dossiers/<str:numero>/documents/",
        dossiers.DocumentUpload.as_view(),
        name="dossier_documents",
    ),
    path("v1/factures/", invoices.InvoiceDeposit.as_view(), name="invoice_deposit"),
    path("v1/factures/etats/", invoices.InvoiceStates.as_view(), name="invoice_states"),
    path(
        "v1/contrats/<str:numero>/echeances/",
        contracts.ContractInstalments.as_view(),
        name="contract_instalments",
    ),
]
