from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import contracts, invoices

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("v1/contrats/", contracts.ContractList.as_view(), name="contracts"),
    path("v1/contrats/<str:numero>/", contracts.ContractDetail.as_view(), name="contract"),
    path("v1/factures/", invoices.InvoiceDeposit.as_view(), name="invoice_deposit"),
    path("v1/factures/etats/", invoices.InvoiceStates.as_view(), name="invoice_states"),
    path(
        "v1/contrats/<str:numero>/echeances/",
        contracts.ContractInstalments.as_view(),
        name="contract_instalments",
    ),
]
