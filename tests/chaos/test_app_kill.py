"""An app instance killed (``kill -9``, workers and all) while clients create drafts and attach
files through nginx (issue 16, research note reliability.md §5.2 F1).

The clients retry what got no answer or a 502/503 with the same form (the same submission
token). Afterwards: every acknowledged draft exists once, the drafts are exactly the
acknowledged ones (no duplicate of a retried form), each acknowledged upload is one document
whose file is in the store, no file survives the sweeper without its row, and the killed
instance, started again, serves.
"""

import threading
import time

import pytest

from .conftest import Journal, attach, first_step, start_draft

pytestmark = pytest.mark.chaos

CLIENTS = 4


def test_kill_9_of_an_instance_loses_and_duplicates_nothing(topology, seeded):
    scene = seeded(CLIENTS)
    start = first_step(scene["establishment"])
    journal = Journal()
    clients = [topology.client(email) for email in scene["users"]]
    acknowledged: dict[int, list[tuple[int, bool]]] = {n: [] for n in range(CLIENTS)}
    errors: list[BaseException] = []
    stop = threading.Event()
    killed_at: list[float] = []

    def work(n: int) -> None:
        client, done = clients[n], acknowledged[n]
        try:
            i = 0
            while not stop.is_set():
                deadline = time.monotonic() + 60
                dossier = start_draft(client, journal, start, f"CHAOS KILL {n}-{i}", deadline)
                done.append((dossier, False))
                attach(client, journal, dossier, f"Programme {n}-{i}", deadline)
                done[-1] = (dossier, True)
                i += 1
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    time.sleep(3)
    topology.kill_app(1)
    killed_at.append(time.monotonic())
    assert not topology.ready(1)
    time.sleep(5)
    stop.set()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    print(
        f"{len(journal.attempts)} requests, answered without success then retried: "
        f"{[(a.method, a.what, a.status) for a in journal.failures()]}"
    )
    assert not any(thread.is_alive() for thread in threads)

    # The other instance went on serving alone.
    after_kill = [a for a in journal.attempts if a.started > killed_at[0] and a.status == 302]
    assert after_kill, "no submission was acknowledged after the kill"

    users = tuple(scene["ids"])
    rows = topology.sql(
        "SELECT id, created_by_id FROM dossiers_dossier WHERE created_by_id = ANY(%s)",
        (list(users),),
    )
    for n, user in enumerate(users):
        mine = sorted(pk for pk, creator in rows if creator == user)
        # Exactly the acknowledged drafts: none lost, none created twice by a retried form.
        assert mine == sorted(pk for pk, _attached in acknowledged[n]), n
    acknowledged_ids = [pk for done in acknowledged.values() for pk, _ in done]
    assert len(acknowledged_ids) == len(set(acknowledged_ids)) == len(rows)

    documents = dict(
        topology.sql(
            "SELECT dossier_id, count(*) FROM dossiers_document WHERE dossier_id = ANY(%s) "
            "GROUP BY dossier_id",
            (acknowledged_ids,),
        )
    )
    for done in acknowledged.values():
        for pk, attached in done:
            assert documents.get(pk, 0) == (1 if attached else 0), pk
    # One receipt per acknowledged form: one token, one object.
    ((receipts,),) = topology.sql(
        "SELECT count(*) FROM core_submissionreceipt WHERE user_id = ANY(%s)", (list(users),)
    )
    assert receipts == len(acknowledged_ids) + sum(
        attached for done in acknowledged.values() for _pk, attached in done
    )
    # Never a half-made draft: its training-action row and its « created » event.
    broken = topology.sql(
        "SELECT d.id FROM dossiers_dossier d "
        "LEFT JOIN dossiers_trainingaction t ON t.dossier_id = d.id "
        "WHERE d.id = ANY(%s) AND (t.dossier_id IS NULL OR (SELECT count(*) FROM "
        "dossiers_dossierevent e WHERE e.dossier_id = d.id AND e.kind = 'created') <> 1)",
        (acknowledged_ids,),
    )
    assert broken == []

    # The sweeper: what a killed upload left in the store goes; every document keeps its file.
    swept = topology.manage("sweep_storage", env={"STORAGE_ORPHAN_GRACE_HOURS": "0"})
    left = topology.manage("sweep_storage", "--dry-run", env={"STORAGE_ORPHAN_GRACE_HOURS": "0"})
    assert left.strip().endswith("0 fichier(s) orphelin(s) à supprimer"), (swept, left)
    ours = {
        name
        for (name,) in topology.sql(
            "SELECT file FROM dossiers_document WHERE dossier_id = ANY(%s)", (acknowledged_ids,)
        )
    }
    assert len(ours) == len(documents) and ours <= topology.s3_keys()

    # The killed instance, started again, serves.
    topology.start_app(1)
    assert topology.ready(1)
    page = topology.direct(1, "/accounts/login/")
    assert page.status_code == 200 and "csrfmiddlewaretoken" in page.text
