"""« Aide & contact » (seed 002: « des guides pratiques … disponibles directement dans Mon
Espace … dans la rubrique Aide & Contact », and its FAQ): the guide pages with their numbered
steps, the FAQ page, and the search over both (accents and case ignored, a message when nothing
is found or when the query is too long). Public, like the help page."""

import html
import itertools
import re
from pathlib import Path

import allauth
import pytest
from django.conf import settings
from django.urls import reverse

from monespace.www import guides
from monespace.www.help_search import excerpt, fold, query_words, search
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

GUIDE_SLUGS = [guide.slug for guide in guides.GUIDES]


def text(response):
    return html.unescape(response.content.decode())


def help_search(client, query):
    return client.get(reverse("www:help"), {"q": query})


def results_block(response):
    """The search results as shown, without the rest of the page."""
    page = text(response)
    start = page.index('id="resultats"')
    return page[start : page.index("</div>", start)]


def assert_headings_in_order(response):
    levels = [int(level) for level in re.findall(r"<h([1-6])\b", response.content.decode())]
    assert levels[0] == 1 and levels.count(1) == 1, levels
    for previous, level in itertools.pairwise(levels):
        assert level <= previous + 1, levels


# --- Search -----------------------------------------------------------------------------------


def test_fold_ignores_accents_case_and_ligatures():
    assert fold("Règlements ÉCHÉANCIERS Œuvre") == "reglements echeanciers oeuvre"
    assert query_words("Code d’ACTIVATION") == ["code", "activation"]
    assert query_words("e-mail") == ["mail"]
    assert query_words("de la") == ["de", "la"]  # nothing else: kept


def test_excerpt_marks_the_original_words_around_the_first_found():
    sentence = "x " * 200 + "Les Règlements de l'OPCO arrivent par virement. " + "y " * 200
    parts = excerpt(sentence, ["reglements", "virement"])
    assert [p for p, matched in parts if matched] == ["Règlements", "virement"]
    shown = "".join(p for p, _matched in parts)
    assert shown.startswith("… ") and shown.endswith(" …") and len(shown) < 200


def test_search_is_accent_and_case_insensitive(client):
    for query in ["reglements", "RÈGLEMENTS", "Reglement"]:
        response = help_search(client, query)
        assert response.status_code == 200
        block = results_block(response)
        assert "Règlements et virements" in block, query
        assert reverse("www:help_guide", args=["reglements-virements"]) in block
    # A word typed without accent is found in an accented text, and marked as written there.
    found = results_block(help_search(client, "echeanciers"))
    assert "<mark>Échéanciers</mark>" in found


def test_search_finds_the_guide_and_the_questions_with_an_excerpt(client):
    response = help_search(client, "brouillon")
    block = results_block(response)
    assert "résultats pour « brouillon »" in block
    # The guide whose title holds the word comes first, then the FAQ's question about drafts.
    assert block.index("Dossiers et brouillons") < block.index(
        "Je n'ai plus accès à mes brouillons"
    )
    assert reverse("www:help_guide", args=["dossiers-brouillons"]) in block
    assert reverse("www:help_faq") + "#anciens-brouillons" in block
    assert "<mark>brouillon</mark>" in block and "Guide pratique" in block
    assert "Question fréquente" in block


def test_every_word_must_be_found(client):
    assert [r.slug for r in search("trente trois parties")] == []
    slugs = [r.slug for r in search("CERFA trois parties")]
    assert "contrats-alternance" in slugs and "cerfa" in slugs
    assert "factures" not in slugs


def test_no_result_says_so_in_french(client):
    response = help_search(client, "xylophone")
    assert response.status_code == 200
    block = results_block(response)
    assert "Aucun résultat pour « xylophone »" in block and "<li>" not in block


def test_a_query_too_long_gets_a_message_and_no_search(client):
    response = help_search(client, "brouillon " * 25)  # 250 characters
    assert response.status_code == 200
    page = text(response)
    assert "Votre recherche est trop longue : 200 caractères au plus" in page
    assert 'id="resultats"' not in page
    assert 'aria-invalid="true"' in response.content.decode()
    # What was typed is kept in the field.
    assert 'value="brouillon brouillon' in page
    # 200 characters are still searched.
    assert 'id="resultats"' in text(help_search(client, ("brouillon " * 20)[:200]))


@pytest.mark.parametrize("query", ["\x00", "%", "<script>", "   ", "'", "é" * 200])
def test_odd_queries_never_fail(client, query):
    response = help_search(client, query)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("</header>")[1]


def test_the_search_field_is_labelled_and_a_plain_get_form(client):
    page = client.get(reverse("www:help")).content.decode()
    assert '<label for="recherche_q"' in page and 'id="recherche_q"' in page
    assert re.search(r'<form method="get" action="/aide/#resultats" role="search"', page)
    assert 'id="resultats"' not in page  # nothing searched yet


# --- Help page, guides and FAQ ----------------------------------------------------------------


def test_the_help_page_lists_the_guides_and_the_faq_themes(client):
    response = client.get(reverse("www:help"))
    page = text(response)
    for guide in guides.GUIDES:
        assert f'<a href="{reverse("www:help_guide", args=[guide.slug])}">{guide.title}</a>' in page
    for theme in guides.FAQ:
        assert f'{reverse("www:help_faq")}#{theme.slug}">{theme.title}</a>' in page
    assert "Demandez à être rappelé" in page and settings.OPCO_PHONE in page
    assert_headings_in_order(response)
    assert_headings_in_order(help_search(client, "facture"))


