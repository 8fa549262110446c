"""Issue 16: the load scenario (benchmarks/load). The locustfile imports and locust finds the
personas of a plan; what the scenario reads from the pages and posts is what the portal
accepts (a draft created by its first step, the step saved again, a PDF joined, CSRF checked;
the API's reads and a document posted with an Idempotency-Key); the runner's plan draws what
each persona sees; its record tells errors from shedding, and its verdicts, recovery and CPU
shares follow from it. The load itself is run by hand (docs/performance.md)."""

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from benchmarks.load import run, scenario
from benchmarks.load.scenario import ERROR, FORM, OK, READ, SHED, UPLOAD
from benchmarks.scale._serve import Persona
from monespace.dossiers.models import Document, Dossier
from tests.factories import DossierFactory, EstablishmentFactory, MembershipFactory

ROOT = Path(__file__).resolve().parents[1]


def _python(code, **env):
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_locustfile_imports_and_locust_finds_the_plans_personas(tmp_path):
    # In child processes: importing locust patches the standard library with gevent.
    assert _python("import benchmarks.load.locustfile").returncode == 0
    plan = tmp_path / "plan.json"
    roles = {"company_few": {"sessions": ["s"], "pages": {}}, "api": {"keys": ["k"]}}
    plan.write_text(json.dumps({"roles": roles}))
    locust = str(Path(sys.executable).with_name("locust"))
    listed = subprocess.run(
        [locust, "-f", "benchmarks/load/locustfile.py", "--list"],
        cwd=ROOT,
        env={**os.environ, "LOAD_PLAN": str(plan)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.split() == ["Available", "Users:", "CompanyFewUser", "ApiUser"]


@pytest.mark.django_db
def test_what_the_scenario_posts_creates_a_draft_saves_its_step_and_joins_a_pdf():
    establishment = EstablishmentFactory(member=True)
    user = MembershipFactory(
        company=establishment.company, can_view_training=True, can_edit_training=True
    ).user
    client = Client(enforce_csrf_checks=True)  # the token read from the page must be right
    client.force_login(user)
    [start] = run.start_paths(user)
    form = scenario.find_form(client.get(start).content.decode(), field="title")
    values = scenario.training_step_values(form, 7)
    body, content_type = scenario.urlencoded(
        scenario.form_values(form, button="validate", **values)
    )
    response = client.post(form.action or start, body, content_type=content_type)
    assert response.status_code == 302
    draft = Dossier.objects.get()
    assert (draft.title, str(draft.training.duration_hours)) == (values["title"], "21.00")
    step = run.draft_paths()["step"]
    assert response.url == step.format(pk=draft.pk, step="modules")

    # The same step of that draft saved again, without the creation's token.
    form.fields = [(k, v) for k, v in form.fields if k != "submission_token"]
    values = scenario.training_step_values(form, 8)
    body, content_type = scenario.urlencoded(
        scenario.form_values(form, button="validate", **values)
    )
    saved = client.post(step.format(pk=draft.pk, step="formation"), body, content_type=content_type)
    assert saved.status_code == 302
    draft.refresh_from_db()
    assert draft.title == values["title"] and Dossier.objects.count() == 1

    page = client.get(step.format(pk=draft.pk, step="envoi")).content.decode()
    upload = scenario.find_form(page, action_suffix="/documents/")
    pdf = scenario.small_pdf()
    body, content_type = scenario.multipart(
        scenario.form_values(upload, piece_type="programme", title="Programme", comment=""),
        [("file", "programme.pdf", "application/pdf", pdf)],
    )
    assert client.post(upload.action, body, content_type=content_type).status_code == 302
    document = Document.objects.get(dossier=draft)
    assert (document.content_type, document.size, document.title) == (
        "application/pdf",
        len(pdf),
        "Programme",
    )
    with pytest.raises(ValueError, match="no button"):
        scenario.form_values(upload, button="validate")
    with pytest.raises(ValueError, match="has no nope"):
        scenario.form_values(upload, nope="1")


@pytest.mark.django_db
def test_the_plan_draws_what_each_persona_sees_and_keys_that_read_and_attach(client):
    establishment = EstablishmentFactory(member=True)
    company = establishment.company
    reader = MembershipFactory(company=company, can_view_training=True).user
    editor = MembershipFactory(
        company=company, is_admin=True, can_view_training=True, can_edit_training=True
    ).user
    seen = DossierFactory(establishment=establishment, approved=True)
    DossierFactory(establishment=establishment)  # a draft: not among the pages read
    other = DossierFactory(approved=True)
    persona = Persona(
        name="company_few",
        user_id=reader.pk,
        label="",
        staff=False,
        pages={"home": "/", "list_tab": "/dossiers/?group=en-cours", "dossier": "/dossiers/1/"},
    )
    pages = run.page_entries(persona, reader, random.Random(1))
    assert {key: page["name"] for key, page in pages.items()} == {
        "home": "www:home",
        "list_tab": "www:dossiers ?group",
        "dossier": "www:dossier",
        "help": "www:help",
    }
    assert pages["dossier"]["paths"] == ["/dossiers/1/", reverse("www:dossier", args=[seen.pk])]
    assert reverse("www:dossier", args=[other.pk]) not in pages["dossier"]["paths"]
    # A persona that only reads: the writes are its company's editor's.
    assert run.start_paths(reader) == []
    assert run.company_editor(persona, reader) == editor

    keys, api = run.api_entries(persona, editor, 2, random.Random(1))
    assert len(keys) == len(api["keys"]) == 2
    assert api["detail"] == [reverse("api:training_action", args=[seen.number])]
    headers = {
        f"HTTP_{name.upper().replace('-', '_')}": value
        for name, value in scenario.api_headers(api["keys"][1]).items()
    }
    assert client.get(api["status"], **headers).status_code == 200
    assert client.get(api["detail"][0], **headers).status_code == 200
    body, content_type = scenario.multipart(
        [("type", "programme"), ("titre", "Programme")],
        [("fichier", "programme.pdf", "application/pdf", scenario.small_pdf())],
    )
    posted = client.post(
        api["attach"][0],
        body,
        content_type=content_type,
        HTTP_IDEMPOTENCY_KEY="load-1",
        **headers,
    )
    assert posted.status_code == 201, posted.content
    assert seen.documents.count() == 1


def test_the_record_tells_errors_from_shedding_and_the_verdicts_follow():
    assert [scenario.outcome(status, (302,)) for status in (302, 200, 429, 503, 500, 0)] == [
        OK,
        ERROR,
        SHED,
        SHED,
        ERROR,
        ERROR,
    ]
    record = scenario.Recorder()
    record.set_stage("steady", 1000.0)
    for i in range(19):
        record.add(READ, 200, OK, 100.0 + i, 1000.0 + i / 2, "GET www:home")
    record.add(READ, 503, SHED, 1.0, 1010.0, "GET www:home")  # not a served time
    record.add(FORM, 302, OK, 400.0, 1010.0, "POST www:dossier_step")
    record.add(UPLOAD, 500, ERROR, 900.0, 1010.0, "POST www:dossier_document_upload")
    stages = record.as_dict()["stages"]
    steady = stages["steady"]
    assert (steady["reads"]["requests"], steady["reads"]["shed"]) == (20, 1)
    assert (steady["reads"]["p50_ms"], steady["reads"]["p95_ms"]) == (109.0, 118.0)
    assert (steady["writes"]["errors"], steady["writes"]["p95_ms"]) == (1, 900.0)
    assert steady["routes"]["POST www:dossier_step"]["ok"] == 1
    writes = {"drafts": 1, "documents": 0, "drafts_acknowledged": 1, "documents_acknowledged": 0}
    checks = {what: met for what, met, _figure in run.verdicts("steady", 2, stages, {}, writes)}
    assert checks == {
        "2 req/s held (≥ 95%)": True,  # 22 answers in 10 s
        "reads p95 < 300 ms": True,
        "writes p95 < 800 ms": False,
        "no error, nothing shed": False,
        "no acknowledged write lost": True,
    }
    writes["drafts"] = 0  # a 302 received, no draft in the database
    checks = {what: met for what, met, _figure in run.verdicts("steady", 2, stages, {}, writes)}
    assert not checks["no acknowledged write lost"]


def test_recovery_is_the_end_of_the_last_bad_window_after_the_drop():
    def second(bad=0, p95=100.0):
        return {"ok": 10, "shed": bad, "errors": 0, "read_p95_ms": p95}

    seconds = {str(2000 + s): second(bad=1 if s < 12 else 0) for s in range(40)}
    seconds["1999"] = second(bad=50)  # before the drop: not counted
    assert scenario.recovery(seconds, 2000.0, p95_ms=300) == {
        "errors_s": 15.0,
        "latency_s": 0.0,
        "windows": 8,
    }
    seconds["2038"] = second(p95=900.0)  # still slow in the last window
    assert scenario.recovery(seconds, 2000.0, p95_ms=300)["latency_s"] is None


def test_cpu_shares_are_of_the_whole_machine_with_the_rest_and_idle():
    sampler = run.CpuSampler(5, server_pgid=1, locust_pgid=2, database="bench")
    sampler.samples = [
        (100.0, {"granian worker 11": 1.0, "locust": 0.5}, 2.5, 5.0),
        (105.0, {"granian worker 11": 2.0, "postgres: bench": 1.5}, 4.0, 5.0),
        (200.0, {"granian worker 11": 9.0}, 9.0, 10.0),  # outside the stage
    ]
    assert sampler.shares(99.0, 105.0) == {
        "granian worker 11": 30.0,
        "locust": 5.0,
        "postgres: bench": 15.0,
        "other processes": 15.0,
        "idle": 35.0,
    }
