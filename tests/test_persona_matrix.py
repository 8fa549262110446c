"""Every persona against every URL of our doors, with GET and POST.

The scene: company A (marker MARQUEUR-A) with an administrator, users with and without rights,
a pending access request, a training organisation and an accounting firm attached to it; company
B (marker MARQUEUR-B), whose administrator is the "outsider" of A. Expected answers: 302 to log in
for visitors, 404 outside one's reach, 403 within reach without the right, 405 for a wrong
method. A URL missing from EXPECTED fails the build, and company B's marker never appears in what
A's people see (nor A's in what B's administrator sees).
"""

from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from monespace.accounts.models import StaffProfile
from monespace.dossiers.models import Document, SavedView
from monespace.exports.models import ExportJob
from monespace.invoices.models import BankAccount
from monespace.notifications.services import notification_create
from monespace.organizations.models import ApiKey, Delegation
from monespace.referentials.models import FundingRate
from monespace.support.models import ContactRequest
from tests.factories import (
    ContractFactory,
    EstablishmentFactory,
    MembershipFactory,
    ProContractFactory,
    UserFactory,
)
from tests.helpers import create_dossier, read_streaming

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "outsider",
    "attached",
    "viewer",
    "editor",
    "admin",
    "delegated_of",
    "accounting_firm",
    "advisor",
    "support",
]
A_PEOPLE = {"attached", "viewer", "editor", "admin"}
ADMINS_OF_SOMETHING = {"outsider", "admin", "delegated_of", "accounting_firm"}
STAFF = {"advisor", "support"}
SIGNED_IN = [p for p in PERSONAS if p != "anonymous"]


def answers(default, anonymous=302, **overrides):
    """Expected status per persona: visitors ``anonymous``, everyone else ``default``, then overrides."""
    expected = dict.fromkeys(SIGNED_IN, default)
    expected["anonymous"] = anonymous
    for key, value in overrides.items():
        for persona in _group(key):
            expected[persona] = value
    return expected


def _group(key):
    return {
        "a_people": A_PEOPLE - {"admin"},
        "staff": STAFF,
        "admins_of_something": ADMINS_OF_SOMETHING,
        "strangers": {"outsider", "delegated_of", "accounting_firm"},
    }.get(key, {key})


def public(status=200):
    return answers(status, anonymous=status)


def staff_only(status):
    return answers(404, anonymous=404, staff=status)


# Dossiers of company A: seen with a training right (members in scope, the OF with a view
# delegation, staff); entered only by its editor.
DOSSIER_SEEN = {"outsider": 404, "attached": 404, "admin": 404, "accounting_firm": 404}
DOSSIER_ENTER = {**DOSSIER_SEEN, "viewer": 403, "delegated_of": 403, "staff": 403}
NO_ENTER_RIGHT = {"a_people": 403, "strangers": 403, "staff": 403, "admin": 403}

# Apprenticeship contracts of company A: seen with an apprenticeship right (the viewer, the
# editor, staff; the OF's delegation is for training actions only), entered by the editor.
CONTRACT_SEEN = {**DOSSIER_SEEN, "delegated_of": 404}
CONTRACT_ENTER = {**CONTRACT_SEEN, "viewer": 403, "staff": 403}

# Reach of company A's administration pages: strangers 404, A's people without the right 403.
A_ADMIN_REACH = {"strangers": 404, "a_people": 403, "staff": 403}

