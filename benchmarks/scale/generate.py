"""Build the benchmark's dataset on PostgreSQL, set-based, and write the runner's manifest.

    .venv/bin/python benchmarks/scale/generate.py                 # 1,000,000 dossiers (≈ 5 min)
    .venv/bin/python benchmarks/scale/generate.py --dossiers 100000 --companies 2000

An OPCO of the seeds' size (issue 8): 20,000 companies and 1,000,000 training-action dossiers
spread over three years (with their training-action rows), 2 trainees per dossier (2 M) from
the companies' employee registers, 2 history rows per dossier (2 M), decisions on the decided
dossiers (≈ 730 k, with their granted amounts), one document on half the dossiers,
200,000 notifications, 500 training organisations, delegations, memberships scoped to some
establishments, staff with branches and quick accesses. Everything is written with
``INSERT … SELECT generate_series`` (never the ORM row by row), then ``VACUUM ANALYZE``.

The personas of the manifest see 50,000, 5,000 and 500 dossiers (whole companies), 2,500 (a
membership scoped to ten establishments of the largest company), a training organisation with
2,000 client companies (provider of ≈ 30,000 dossiers and delegate of its clients), an advisor
(the instruction queue) and the administrator of the largest company (administration page).
The database is dropped and created again: it must be a benchmark database.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STATES = [  # (state, share of dossiers)
    ("draft", 0.10),
    ("submitted", 0.05),
    ("under_review", 0.05),
    ("documents_requested", 0.03),
    ("approved", 0.40),
    ("refused", 0.07),
    ("closed", 0.28),
    ("cancelled", 0.02),
]
BRANCHES = [
    "Boulangerie-pâtisserie",
    "Hôtels, cafés, restaurants",
    "Commerce de détail",
    "Propreté",
    "Travail temporaire",
    "Enseignement privé",
    "Sport",
    "Tourisme",
    "Coiffure",
    "Animation",
]
TITLES = [
    "HYGIÈNE ALIMENTAIRE EN RESTAURATION",
    "SAUVETEUR SECOURISTE DU TRAVAIL",
    "MANAGEMENT D'ÉQUIPE",
    "ANGLAIS PROFESSIONNEL",
    "BUREAUTIQUE EXCEL PERFECTIONNEMENT",
    "PILOTER LA FORMATION PROFESSIONNELLE",
    "ACCUEIL CLIENT ET VENTE",
    "PRÉVENTION DES RISQUES PROFESSIONNELS",
    "PÂTISSERIE FINE",
    "GESTION DES CONFLITS",
    "COMPTABILITÉ GÉNÉRALE",
    "CONDUITE DE CHARIOT ÉLÉVATEUR",
    "HABILITATION ÉLECTRIQUE",
    "TECHNIQUES DE NÉGOCIATION",
    "PAIE ET DÉCLARATIONS SOCIALES",
    "MARKETING DIGITAL",
]
LAST_NAMES = [
    "MARTIN",
    "BERNARD",
    "THOMAS",
    "PETIT",
    "ROBERT",
    "RICHARD",
    "DURAND",
    "DUBOIS",
    "MOREAU",
    "LAURENT",
    "SIMON",
    "MICHEL",
    "LEFEBVRE",
    "LEROY",
    "ROUX",
    "DAVID",
    "BERTRAND",
    "MOREL",
    "FOURNIER",
    "GIRARD",
]
FIRST_NAMES = ["Lucas", "Emma", "Louise", "Hugo", "Jade", "Léo", "Chloé", "Nathan", "Inès", "Paul"]
PASSWORD = "!"  # unusable: personas sign in through sessions made by the runner


def sql_array(values):
    return "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE", "monespace_bench"))
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--companies", type=int, default=20_000)
    parser.add_argument("--providers", type=int, default=500)
    parser.add_argument("--notifications", type=int, default=200_000)
    parser.add_argument("--clients", type=int, default=2000, help="client companies of the OF")
    parser.add_argument("--manifest", default=str(ROOT / "var" / "bench" / "manifest.json"))
    args = parser.parse_args()
    if args.dossiers < 100_000 or args.companies < 2000:
        parser.error("the benchmark needs at least 100,000 dossiers and 2,000 companies")

    os.environ.update(
        DB="pg",
        PGHOST=os.environ.get("PGHOST", "127.0.0.1"),
        PGUSER=os.environ.get("PGUSER", "postgres"),
        PGDATABASE=args.database,
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    started = time.monotonic()
    recreate_database(args.database)
    step(
        "migrate",
        lambda: subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True
        ),
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        generate(cursor, args)
    connection.close()
    step("vacuum analyze", lambda: vacuum(args.database))
    manifest = build_manifest(args)
    Path(args.manifest).parent.mkdir(parents=True, exist_ok=True)
    Path(args.manifest).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    print(f"manifest: {args.manifest}")
    print(f"done in {time.monotonic() - started:.0f} s")


def step(label, action):
    started = time.monotonic()
    print(f"{label}…", end=" ", flush=True)
    result = action()
    print(f"{time.monotonic() - started:.1f} s", flush=True)
    return result


def psql(database, sql):
    subprocess.run(
        ["psql", "-h", os.environ["PGHOST"], "-U", os.environ["PGUSER"], "-qc", sql, database],
        check=True,
    )


def recreate_database(name):
    if not name.replace("_", "").isalnum() or "bench" not in name:
        raise SystemExit(f"refusing to drop {name!r}: the name must contain 'bench'")
    psql("postgres", f"DROP DATABASE IF EXISTS {name}")
    psql("postgres", f"CREATE DATABASE {name}")


def vacuum(database):
    psql(database, "VACUUM (ANALYZE)")


def generate(cursor, args):
    n, companies, providers = args.dossiers, args.companies, args.providers
    big, medium, small = 50_000, 5_000, 500
    state_cases = []
    upper = 0.0
    for state, share in STATES:
        upper += share
        state_cases.append(f"WHEN r < {upper:.4f} THEN '{state}'")
    state_case = "CASE " + " ".join(state_cases) + " ELSE 'closed' END"

    def run(label, sql, params=None):
        step(label, lambda: cursor.execute(sql, params or {}))

    # Companies: 1..companies are member companies (1, 2 and 3 the personas' 50,000, 5,000
    # and 500 dossiers), then the training organisations.
    run(
        "companies",
        """
        INSERT INTO organizations_company
            (id, siren, name, naf, headcount_band, legal_category, state, head_office_nic,
             updated_at)
        SELECT i, lpad(i::text, 9, '0'),
               CASE WHEN i > %(companies)s THEN 'ORGANISME DE FORMATION ' || i
                    ELSE 'ENTREPRISE ' || i END,
               '10.71C', '11', '5710', 'A', '00011', now()
        FROM generate_series(1, %(total)s) AS i
        """,
        {"companies": companies, "total": companies + providers},
    )
    # Establishments: 200 for the largest company, 20 and 3 for the next two, 1 to 3 for the
    # others, 1 to 3 for each training organisation (with its OPCO number and NDA).
    run(
        "establishments",
        f"""
        INSERT INTO organizations_establishment
            (company_id, siret, name, address, address_complement, postal_code, city, naf,
             headcount_band, idcc, is_head_office, state, member_number, provider_number,
             branch, nda, uai, qualiopi_categories, qualiopi_valid_until, updated_at)
        SELECT c.id, lpad(c.id::text, 9, '0') || lpad(k::text, 5, '0'),
               CASE WHEN k = 1 THEN '' ELSE 'SITE ' || k END,
               k || ' RUE DES LILAS', '', lpad((75001 + c.id %% 20)::text, 5, '0'), 'PARIS',
               '10.71C', '11', '0843', k = 1, 'A',
               CASE WHEN c.id <= %(companies)s THEN c.id || '.' || lpad(k::text, 3, '0')
                    ELSE '' END,
               CASE WHEN c.id > %(companies)s THEN 'OF' || c.id || '.' || k ELSE '' END,
               ({sql_array(BRANCHES)})[1 + c.id %% {len(BRANCHES)}],
               CASE WHEN c.id > %(companies)s THEN lpad((11750000000 + c.id)::text, 11, '0')
                    ELSE '' END,
               '', CASE WHEN c.id > %(companies)s THEN 'actions' ELSE '' END,
               CASE WHEN c.id > %(companies)s THEN current_date + 365 END,
               now()
        FROM organizations_company AS c,
             generate_series(1, CASE WHEN c.id = 1 THEN 200 WHEN c.id = 2 THEN 20
                                     WHEN c.id = 3 THEN 3 ELSE 1 + c.id %% 3 END) AS k
        ORDER BY c.id, k
        """,
        {"companies": companies},
    )
    cursor.execute(
        """
        CREATE TEMP TABLE estab AS
        SELECT company_id, min(id) AS first_id, count(*) AS n
        FROM organizations_establishment GROUP BY company_id
        """
    )
    # Users: one administrator per company, the personas, 50 staff.
    personas = [
        "entreprise-50000",
        "entreprise-5000",
        "entreprise-500",
        "etablissements-2500",
        "organisme-clients",
        "conseiller",
    ]
    run(
        "users",
        """
        INSERT INTO accounts_user
            (id, password, is_superuser, email, civility, last_name, first_name, phone,
             notification_themes, is_staff, is_active, date_joined, unread_notifications)
        SELECT i, %(password)s, false, 'admin' || i || '@bench.monespace.fr', 'mme',
               'ADMIN' || i, 'Claire', '', '["dossiers"]'::jsonb, false, true, now(), 0
        FROM generate_series(1, %(total)s) AS i
        """,
        {"password": PASSWORD, "total": companies + providers},
    )
    base = companies + providers
    cursor.execute(
        """
        INSERT INTO accounts_user
            (id, password, is_superuser, email, civility, last_name, first_name, phone,
             notification_themes, is_staff, is_active, date_joined, unread_notifications)
        SELECT %(base)s + ord, %(password)s, false, name || '@bench.monespace.fr', 'm',
               upper(name), 'Persona', '', '["dossiers"]'::jsonb, name = 'conseiller', true,
               now(), 0
        FROM unnest(%(names)s::text[]) WITH ORDINALITY AS p(name, ord)
        """,
        {"base": base, "password": PASSWORD, "names": personas},
    )
    cursor.execute(
        """
        INSERT INTO accounts_user
            (id, password, is_superuser, email, civility, last_name, first_name, phone,
             notification_themes, is_staff, is_active, date_joined, unread_notifications)
        SELECT %(start)s + i, %(password)s, false, 'staff' || i || '@bench.monespace.fr', 'm',
               'STAFF' || i, 'Agent', '', '[]'::jsonb, true, true, now(), 0
        FROM generate_series(1, 50) AS i
        """,
        {"start": base + 100, "password": PASSWORD},
    )
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence('accounts_user', 'id'), (SELECT max(id) FROM accounts_user))"
    )
    cursor.execute(
        'INSERT INTO account_emailaddress (email, verified, "primary", user_id) '
        "SELECT email, true, true, id FROM accounts_user"
    )
    ids = {name: base + k for k, name in enumerate(personas, start=1)}
    run(
        "staff profiles",
        f"""
        INSERT INTO accounts_staffprofile (user_id, role, branches, phone, contact_roles)
        SELECT id, CASE WHEN id %% 5 = 0 THEN 'training_assistant' ELSE 'advisor' END,
               jsonb_build_array(({sql_array(BRANCHES)})[1 + id %% {len(BRANCHES)}]), '',
               '[]'::jsonb
        FROM accounts_user WHERE is_staff
        """,
    )
    # Memberships: each company's administrator (every right), the personas.
    membership_columns = """
        (user_id, company_id, profile, status, source, created_at, decided_at, declared_idcc,
         refusal_reason, can_view_training, can_edit_training, can_view_apprenticeship,
         can_edit_apprenticeship, can_view_professionalisation, can_edit_professionalisation,
         can_view_invoices, can_manage_bank_details, is_admin)
    """
    run(
        "memberships",
        f"""
        INSERT INTO organizations_membership {membership_columns}
        SELECT i, i, CASE WHEN i > %(companies)s THEN 'provider' ELSE 'member' END, 'active',
               'request', now(), now(), '', '', true, true, true, true, true, true, true, true,
               true
        FROM generate_series(1, %(total)s) AS i
        """,
        {"companies": companies, "total": companies + providers},
    )
    of_company = companies + 1  # the training organisation with many clients
    cursor.execute(
        f"""
        INSERT INTO organizations_membership {membership_columns}
        VALUES
          (%(u50000)s, 1, 'member', 'active', 'request', now(), now(), '', '',
           true, true, false, false, false, false, true, false, false),
          (%(u5000)s, 2, 'member', 'active', 'request', now(), now(), '', '',
           true, true, false, false, false, false, false, false, false),
          (%(u500)s, 3, 'member', 'active', 'request', now(), now(), '', '',
           true, false, false, false, false, false, false, false, false),
          (%(scoped)s, 1, 'member', 'active', 'request', now(), now(), '', '',
           true, true, false, false, false, false, false, false, false),
          (%(of)s, %(of_company)s, 'provider', 'active', 'request', now(), now(), '', '',
           true, true, false, false, false, false, true, false, false)
        """,
        {
            "u50000": ids["entreprise-50000"],
            "u5000": ids["entreprise-5000"],
            "u500": ids["entreprise-500"],
            "scoped": ids["etablissements-2500"],
            "of": ids["organisme-clients"],
            "of_company": of_company,
        },
    )
    cursor.execute(
        """
        INSERT INTO organizations_membership_establishments (membership_id, establishment_id)
        SELECT m.id, e.id FROM organizations_membership m
        JOIN organizations_establishment e ON e.company_id = 1
        WHERE m.user_id = %(scoped)s AND e.id < (SELECT first_id FROM estab WHERE company_id = 1) + 10
        """,
        {"scoped": ids["etablissements-2500"]},
    )
    # Delegations: the OF with many clients is attached (view and enter) to 2,000 companies;
    # 3,000 other delegations between companies and training organisations, a tenth of them
    # scoped to one establishment.
    run(
        "delegations",
        """
        INSERT INTO organizations_delegation
            (company_id, delegate_id, kind, status, created_at, decided_at, refusal_reason,
             can_view_training, can_edit_training, can_view_apprenticeship,
             can_edit_apprenticeship, apprenticeship_mandate, can_view_professionalisation,
             can_edit_professionalisation, can_view_invoices)
        SELECT c, %(of_company)s, 'training_organisation', 'active', now(), now(), '',
               true, true, false, false, false, false, false, false
        FROM generate_series(4, 3 + %(clients)s) AS c
        UNION ALL
        SELECT c, %(companies)s + 2 + c %% (%(providers)s - 1), 'training_organisation',
               CASE WHEN c %% 7 = 0 THEN 'pending' ELSE 'active' END, now(), now(), '',
               true, c %% 2 = 0, false, false, false, false, false, false
        FROM generate_series(%(clients)s + 4, least(%(clients)s + 3003, %(companies)s)) AS c
        """,
        {
            "of_company": of_company,
            "clients": args.clients,
            "companies": companies,
            "providers": providers,
        },
    )
    cursor.execute(
        """
        INSERT INTO organizations_delegation_establishments (delegation_id, establishment_id)
        SELECT d.id, e.first_id FROM organizations_delegation d JOIN estab e
          ON e.company_id = d.company_id
        WHERE d.id %% 10 = 0 AND d.delegate_id <> %(of_company)s
        """,
        {"of_company": of_company},
    )
    # Dossiers: 50,000 / 5,000 / 500 for companies 1 / 2 / 3, the rest spread over the others.
    # The OF with many clients is the provider of ≈ 30 % of its clients' dossiers' share.
    run(
        "dossiers",
        f"""
        INSERT INTO dossiers_dossier
            (id, number, kind, state, created_at, updated_at, submitted_at, provider_name,
             provider_siret, title, start_date, end_date, certified, company_id,
             created_by_id, establishment_id, provider_establishment_id, granted_total)
        SELECT i,
               CASE WHEN s = 'draft' THEN NULL
                    ELSE (2024 + i %% 3) || '-AF-' || lpad(i::text, 7, '0') END,
               'training_action', s, created, created, CASE WHEN s <> 'draft' THEN created END,
               CASE WHEN p IS NULL THEN '' ELSE 'ORGANISME DE FORMATION ' || pc END,
               CASE WHEN p IS NULL THEN '' ELSE lpad(pc::text, 9, '0') || '00001' END,
               ({sql_array(TITLES)})[1 + i %% {len(TITLES)}] || ' ' || (i %% 97),
               created::date + 40, created::date + 42, s <> 'draft', c, c,
               e.first_id + (i %% e.n), p,
               CASE WHEN s IN ('approved', 'closed') THEN 1000 + i %% 900 END
        FROM (
            SELECT i,
                   CASE WHEN i <= {big} THEN 1 WHEN i <= {big + medium} THEN 2
                        WHEN i <= {big + medium + small} THEN 3
                        ELSE 4 + (hashint4(i)::bigint & 2147483647) %% ({companies} - 3) END AS c,
                   ((hashint4(i + 7)::bigint & 2147483647) %% 10000) / 10000.0 AS r,
                   timestamp with time zone '2024-01-01' + (i %% 1050) * interval '1 day'
                     + (i %% 86400) * interval '1 second' AS created
            FROM generate_series(1, %(n)s) AS i
        ) AS g
        CROSS JOIN LATERAL (SELECT {state_case} AS s) AS st
        JOIN estab e ON e.company_id = g.c
        LEFT JOIN LATERAL (
            SELECT CASE
                WHEN i %% 10 < 3 THEN NULL
                WHEN g.c BETWEEN 4 AND 3 + %(clients)s AND i %% 10 < 6 THEN %(of_company)s
                ELSE %(companies)s + 2 + i %% (%(providers)s - 1) END AS pc
        ) AS prov ON true
        LEFT JOIN estab pe ON pe.company_id = prov.pc
        CROSS JOIN LATERAL (SELECT pe.first_id + (i %% coalesce(pe.n, 1)) AS p) AS pp
        """,
        {
            "n": n,
            "clients": args.clients,
            "of_company": of_company,
            "companies": companies,
            "providers": providers,
        },
    )
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence('dossiers_dossier', 'id'), %(n)s)", {"n": n}
    )
    run(
        "training actions",
        """
        INSERT INTO dossiers_trainingaction
            (dossier_id, internal_training, provider_type, provider_address,
             provider_postal_code, provider_city, provider_nda, provider_contact, provider_phone,
             provider_email, direct_payment, certification_code, duration_hours, modality,
             cost_teaching, cost_pay, cost_lodging, cost_meals, cost_transport,
             cost_tutor_training, cost_training_allowance, cost_other, cost_engineering,
             comment)
        SELECT id, provider_establishment_id IS NULL, 'training_organisation', '1 RUE DU SAVOIR',
               '75011', 'PARIS', '', '', '', '', id %% 2 = 0, '', 7 * (1 + id %% 5), 'in_person',
               1000 + id %% 900, (id %% 3) * 150, 0, (id %% 4) * 20, 0, 0, 0, 0, 0, ''
        FROM dossiers_dossier
        """,
    )
    run(
        "employees",
        f"""
        INSERT INTO dossiers_employee
            (company_id, last_name, first_name, birth_date, job, category, contract, created_at)
        SELECT c.company_id,
               -- A common name for 8 in 100 people (MARTIN 4 in 1,000, as in France), others unique.
               CASE WHEN (c.company_id * 7 + k) %% 25 < 2
                    THEN ({sql_array(LAST_NAMES)})[1 + (c.company_id + k) %% {len(LAST_NAMES)}]
                    ELSE 'SALARIE-' || upper(to_hex(c.company_id * 10000 + k)) END,
               ({sql_array(FIRST_NAMES)})[1 + (k / 3) %% {len(FIRST_NAMES)}],
               date '1970-01-01' + (k * 37 %% 12000)::int, '', 'clerk', 'permanent', now()
        FROM (SELECT company_id, count(*) AS d FROM dossiers_dossier GROUP BY company_id) AS c,
             generate_series(0, greatest(4, least(c.d / 2, 5000)) - 1) AS k
        ORDER BY c.company_id, k
        """,
    )
    cursor.execute(
        "CREATE TEMP TABLE emp AS SELECT company_id, min(id) AS first_id, count(*) AS n "
        "FROM dossiers_employee GROUP BY company_id"
    )
    run(
        "trainees",
        """
        INSERT INTO dossiers_trainee (dossier_id, employee_id, hours_on_work_time,
                                      hours_off_work_time)
        SELECT d.id, e.first_id + ((d.id * 2 + k) %% e.n), 7, 0
        FROM dossiers_dossier d JOIN emp e ON e.company_id = d.company_id,
             generate_series(0, 1) AS k
        """,
    )
    run(
        "history",
        """
        INSERT INTO dossiers_dossierevent (dossier_id, actor_id, kind, from_state, to_state,
                                           message, created_at)
        SELECT id, company_id, 'created', '', 'draft', '', created_at FROM dossiers_dossier
        UNION ALL
        SELECT id, company_id, CASE WHEN state = 'draft' THEN 'edited' ELSE 'submitted' END,
               'draft', CASE WHEN state = 'draft' THEN 'draft' ELSE 'submitted' END, '',
               created_at + interval '1 hour'
        FROM dossiers_dossier
        """,
    )
    staff_first = base + 101
    run(
        "decisions",
        """
        INSERT INTO dossiers_decision (dossier_id, kind, created_at, granted_total, reason,
                                       missing_pieces, due_date, decided_by_id)
        SELECT id,
               CASE state WHEN 'documents_requested' THEN 'documents_request'
                          WHEN 'refused' THEN 'refusal' ELSE 'approval' END,
               created_at + interval '10 days', granted_total,
               CASE WHEN state = 'refused' THEN 'Action non éligible.' ELSE '' END,
               CASE WHEN state = 'documents_requested' THEN '["Programme détaillé"]'::jsonb
                    ELSE '[]'::jsonb END,
               CASE WHEN state = 'documents_requested' THEN current_date + 15 END,
               %(staff)s + id %% 50
        FROM dossiers_dossier
        WHERE state IN ('documents_requested', 'approved', 'refused', 'closed')
        """,
        {"staff": staff_first},
    )
    cursor.execute(
        """
        INSERT INTO dossiers_grantedamount (decision_id, line, amount)
        SELECT id, 'cost_teaching', granted_total FROM dossiers_decision WHERE kind = 'approval'
        """
    )
    run(
        "documents",
        """
        INSERT INTO dossiers_document (dossier_id, piece_type, title, comment, file,
                                       original_name, content_type, size, sha256, uploaded_at,
                                       uploaded_by_id, scan_status, scanned_at, scan_signature)
        SELECT id, 'programme', 'Programme détaillé', '', 'documents/bench/' || id,
               'programme.pdf', 'application/pdf', 4096, repeat('0', 64), created_at, company_id,
               'clean', created_at, ''
        FROM dossiers_dossier WHERE id %% 2 = 0
        """,
    )
    run(
        "notifications",
        """
        INSERT INTO notifications_notification (recipient_id, title, body, url, created_at,
                                                read_at)
        SELECT CASE WHEN i %% 50 = 0 THEN %(persona_first)s + (i / 50) %% 5
                    ELSE 1 + i %% %(companies)s END,
               'Dossier ' || i || ' accordé', 'Montant accordé : 1 200,00 € HT.',
               '/dossiers/' || (1 + i %% %(n)s) || '/',
               now() - (i %% 700) * interval '1 hour',
               CASE WHEN i %% 3 = 0 THEN NULL ELSE now() END
        FROM generate_series(1, %(count)s) AS i
        """,
        {
            "persona_first": base + 1,
            "companies": companies,
            "n": n,
            "count": args.notifications,
        },
    )
    cursor.execute(
        """
        UPDATE accounts_user u SET unread_notifications = c.n
        FROM (SELECT recipient_id, count(*) AS n FROM notifications_notification
              WHERE read_at IS NULL GROUP BY recipient_id) c
        WHERE u.id = c.recipient_id
        """
    )
    # Quick accesses: six per persona, as users make them (states, searches, dates).
    cursor.execute(
        """
        INSERT INTO dossiers_savedview (user_id, name, query, position, created_at)
        SELECT u, q.name, q.query, q.ord - 1, now()
        FROM unnest(%(users)s::bigint[]) AS u,
             unnest(%(names)s::text[], %(queries)s::text[]) WITH ORDINALITY AS q(name, query, ord)
        """,
        {
            "users": [ids[p] for p in personas if p != "conseiller"] + [1],
            "names": ["Accordés", "En cours", "Brouillons", "Hygiène", "Depuis 2026", "MARTIN"],
            "queries": [
                "group=accordes",
                "group=en-cours",
                "group=brouillons",
                "q=HYGI%C3%88NE",
                "start_from=2026-01-01",
                "q=MARTIN",
            ],
        },
    )
    for table in (
        "organizations_establishment",
        "organizations_membership",
        "organizations_delegation",
        "dossiers_employee",
        "dossiers_trainee",
        "dossiers_dossierevent",
        "dossiers_decision",
        "dossiers_grantedamount",
        "dossiers_document",
        "notifications_notification",
        "dossiers_savedview",
        "accounts_staffprofile",
        "account_emailaddress",
        "organizations_membership_establishments",
        "organizations_delegation_establishments",
    ):
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"coalesce((SELECT max(id) FROM {table}), 1))"
        )
    cursor.execute("SELECT count(*) FROM dossiers_dossier")
    print(f"dossiers: {cursor.fetchone()[0]:,}")
    for table in (
        "dossiers_trainee",
        "dossiers_dossierevent",
        "dossiers_decision",
        "notifications_notification",
        "dossiers_document",
    ):
        cursor.execute(f"SELECT count(*) FROM {table}")
        print(f"{table}: {cursor.fetchone()[0]:,}")
    args.persona_ids = ids


def build_manifest(args):
    """The personas and their pages, with ids read back from the database."""
    import django
    from django.db import connection

    django.setup()
    ids = args.persona_ids
    with connection.cursor() as cursor:

        def one(sql, params=None):
            cursor.execute(sql, params)
            row = cursor.fetchone()
            return row[0] if row else None

        def visible_dossier(company):
            return one(
                "SELECT id FROM dossiers_dossier WHERE company_id = %s AND state = 'approved' "
                "ORDER BY id DESC LIMIT 1",
                [company],
            )

        scoped_dossier = one(
            "SELECT d.id FROM dossiers_dossier d JOIN organizations_membership_establishments me "
            "ON me.establishment_id = d.establishment_id JOIN organizations_membership m "
            "ON m.id = me.membership_id WHERE m.user_id = %s AND d.state = 'approved' "
            "ORDER BY d.id DESC LIMIT 1",
            [ids["etablissements-2500"]],
        )
        provided = one(
            "SELECT d.id FROM dossiers_dossier d JOIN organizations_establishment e "
            "ON e.id = d.provider_establishment_id WHERE e.company_id = %s "
            "AND d.state = 'approved' ORDER BY d.id DESC LIMIT 1",
            [args.companies + 1],
        )
        queued = one(
            "SELECT id FROM dossiers_dossier WHERE state = 'under_review' ORDER BY id LIMIT 1"
        )
        number = one(
            "SELECT number FROM dossiers_dossier WHERE company_id = 1 "
            "AND number IS NOT NULL ORDER BY id DESC LIMIT 1"
        )
        shown = {company: visible_dossier(company) for company in (1, 2, 3)}

    def company_pages(dossier, deep_page):
        return {
            "home": "/",
            "menu": "/mon-espace/menu/",
            "list": "/dossiers/",
            "list_tab": "/dossiers/?group=en-cours",
            "search_name": "/dossiers/?q=MARTIN",
            "search_number": f"/dossiers/?q={number[-7:]}",
            "deep": f"/dossiers/?page={deep_page}",
            "dossier": f"/dossiers/{dossier}/",
            "notifications": "/notifications/",
        }

    return {
        "database": args.database,
        "dataset": {
            "dossiers": args.dossiers,
            "companies": args.companies,
            "providers": args.providers,
            "notifications": args.notifications,
            "clients_of_the_of": args.clients,
        },
        "personas": [
            {
                "name": "company_50000",
                "label": "Entreprise, 50 000 dossiers visibles",
                "user_id": ids["entreprise-50000"],
                "pages": company_pages(shown[1], 1000),
            },
            {
                "name": "company_5000",
                "label": "Entreprise, 5 000 dossiers visibles",
                "user_id": ids["entreprise-5000"],
                "pages": company_pages(shown[2], 100),
            },
            {
                "name": "company_500",
                "label": "Entreprise, 500 dossiers visibles",
                "user_id": ids["entreprise-500"],
                "pages": company_pages(shown[3], 10),
            },
            {
                "name": "scoped_2500",
                "label": "10 établissements de la grande entreprise (≈ 2 500 dossiers)",
                "user_id": ids["etablissements-2500"],
                "pages": {
                    "home": "/",
                    "list": "/dossiers/",
                    "dossier": f"/dossiers/{scoped_dossier}/",
                },
            },
            {
                "name": "of_2000_clients",
                "label": "Organisme de formation, 2 000 entreprises clientes",
                "user_id": ids["organisme-clients"],
                "pages": {
                    "home": "/",
                    "list": "/dossiers/",
                    "list_provider": "/dossiers/?profile=provider",
                    "search_name": "/dossiers/?q=MARTIN",
                    "dossier": f"/dossiers/{provided}/",
                },
            },
            {
                "name": "advisor",
                "label": "Conseiller de l'OPCO",
                "user_id": ids["conseiller"],
                "staff": True,
                "pages": {
                    "queue": "/backoffice/dossiers/",
                    "queue_mine": "/backoffice/dossiers/?assigned=none",
                    "queue_search": "/backoffice/dossiers/?q=ENTREPRISE+12",
                    "queue_deadline": "/backoffice/dossiers/?sort=echeance",
                    "bo_dossier": f"/backoffice/dossiers/{queued}/",
                },
            },
            {
                "name": "administrator",
                "label": "Administrateur de la grande entreprise",
                "user_id": 1,
                "pages": {
                    "administration": "/administration/",
                    "company_users": "/administration/entreprises/1/member/",
                    "home": "/",
                },
            },
        ],
    }


if __name__ == "__main__":
    main()
