"""Contract tests generated from the OpenAPI schema (schemathesis): whatever the generated
input, the API answers without a 5xx and as its schema says — with a valid key (and its
contracts), and with none."""

from datetime import timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from monespace.organizations.api_keys import api_key_create
from tests.factories import ContractFactory, EstablishmentFactory, MembershipFactory

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
HEADERS = {"EDITEUR": "Ymag", "LOGICIEL": "YPAREO", "VERSION": "7.2"}


@pytest.fixture
def keep_connection():
    """The schema's requests go through the WSGI handler itself, whose end-of-request signal
    and start-of-request signals close the
    database connection — the test's, on PostgreSQL: kept open here (as Django's test client
    does)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def secret(db, keep_connection):
    establishment = EstablishmentFactory(member=True)
    admin = MembershipFactory(company=establishment.company, is_admin=True).user
    ContractFactory(establishment=establishment, submitted=True)
    _key, secret = api_key_create(
        actor=admin,
        company=establishment.company,
        profile="member",
        name="K",
        publisher="Ymag",
        software="YPAREO",
        scopes={
            "can_read_contracts": True,
            "can_read_invoices": True,
            "can_deposit_invoices": True,
        },
        expires_on=timezone.localdate() + timedelta(days=30),
    )
    return secret


@pytest.mark.django_db
@schema.include(path_regex="^/api/v1/").parametrize()
@settings(
    max_examples=25,
    derandomize=True,  # the same examples on every run: CI never turns red by chance
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_its_contract(case, secret):
    # A deposit the schema allows may still break a business rule (an unknown dossier, an
    # amount above what remains): a 400 problem, as documented, is the right answer to it.
    excluded = [positive_data_acceptance] if case.method == "POST" else []
    case.call_and_validate(headers={**HEADERS, "X-API-KEY": secret}, excluded_checks=excluded)
    case.call_and_validate(headers=HEADERS)  # no key: a 401 problem, as documented
