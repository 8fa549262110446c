import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from playwright.sync_api import expect

_axe = Axe()


def assert_accessible(page):
    """axe-core (WCAG 2.1 A/AA rules) must find no violation on the page as it is now."""
    results = _axe.run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
        },
    )
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def last_mail_path(pattern):
    """The path of the first link matching ``pattern`` in the newest e-mail of the outbox."""
    assert mail.outbox, "no e-mail was sent"
    match = re.search(r"https?://[^/\s]+(" + pattern + r"\S*)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


@pytest.fixture(autouse=True)
def _short_timeouts(page):
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(15_000)


FACTORY_PASSWORD = "Motdepasse-solide-42"  # the password of tests.factories.UserFactory


def sign_in(page, live_server, email, password=FACTORY_PASSWORD, *, expect_home=True):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Votre e-mail").fill(email)
    page.get_by_label("Votre mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    if expect_home:
        expect(page.get_by_role("heading", name=re.compile("^Bonjour"))).to_be_visible()


def tab_to(page, locator, *, limit=400):
    """Move the focus with the Tab key only until it is on ``locator`` (keyboard journeys:
    everything must be reachable without a mouse)."""
    target = locator.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(element) => document.activeElement === element", target):
            return
    raise AssertionError(f"not reachable with Tab: {locator}")


def sign_out(page):
    page.locator(".profile-menu summary").click()
    page.get_by_role("button", name="Se déconnecter").click()


@pytest.fixture(autouse=True)
def _referentials(transactional_db):
    """Browser tests empty the database after each test, data migrations included: reload them."""
    from monespace.dossiers import referentials
    from monespace.dossiers.models import RequiredDocument, SmicRate

    referentials.load(SmicRate, RequiredDocument)
    from monespace.referentials import cerfa
    from monespace.referentials.models import ApprenticePayRate, CerfaCode

    cerfa.load(CerfaCode, ApprenticePayRate, SmicRate)
    from monespace.referentials.models import CollectiveAgreement
    from monespace.referentials.referentials import load_sample

    load_sample(CollectiveAgreement)
    from monespace.referentials import funding
    from monespace.referentials.models import FundingRate, ProPayRate

    funding.load(FundingRate)
    funding.load_pro_pay_grid(ProPayRate)
