"""E-mail subjects are plain text: an apostrophe or an ampersand is not turned into an HTML
entity (« Contrats d&#x27;apprentissage » was found in a subject)."""

from pathlib import Path

import pytest
from django.conf import settings

from monespace.core.mail import render_email

PREFIXES = sorted(
    p.name.removesuffix("_subject.txt")
    for p in (Path(settings.BASE_DIR) / "templates" / "emails").glob("*_subject.txt")
)


def test_a_notice_subject_keeps_its_apostrophes():
    subject, _body, html = render_email(
        "emails/notice", {"recipient": None, "subject": "Contrats d'apprentissage & avenants"}
    )
    assert subject == "Contrats d'apprentissage & avenants"
    assert "d&#x27;apprentissage &amp; avenants" in html  # the HTML part stays escaped


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_subject_template_renders_without_escaping(prefix):
    source = (
        Path(settings.BASE_DIR) / "templates" / "emails" / f"{prefix}_subject.txt"
    ).read_text()
    assert "{% autoescape off %}" in source