EXPECTED = {
    "www:home": ({}, answers(200), answers(405)),
    "www:dossiers": ({}, answers(200), answers(405)),
    "www:invoices": ({}, answers(200), answers(405)),
    "www:help": ({}, public(), public(200)),  # the call-back form, shown again when empty
    # The practical guides and the FAQ are public, like the help page.
    "www:help_guide": ({"slug": "dossiers-brouillons"}, public(), public(405)),
    "www:help_faq": ({}, public(), public(405)),
    "www:privacy": ({}, public(), public(405)),
    "www:accessibility": ({}, public(), public(405)),
    "www:profile": ({}, answers(200), answers(200)),
    "www:support_consent": ({}, answers(405), answers(302)),
    "www:attachments": ({}, answers(200), answers(405)),
    "www:attachment_request": ({}, answers(405), answers(200)),
    "www:attachment_leave": (
        lambda s: {"pk": s["attached_membership"].pk},
        answers(405),
        answers(404, attached=302),
    ),
    "www:attachment_refresh": (
        lambda s: {"pk": s["attached_membership"].pk},
        answers(405),
        answers(404, attached=302),
    ),
    "www:activation_code": ({}, answers(200), answers(200)),
    "www:set_perimeter": ({}, answers(405), answers(302)),
    "www:quick_access": ({}, answers(200), answers(405)),
    "www:quick_access_add": ({}, answers(405), answers(302)),
    "www:quick_access_change": (
        lambda s: {"pk": s["saved_view"].pk},
        answers(405),
        answers(404, admin=302),
    ),
    "www:quick_access_count": (
        lambda s: {"pk": s["saved_view"].pk},
        answers(404, admin=200),
        answers(405),
    ),
    "www:administration": ({}, answers(403, admins_of_something=200), answers(405)),
    "www:administration_company": (
        lambda s: {"company_id": s["a"].pk, "profile": "member"},
        answers(200, **A_ADMIN_REACH),
        answers(405),
    ),
    # An empty invitation is answered with its errors (400).
    "www:administration_invitation": (
        lambda s: {"company_id": s["a"].pk, "profile": "member"},
        answers(405),
        answers(400, **A_ADMIN_REACH),
    ),
    "www:administration_membership": (
        lambda s: {"pk": s["request"].pk},
        answers(200, **A_ADMIN_REACH),
        answers(405),
    ),
    "www:administration_membership_rights": (
        lambda s: {"pk": s["request"].pk},
        answers(405),
        answers(200, **A_ADMIN_REACH),  # an empty form is answered with its errors
    ),
    "www:administration_membership_refuse": (
        lambda s: {"pk": s["request"].pk},
        answers(405),
        answers(200, **A_ADMIN_REACH),
    ),
    "www:administration_membership_revoke": (
        lambda s: {"pk": s["request"].pk},
        answers(405),
        answers(302, **A_ADMIN_REACH),  # a pending request is not revoked: back with a message
    ),
    "www:delegations": ({}, answers(403, admins_of_something=200), answers(405)),
    "www:delegation_request": ({}, answers(405), answers(403, admins_of_something=200)),
    "www:delegation": (
        lambda s: {"pk": s["of_delegation"].pk},
        answers(200, outsider=404, accounting_firm=404, a_people=403),
        answers(405),
    ),
    "www:delegation_scope": (
        lambda s: {"pk": s["of_delegation"].pk},
        answers(405),
        answers(200, outsider=404, accounting_firm=404, a_people=403, delegated_of=403, staff=403),
    ),
    "www:delegation_refuse": (
        lambda s: {"pk": s["of_delegation"].pk},
        answers(405),
        answers(302, outsider=404, accounting_firm=404, a_people=403, delegated_of=403, staff=403),
    ),
    "www:delegation_end": (
        lambda s: {"pk": s["of_delegation"].pk},
        answers(405),
        answers(302, outsider=404, accounting_firm=404, a_people=403, staff=403),
    ),
    "www:dossier_new": ({}, answers(403, editor=200), answers(403, editor=200)),
    # The first step before the draft exists: company A's establishment, entered by its editor.
    "www:dossier_start": (
        lambda s: {
            "dispositif": "action-de-formation",
            "establishment": s["draft"].establishment_id,
        },
        answers(403, editor=200),
        answers(403, editor=200),  # an empty POST shows the step again, nothing kept
    ),
    "www:dossier": (lambda s: {"pk": s["dossier"].pk}, answers(200, **DOSSIER_SEEN), answers(405)),
    "www:dossier_step": (
        lambda s: {"pk": s["draft"].pk, "step": "formation"},
        answers(200, **DOSSIER_ENTER),
        answers(200, **DOSSIER_ENTER),  # an empty POST shows the step again
    ),
    "www:dossier_document_upload": (
        lambda s: {"pk": s["dossier"].pk},
        answers(405),
        answers(302, **DOSSIER_ENTER),
    ),
    "www:dossier_document": (
        lambda s: {"pk": s["dossier"].pk, "document_pk": s["document"].pk},
        answers(200, **DOSSIER_SEEN),
        answers(405),
    ),
    "www:dossier_print": (
        lambda s: {"pk": s["dossier"].pk},
        answers(200, **DOSSIER_SEEN),
        answers(405),
    ),
    "www:dossier_duplicate": (
        lambda s: {"pk": s["dossier"].pk},
        answers(200, **DOSSIER_ENTER),
        answers(200, **DOSSIER_ENTER),
    ),
    "www:dossier_delete": (
        lambda s: {"pk": s["draft"].pk},
        answers(200, **DOSSIER_ENTER),
        answers(302, **DOSSIER_ENTER),
    ),
    "www:employees": ({}, answers(403, editor=200), answers(405)),
    "www:dossier_new_kind": (
        {"dispositif": "contrat-apprentissage"},
        answers(403, editor=200),
        answers(403, editor=200),
    ),
    "www:apprenticeship_pay_lines": (
        lambda s: {"pk": s["contract_draft"].pk},
        answers(200, **CONTRACT_ENTER),
        answers(405),
    ),
    "www:training_estimate": (
        lambda s: {"pk": s["draft"].pk},
        answers(200, **DOSSIER_ENTER),
        answers(405),
    ),
    # « Importer une liste » of trainees: an empty POST shows the form with its error.
    "www:trainees_import": (
        lambda s: {"pk": s["draft"].pk},
        answers(200, **DOSSIER_ENTER),
        answers(200, **DOSSIER_ENTER),
    ),
    "www:trainees_import_template": (
        lambda s: {"pk": s["draft"].pk},
        answers(200, **DOSSIER_ENTER),
        answers(405),
    ),
    "www:apprenticeship_estimate": (
        lambda s: {"pk": s["contract_draft"].pk},
        answers(200, **CONTRACT_ENTER),
        answers(405),
    ),
    # « Mon espace »: everyone signed in has a menu (its entries follow the rights).
    "www:space_menu": ({}, answers(200), answers(405)),
    "www:space": ({}, answers(200), answers(405)),
    # Professionalisation contracts and Pro-A: seen and entered like apprenticeship contracts.
    "www:professionalisation_estimate": (
        lambda s: {"pk": s["pro_draft"].pk},
        answers(200, **CONTRACT_ENTER),
        answers(405),
    ),
    "www:dossier_ej20": (
        lambda s: {"pk": s["pro_contract"].pk},
        answers(200, **CONTRACT_SEEN),
        answers(405),
    ),
    # Everyone signed in has a list (empty outside their contracts).
    "www:schedules": ({}, answers(200), answers(405)),
    "www:dossier_cerfa": (
        lambda s: {"pk": s["contract"].pk},
        answers(200, **CONTRACT_SEEN),
        answers(405),
    ),
    # An empty form is answered with its errors (400) on the contract's page.
    "www:contract_rupture": (
        lambda s: {"pk": s["contract"].pk},
        answers(405),
        answers(400, **CONTRACT_ENTER),
    ),
    "www:contract_amendment": (
        lambda s: {"pk": s["contract"].pk},
        answers(405),
        answers(400, **CONTRACT_ENTER),
    ),
    "www:dossier_change_request": (
        lambda s: {"pk": s["dossier"].pk},
        answers(405),
        answers(302, **DOSSIER_ENTER),
    ),
    "backoffice:queue": ({}, staff_only(200), staff_only(405)),
    "backoffice:support_access": (
        lambda s: {"pk": s["users"]["editor"].pk},
        staff_only(405),
        staff_only(302),
    ),
    "backoffice:contact_requests": ({}, staff_only(200), staff_only(405)),
    "backoffice:announcements": ({}, staff_only(200), staff_only(200)),
    # Every staff member reads the funding rules; only managers (none here) change them.
    "backoffice:funding_rules": ({}, staff_only(200), staff_only(403)),
    "backoffice:funding_rule_delete": (
        lambda s: {"pk": FundingRate.objects.order_by("pk").first().pk},
        staff_only(405),
        staff_only(403),
    ),
    # Managers (none here) upload an edition; the others read.
    "backoffice:npec": ({}, staff_only(200), staff_only(403)),
    # Every staff member reads the Pro-A lists; managers only add (an advisor's POST: 403).
    "backoffice:proa_certifications": ({}, staff_only(200), staff_only(403)),
    # Bank details: read with a financial right or as administrator; deposited by those who
    # manage them (every administrator of something here has a company to deposit for).
    "www:bank_details": ({}, answers(200), answers(405)),
    "www:bank_details_deposit": (
        {},
        answers(403, admins_of_something=200),
        answers(403, admins_of_something=400),
    ),
    "www:bank_details_bank": ({}, answers(200), answers(405)),
    "www:bank_details_document": (
        lambda s: {"pk": s["bank_account"].pk},
        answers(404, admin=200, staff=200),
        answers(405),
    ),
    # Exports: anyone signed in asks one (of what they see); a file is its owner's only.
    "www:exports": ({}, answers(200), answers(405)),
    "www:export_new": ({}, answers(405), answers(302)),
    "www:export": (lambda s: {"pk": s["export"].pk}, answers(404, admin=200), answers(405)),
    "www:export_progress": (
        lambda s: {"pk": s["export"].pk},
        answers(404, admin=200),
        answers(405),
    ),
    # The file is its owner's while they still see dossiers (A's administrator has no
    # dossier right here: 410, gone).
    "www:export_file": (
        lambda s: {"pk": s["export"].pk},
        answers(404, admin=410),
        answers(405),
    ),
    # Invoices and payments: company A's invoice is read by its administrator, by the
    # accounting firm attached with « consulter les factures et règlements », and by staff.
    "www:invoice_new": ({}, answers(403, admins_of_something=200), answers(405)),
    # Nothing to invoice on a transmitted dossier: 403 to whoever sees it or its invoices.
    "www:invoice_deposit": (
        lambda s: {"pk": s["dossier"].pk},
        answers(403, outsider=404, attached=404),
        answers(403, outsider=404, attached=404),
    ),
    "www:invoice": (
        lambda s: {"pk": s["invoice"].pk},
        answers(404, admin=200, accounting_firm=200, staff=200),
        answers(405),
    ),
    "www:invoice_piece": (
        lambda s: {"pk": s["invoice"].pk, "piece": s["invoice_piece"].pk},
        answers(404, admin=200, accounting_firm=200, staff=200),
        answers(405),
    ),
    # A credit note is deposited by the issuer (A's administrator) only.
    "www:credit_note_new": (
        lambda s: {"pk": s["invoice"].pk},
        answers(404, admin=200, accounting_firm=403, staff=403),
        answers(404, admin=400, accounting_firm=403, staff=403),
    ),
    "www:credit_note_file": (
        lambda s: {"pk": s["invoice"].pk, "note": s["credit_note"].pk},
        answers(404, admin=200, accounting_firm=200, staff=200),
        answers(405),
    ),
    "www:payments": ({}, answers(200), answers(405)),
    # The summary: companies whose invoices one reads as their people or attached firm.
    "www:financial_summary": (
        {},
        answers(403, admin=200, outsider=200, accounting_firm=200),
        answers(405),
    ),
    "www:contributions": (
        {},
        answers(403, admin=200, outsider=200, accounting_firm=200),
        answers(405),
    ),
    "www:payment": (
        lambda s: {"pk": s["payment"].pk},
        answers(404, admin=200, accounting_firm=200, staff=200),
        answers(405),
    ),
    "www:payment_notice": (
        lambda s: {"pk": s["payment"].pk},
        answers(404, admin=200, accounting_firm=200, staff=200),
        answers(405),
    ),
    "backoffice:invoices": ({}, staff_only(200), staff_only(405)),
    "backoffice:invoice": (
        lambda s: {"pk": s["invoice"].pk},
        staff_only(200),
        answers(404, anonymous=404, advisor=400, support=403),
    ),
    "backoffice:invoice_piece": (
        lambda s: {"pk": s["invoice"].pk, "piece": s["invoice_piece"].pk},
        staff_only(200),
        staff_only(405),
    ),
    # Payment runs: prepared and approved by the payment role only (none here).
    "backoffice:payments": ({}, staff_only(200), staff_only(403)),
    "backoffice:payment_run": (
        lambda s: {"pk": s["payment"].run_id},
        staff_only(200),
        staff_only(405),
    ),
    "backoffice:payment_run_decide": (
        lambda s: {"pk": s["payment"].run_id},
        staff_only(405),
        staff_only(403),
    ),
    "backoffice:payment_run_sepa": (
        lambda s: {"pk": s["payment"].run_id},
        staff_only(403),
        staff_only(405),
    ),
    "backoffice:payment_notice": (
        lambda s: {"pk": s["payment"].pk},
        staff_only(200),
        staff_only(405),
    ),
    "backoffice:bank_details": ({}, staff_only(200), staff_only(405)),
    # « Exploitation »: every staff member reads it and sends a failed e-mail again (an id
    # that is not in failure: back to the page with a message).
    "backoffice:operations": ({}, staff_only(200), staff_only(405)),
    "backoffice:email_send_again": ({"pk": 999999}, staff_only(405), staff_only(302)),
    "backoffice:bank_account": (
        lambda s: {"pk": s["bank_account"].pk},
        staff_only(200),
        answers(404, anonymous=404, advisor=200, support=403),
    ),
    "backoffice:bank_account_document": (
        lambda s: {"pk": s["bank_account"].pk},
        staff_only(200),
        staff_only(405),
    ),
    "backoffice:contact_request_handle": (
        lambda s: {"pk": s["contact"].pk},
        staff_only(405),
        staff_only(302),
    ),
    "backoffice:dossier": (lambda s: {"pk": s["dossier"].pk}, staff_only(200), staff_only(405)),
    # Instruction actions: advisors act, support staff may not (403). Empty forms are shown again.
    "backoffice:dossier_assign": (
        lambda s: {"pk": s["dossier"].pk},
        staff_only(405),
        staff_only(302) | {"support": 403},
    ),
    "backoffice:dossier_request_documents": (
        lambda s: {"pk": s["dossier"].pk},
        staff_only(405),
        staff_only(200) | {"support": 403},
    ),
    "backoffice:dossier_approve": (
        lambda s: {"pk": s["dossier"].pk},
        staff_only(405),
        staff_only(302) | {"support": 403},
    ),
    "backoffice:dossier_refuse": (
        lambda s: {"pk": s["dossier"].pk},
        staff_only(405),
        staff_only(200) | {"support": 403},
    ),
    "backoffice:dossier_close": (
        lambda s: {"pk": s["dossier"].pk},
        staff_only(405),
        staff_only(302) | {"support": 403},
    ),
    "backoffice:dossier_cancel": (
        lambda s: {"pk": s["dossier"].pk},
        staff_only(405),
        staff_only(200) | {"support": 403},
    ),
    "backoffice:contract_deposit": (
        lambda s: {"pk": s["contract"].pk},
        staff_only(405),
        staff_only(400) | {"support": 403},
    ),
    # Nothing declared: a message, back to the contract.
    "backoffice:contract_rupture": (
        lambda s: {"pk": s["contract"].pk},
        staff_only(405),
        staff_only(302) | {"support": 403},
    ),
    "backoffice:dossier_change": (
        lambda s: {"pk": s["dossier"].pk},
        staff_only(405),
        staff_only(200) | {"support": 403},
    ),
    "www:signup": ({}, answers(302, anonymous=200), answers(302, anonymous=200)),
    "www:signup_themes": ({}, answers(302), answers(302)),
    "www:signup_attachment": ({}, answers(302), answers(302)),
    "www:signup_number": ({}, answers(302), answers(302)),
    "www:signup_idcc": ({}, answers(302), answers(302)),
    "www:idcc_title": ({}, public(200), public(405)),
    "www:signup_done": ({}, answers(302), answers(302)),
    "www:signup_activate": (lambda s: {"uidb64": s["uid"], "token": "x-y"}, public(), public()),
    "www:signup_resend": (lambda s: {"uidb64": s["uid"]}, public(405), public(302)),
    "notifications:list": ({}, answers(200), answers(405)),
    "notifications:open": (
        lambda s: {"pk": s["admin_notification"].pk},
        answers(405),
        answers(404, admin=302),
    ),
    "notifications:read_all": ({}, answers(405), answers(302)),
    "backoffice:home": ({}, staff_only(200), staff_only(405)),
    "backoffice:requests": ({}, staff_only(200), staff_only(405)),
    "backoffice:companies": ({}, staff_only(200), staff_only(405)),
    "backoffice:company": (lambda s: {"pk": s["a"].pk}, staff_only(200), staff_only(405)),
    "backoffice:issue_code": (
        lambda s: {"pk": s["a"].pk, "profile": "member"},
        staff_only(405),
        staff_only(200),
    ),
    # Without a chosen membership the staff forms answer 404.
    "backoffice:designate_admin": (lambda s: {"pk": s["a"].pk}, staff_only(405), staff_only(404)),
    "backoffice:remove_admin": (lambda s: {"pk": s["a"].pk}, staff_only(405), staff_only(404)),
    "api:schema": ({}, public(), public(405)),
    "api:docs": ({}, public(), public(405)),
    # The contracts API answers API keys only: anyone else is 401, whatever their session.
    "api:contracts": ({}, public(401), public(401)),
    "api:contract": (lambda s: {"numero": s["contract"].number}, public(401), public(401)),
    "api:invoice_states": ({}, public(401), public(401)),
    "api:invoice_deposit": ({}, public(401), public(401)),
    "api:status": ({}, public(401), public(401)),
    "api:training_actions": ({}, public(401), public(401)),
    "api:training_action": (lambda s: {"numero": s["dossier"].number}, public(401), public(401)),
    "api:dossier_documents": (
        lambda s: {"numero": s["dossier"].number},
        public(401),
        public(401),
    ),
    "api:contract_instalments": (
        lambda s: {"numero": s["contract"].number},
        public(401),
        public(401),
    ),
    "www:api_keys": (
        lambda s: {"company_id": s["a"].pk, "profile": "member"},
        answers(200, **A_ADMIN_REACH),
        answers(400, **A_ADMIN_REACH),
    ),
    "www:api_key_revoke": (
        lambda s: {"company_id": s["a"].pk, "profile": "member", "pk": s["api_key"].pk},
        answers(405),
        answers(302, **A_ADMIN_REACH),
    ),
    "www:webhooks": (
        lambda s: {"company_id": s["a"].pk, "profile": "member"},
        answers(200, **A_ADMIN_REACH),
        answers(400, **A_ADMIN_REACH),
    ),
    "www:webhook_revoke": (
        lambda s: {"company_id": s["a"].pk, "profile": "member", "pk": s["webhook"].pk},
        answers(405),
        answers(302, **A_ADMIN_REACH),
    ),
    "www:webhook_replay": (
        lambda s: {"company_id": s["a"].pk, "profile": "member", "pk": s["delivery"].pk},
        answers(405),
        answers(302, **A_ADMIN_REACH),
    ),
    "dev_outbox": ({}, public(404), public(404)),
    "dev_outbox_message": ({"pk": 1}, public(404), public(404)),
}

