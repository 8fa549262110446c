"""« Exploitation » in Chromium (issue 16): a staff member finds an e-mail the mail server
refused for good, with the reason, sends it again, and reads the periodic jobs' last runs."""

import re

import pytest
from playwright.sync_api import expect

from monespace.core.models import OutgoingEmail
from monespace.core.schedule import run_due
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import StaffProfileFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_send_a_failed_email_again_and_read_the_jobs(live_server, page):
    failed = OutgoingEmail.objects.create(
        to="inconnu@exemple.fr",
        subject="Votre lien de connexion",
        body="lien secret",
        state="failed",
        attempts=10,
        last_error="SMTPRecipientsRefused: 550 boîte inconnue",
    )
    run_due(only=("retry_emails",))
    support = StaffProfileFactory(support=True).user
    sign_in(page, live_server, support.email)
    page.goto(f"{live_server.url}/backoffice/")
    page.get_by_role("link", name="Exploitation").click()
    expect(page.get_by_role("heading", name="E-mails en échec")).to_be_visible()
    expect(page.get_by_text("550 boîte inconnue")).to_be_visible()
    expect(page.get_by_text("lien secret")).to_have_count(0)
    expect(
        page.get_by_role("row", name=re.compile("E-mails dont la tentative est due"))
    ).to_contain_text("0")
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("^Renvoyer Votre lien de connexion")).click()
    expect(page.get_by_text("L'e-mail est remis dans la file d'envoi.")).to_be_visible()
    expect(page.get_by_text("Aucun e-mail en échec.")).to_be_visible()
    failed.refresh_from_db()
    assert failed.state == "sent"
    assert_accessible(page)
