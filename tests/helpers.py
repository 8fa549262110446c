from django.core.signals import request_finished
from django.db import close_old_connections


def read_streaming(response):
    """Read a streaming response (file download) and close it, without letting Django's
    end-of-request handler close the test's database connection (it would on PostgreSQL)."""
    body = b"".join(response.streaming_content)
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    return body


def create_dossier(**values):
    """A dossier and its training-action row from one set of values (the fields of the
    training action go to its row), with the models' own defaults for the rest."""
    from monespace.dossiers.models import Dossier, TrainingAction

    own = {f.name for f in TrainingAction._meta.concrete_fields} - {"dossier"}
    training = {name: values.pop(name) for name in list(values) if name in own}
    dossier = Dossier.objects.create(**values)
    TrainingAction.objects.create(dossier=dossier, **training)
    return dossier


def form_values(page: str, form_index: int = -1) -> dict[str, str]:
    """What a browser would send for the ``form_index``-th POST form of ``page`` as shown:
    its inputs' values (checked boxes only), selected options and textareas."""
    from html.parser import HTMLParser

    class Forms(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.forms: list[dict[str, str]] = []
            self.current: dict[str, str] | None = None
            self.select: str | None = None
            self.first_option: str | None = None
            self.textarea: str | None = None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "form" and (a.get("method") or "").lower() == "post":
                self.current = {}
                self.forms.append(self.current)
            if self.current is None:
                return
            name = a.get("name")
            if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
                if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                    return
                self.current[name] = a.get("value") or ("on" if a.get("type") == "checkbox" else "")
            elif tag == "select" and name:
                self.select, self.first_option = name, None
            elif tag == "option" and self.select:
                if self.first_option is None:
                    self.first_option = a.get("value", "")
                if "selected" in a:
                    self.current[self.select] = a.get("value", "")
            elif tag == "textarea" and name:
                self.textarea = name
                self.current[name] = ""

        def handle_endtag(self, tag):
            if tag == "form":
                self.current = None
            elif tag == "select" and self.select and self.current is not None:
                self.current.setdefault(self.select, self.first_option or "")
                self.select = None
            elif tag == "textarea":
                self.textarea = None

        def handle_data(self, data):
            if self.textarea and self.current is not None:
                self.current[self.textarea] += data

    parser = Forms()
    parser.feed(page)
    return parser.forms[form_index]


def start_draft(client, url: str, establishment) -> "object":
    """« Commencer la saisie » on ``url`` (a « Nouvelle demande » page) for ``establishment``,
    then the first step saved as shown (« Enregistrer et quitter »): the draft is born then."""
    from monespace.dossiers.models import Dossier

    response = client.post(url, {"establishment": establishment.pk})
    assert response.status_code == 302, response
    start = response.url
    values = form_values(client.get(start).content.decode())
    values.pop("csrfmiddlewaretoken", None)
    response = client.post(start, {**values, "save_quit": "1"})
    assert response.status_code == 302, response.content.decode()[:3000]
    return Dossier.objects.latest("pk")