OUR_NAMESPACES = {"www", "backoffice", "api", "notifications"}


def our_url_names(resolver=None, namespace=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from our_url_names(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            if namespace in OUR_NAMESPACES:
                yield f"{namespace}:{entry.name}"
            elif namespace is None and entry.name.startswith("dev_"):
                yield entry.name


def test_every_url_is_in_the_matrix():
    names = set(our_url_names())
    assert names - set(EXPECTED) == set(), "add these URLs to EXPECTED"
    assert set(EXPECTED) - names == set(), "these EXPECTED entries match no URL"


def _paid_invoice(company, establishment, dossier, bank_account):
    """An invoice of company A on its dossier, paid by an approved run."""
    from decimal import Decimal

    from django.utils import timezone

    from monespace.invoices.models import Invoice, InvoicePiece, Payment, PaymentRun

    staff = [UserFactory(staff=True), UserFactory(staff=True)]
    run = PaymentRun.objects.create(
        reference="OPCO-RUN-A",
        execution_date=timezone.localdate(),
        total=Decimal("100.00"),
        count=1,
        created_by=staff[0],
        approved_by=staff[1],
        state="approved",
        sepa_xml="<Document/>",
    )
    payment = Payment.objects.create(
        run=run,
        payee_company=company,
        payee_establishment=establishment,
        payee_profile="member",
        bank_account=bank_account,
        amount=Decimal("100.00"),
        end_to_end="OPCO-RUN-A-0001",
        remittance="Règlement factures FACTURE-MARQUEUR-A",
    )
    invoice = Invoice.objects.create(
        dossier=dossier,
        kind=dossier.kind,
        company=company,
        establishment=establishment,
        payee_company=company,
        payee_establishment=establishment,
        payee_profile="member",
        number="FACTURE-MARQUEUR-A",
        issued_on=timezone.localdate(),
        state="paid",
        total_ht=Decimal("100.00"),
        total_tva=Decimal("0.00"),
        total_ttc=Decimal("100.00"),
        accepted_total=Decimal("100.00"),
        payment=payment,
        paid_on=timezone.localdate(),
    )
    piece = InvoicePiece(
        invoice=invoice,
        piece_type="invoice",
        original_name="facture.pdf",
        content_type="application/pdf",
        size=4,
        sha256="0" * 64,
        scan_status="clean",
    )
    piece.file.save("x", ContentFile(b"%PDF"), save=False)
    piece.save()
    from monespace.invoices.models import CreditNote

    note = CreditNote(
        invoice=invoice,
        line="cost_teaching",
        number="AVOIR-MARQUEUR-A",
        issued_on=timezone.localdate(),
        amount=Decimal("10.00"),
        reason="Journée annulée",
        payee_company=company,
        payee_establishment=establishment,
        payee_profile="member",
        original_name="avoir.pdf",
        content_type="application/pdf",
        size=4,
        sha256="0" * 64,
    )
    note.file.save("x", ContentFile(b"%PDF"), save=False)
    note.save()
    return invoice, piece, payment, note


@pytest.fixture
def scene():
    a_establishment = EstablishmentFactory(member=True, company__name="SOCIETE A MARQUEUR-A")
    a = a_establishment.company
    b = EstablishmentFactory(member=True, company__name="SOCIETE B MARQUEUR-B").company
    admin = MembershipFactory(company=a, is_admin=True)
    attached = MembershipFactory(company=a)
    request = MembershipFactory(company=a, pending=True, user__last_name="DEMANDEUR-MARQUEUR-A")
    outsider = MembershipFactory(company=b, is_admin=True)
    MembershipFactory(company=b, pending=True, user__last_name="INTRUS-MARQUEUR-B")
    of = MembershipFactory(
        is_admin=True, profile="provider", company__name="ORGANISME DE FORMATION"
    )
    firm = MembershipFactory(is_admin=True, company__name="CABINET COMPTABLE")
    of_delegation = Delegation.objects.create(
        company=a,
        delegate=of.company,
        kind="training_organisation",
        status="active",
        can_view_training=True,
    )
    Delegation.objects.create(
        company=a,
        delegate=firm.company,
        kind="accounting_firm",
        status="active",
        can_view_invoices=True,
    )
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    editor = MembershipFactory(
        company=a,
        can_view_training=True,
        can_edit_training=True,
        apprenticeship=True,
        professionalisation=True,
    ).user
    contract = ContractFactory(
        company=a,
        establishment=a_establishment,
        created_by=editor,
        title="CONTRAT MARQUEUR-A",
        approved=True,
    )
    contract_draft = ContractFactory(
        company=a, establishment=a_establishment, created_by=editor, title="CONTRAT BROUILLON"
    )
    pro_contract = ProContractFactory(
        company=a,
        establishment=a_establishment,
        created_by=editor,
        title="CONTRAT PRO MARQUEUR-A",
        approved=True,
    )
    pro_draft = ProContractFactory(company=a, establishment=a_establishment, created_by=editor)
    dossier = create_dossier(
        company=a,
        establishment=a_establishment,
        created_by=editor,
        title="FORMATION MARQUEUR-A",
        state="submitted",
        number="2026-AF-999999",
    )
    document = Document(
        dossier=dossier,
        piece_type="programme",
        title="Programme",
        original_name="programme.pdf",
        content_type="application/pdf",
        size=4,
        sha256="0" * 64,
        scan_status="clean",
    )
    document.file.save("x", ContentFile(b"%PDF"), save=False)
    document.save()
    draft = create_dossier(
        company=a, establishment=a_establishment, created_by=editor, title="BROUILLON"
    )
    bank_account = BankAccount(
        company=a,
        profile="member",
        holder="TITULAIRE MARQUEUR-A",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
        original_name="rib.pdf",
        content_type="application/pdf",
        size=4,
        sha256="0" * 64,
        scan_status="clean",
    )
    bank_account.file.save("x", ContentFile(b"%PDF"), save=False)
    bank_account.save()
    bank_account.state = "active"
    bank_account.save(update_fields=["state"])
    invoice, invoice_piece, payment, credit_note = _paid_invoice(
        a, a_establishment, dossier, bank_account
    )
    api_key = ApiKey.objects.create(
        company=a,
        profile="member",
        name="Clé de A",
        publisher="P",
        software="S",
        can_read_contracts=True,
        prefix="a1b2c3d4e5f6",
        secret_hash="0" * 64,
        expires_on=date.today() + timedelta(days=30),
    )
    from monespace.api.models import WebhookDelivery, WebhookEndpoint

    webhook = WebhookEndpoint.objects.create(
        company=a,
        profile="member",
        url="https://logiciel.exemple.fr/hook",
        events=["contrat.etat"],
        secret="whsec_x",
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=webhook, event="contrat.etat", payload={}, state="failed"
    )
    export = ExportJob(user=admin.user, state="done", rows_done=1, rows_total=1)
    export.file.save("x.xlsx", ContentFile(b"PK"), save=False)
    export.save()
    users = {
        "anonymous": None,
        "outsider": outsider.user,
        "attached": attached.user,
        "viewer": MembershipFactory(
            company=a,
            can_view_training=True,
            can_view_apprenticeship=True,
            can_view_professionalisation=True,
        ).user,
        "editor": editor,
        "admin": admin.user,
        "delegated_of": of.user,
        "accounting_firm": firm.user,
        "advisor": StaffProfile.objects.create(user=UserFactory(staff=True), role="advisor").user,
        "support": StaffProfile.objects.create(user=UserFactory(staff=True), role="support").user,
    }
    return {
        "a": a,
        "users": users,
        "request": request,
        "attached_membership": attached,
        "of_delegation": of_delegation,
        "admin_notification": notification_create(recipient=admin.user, title="Pour A"),
        "uid": urlsafe_base64_encode(force_bytes(request.user.pk)),
        "dossier": dossier,
        "draft": draft,
        "contract": contract,
        "contract_draft": contract_draft,
        "pro_contract": pro_contract,
        "pro_draft": pro_draft,
        "document": document,
        "bank_account": bank_account,
        "invoice": invoice,
        "invoice_piece": invoice_piece,
        "payment": payment,
        "credit_note": credit_note,
        "export": export,
        "api_key": api_key,
        "webhook": webhook,
        "delivery": delivery,
        "saved_view": SavedView.objects.create(
            user=admin.user, name="Vue de A", query="group=accordes"
        ),
        "contact": ContactRequest.objects.create(
            first_name="A",
            last_name="B",
            email="a@exemple.fr",
            siret="73282932000074",
            region="Bretagne",
            sector="x",
            phone="0102030405",
            subject="other",
            message="m",
        ),
    }


def _leaks(persona, body):
    if persona in STAFF:
        return False
    if persona == "outsider":
        return "MARQUEUR-A" in body
    return "MARQUEUR-B" in body


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("persona", PERSONAS)
def test_persona_matrix(client, scene, name, persona):
    kwargs, on_get, on_post = EXPECTED[name]
    url = reverse(name, kwargs=kwargs(scene) if callable(kwargs) else kwargs)
    if scene["users"][persona] is not None:
        client.force_login(scene["users"][persona])
    for method, expected in (("get", on_get), ("post", on_post)):
        response = getattr(client, method)(url)
        assert response.status_code == expected[persona], f"{method.upper()} {url} as {persona}"
        if (
            response.status_code == 302
            and expected is not None
            and persona == "anonymous"
            and name != "www:signup_resend"
        ):
            location = response["Location"]
            assert location.startswith(reverse("account_login")) or location.startswith(
                "/inscription/"
            )
        if response.streaming:
            body = read_streaming(response).decode(errors="ignore")
        else:
            body = response.content.decode(errors="ignore")
        assert not _leaks(persona, body), (
            f"{method.upper()} {url} as {persona} shows another company's data"
        )
        # settings: TESTING renders an undefined template variable as this marker.
        assert "INVALID_TEMPLATE_VARIABLE" not in body, (
            f"{method.upper()} {url} as {persona} renders an undefined variable"
        )