@pytest.mark.parametrize("slug", GUIDE_SLUGS)
def test_each_guide_page_shows_its_numbered_steps(client, slug):
    guide = guides.GUIDES_BY_SLUG[slug]
    response = client.get(reverse("www:help_guide", args=[slug]))
    assert response.status_code == 200
    page = text(response)
    assert f"<h1>{guide.title}</h1>" in page
    lists = re.findall(r"<ol>(.*?)</ol>", page, flags=re.S)
    assert len(lists) == len(guide.sections)
    for section, ordered in zip(guide.sections, lists, strict=True):
        assert f'<h2 id="{section.slug}">{section.title}</h2>' in page
        items = re.findall(r"<li>\s*(.*?)\s*</li>", ordered, flags=re.S)
        assert [item.split("<br>")[0].strip() for item in items] == [
            str(step.text) for step in section.steps
        ]
        for step in section.steps:
            for link in step.links:
                assert f'<a href="{reverse(link.url_name)}{link.query}">{link.label}</a>' in page
    assert page.count(f'<a href="{reverse("www:help")}">Retour à l\'aide</a>') == 2
    assert_headings_in_order(response)
    ids = re.findall(r'id="([^"]+)"', page)
    assert len(ids) == len(set(ids)), ids


def test_the_guides_cover_what_the_seeds_ask():
    def whole(slug):
        return fold(" ".join(str(t) for t in guides.GUIDES_BY_SLUG[slug].texts()))

    assert "double authentification" in whole("premiere-connexion")
    for words in ["3 mois", "courrier", "siren", "siret", "accepter la demande"]:
        assert words in whole("administrateurs-codes-activation"), words
    for words in ["30 salaries", "dupliquer", "brouillons", "transmettre", "pieces demandees"]:
        assert words in whole("dossiers-brouillons"), words
    assert "trois parties" in whole("contrats-alternance") and "ordre du cerfa" in whole(
        "contrats-alternance"
    )
    assert "rib" in whole("factures") and "certificat de realisation" in whole("factures")
    assert "avis de virement" in whole("reglements-virements")


def _portal_labels():
    """Every label the portal shows: its templates and its Python strings (implicit
    concatenations joined), and allauth's French catalogue for the pages it renders."""
    root = Path(settings.BASE_DIR)
    own = {root / "monespace/www/guides.py", root / "monespace/www/help_search.py"}
    chunks = []
    for path in [*root.glob("templates/**/*.html"), *root.glob("monespace/**/*.html")]:
        if "help" not in path.parent.name:
            chunks.append(path.read_text())
    for path in root.glob("monespace/**/*.py"):
        if path not in own and "migrations" not in path.parts:
            chunks.append(re.sub(r'"\s*\n\s*"', "", path.read_text()))
    po = Path(allauth.__file__).parent / "locale/fr/LC_MESSAGES/django.po"
    chunks.append(po.read_text())
    chunks += [str(g.title) for g in guides.GUIDES]
    return fold("\n".join(chunks))


def test_every_label_quoted_in_the_help_exists_in_the_portal():
    """A step names the portal's real menus and buttons: each « … » must be found in the
    templates or strings of the portal (a renamed button makes this test fail)."""
    texts = [t for g in guides.GUIDES for t in g.texts()] + [
        t for q in guides.QUESTIONS for t in q.texts()
    ]
    corpus = _portal_labels()
    missing = []
    for quoted in re.findall(r"«\s*(.*?)\s*»", "\n".join(str(t) for t in texts)):
        for chunk in re.split(r"…| — ", quoted):
            if chunk.strip() and fold(chunk.strip()) not in corpus:
                missing.append(quoted)
    assert missing == []


def test_the_faq_page_has_every_question_with_its_anchor(client):
    response = client.get(reverse("www:help_faq"))
    assert response.status_code == 200
    page = text(response)
    assert len(guides.QUESTIONS) >= 25
    for theme in guides.FAQ:
        assert f'<h2 id="{theme.slug}">{theme.title}</h2>' in page
        for question in theme.questions:
            assert f'<h3 id="{question.slug}">{question.question}</h3>' in page
    ids = re.findall(r'id="([^"]+)"', page)
    assert len(ids) == len(set(ids)), ids
    assert "Retour à l'aide" in page
    assert_headings_in_order(response)


def test_an_unknown_guide_is_a_404(client):
    assert client.get("/aide/guides/guide-inconnu/").status_code == 404
    assert client.get("/aide/guides/factures-/").status_code == 404


def test_the_guide_and_faq_pages_answer_get_only(client):
    url = reverse("www:help_guide", args=["factures"])
    assert client.post(url).status_code == 405
    assert client.post(reverse("www:help_faq")).status_code == 405


def test_anonymous_visitors_read_the_help_like_signed_in_users(client):
    """The help page is public (people who cannot sign in need it most): so are its guides,
    its FAQ and its search; the links to the portal's pages then ask for a login."""
    urls = [
        reverse("www:help"),
        reverse("www:help") + "?q=brouillon",
        reverse("www:help_faq"),
        reverse("www:help_guide", args=["premiere-connexion"]),
    ]
    anonymous = [client.get(url) for url in urls]
    assert [r.status_code for r in anonymous] == [200] * 4
    client.force_login(MembershipFactory().user)
    signed_in = [client.get(url) for url in urls]
    assert [r.status_code for r in signed_in] == [200] * 4
    assert results_block(anonymous[1]) == results_block(signed_in[1])
    client.logout()
    followed = client.get(reverse("www:dossiers"))
    assert followed.status_code == 302 and followed.url.startswith(reverse("account_login"))


def test_query_counts_of_the_guide_page_are_locked(client, django_assert_num_queries):
    url = reverse("www:help_guide", args=["dossiers-brouillons"])
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200
    client.force_login(MembershipFactory().user)
    client.get(url)
    # The session and the user: nothing depends on the guide's content.
    with django_assert_num_queries(2):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(2):
        assert client.get(reverse("www:help_guide", args=["factures"])).status_code == 200
