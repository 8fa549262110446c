"""The load scenario's plain parts, without locust (importing locust patches the standard library
with gevent, which a test process must not suffer): the forms read from the pages, the bodies
posted, the small PDF uploaded, and the record of every answer by group and by second, from
which the runner's summary is made.

Groups: ``read`` (a page), ``api_read`` (an API GET), ``form`` (a form posted), ``upload`` (a
file posted to « Joindre des fichiers »), ``api_write`` (an API POST). Outcomes: ``ok``;
``shed`` (429 or 503, a refusal the issue allows beyond capacity); ``error`` (a 5xx other than
503, a connection error or a timeout — counted as status 0 —, or an answer the scenario did not
expect, such as a 403 or a form shown again with its errors).
"""

from __future__ import annotations

import dataclasses
import datetime
import math
import secrets
import urllib.parse
from collections import Counter, defaultdict
from html.parser import HTMLParser

READ, API_READ, FORM, UPLOAD, API_WRITE = "read", "api_read", "form", "upload", "api_write"
GROUPS = (READ, API_READ, FORM, UPLOAD, API_WRITE)
READ_GROUPS = (READ, API_READ)
WRITE_GROUPS = (FORM, UPLOAD, API_WRITE)
OK, SHED, ERROR = "ok", "shed", "error"
SHED_STATUSES = frozenset({429, 503})


def outcome(status: int, expected: tuple[int, ...]) -> str:
    """``ok``, ``shed`` or ``error`` for an answer's status (0: no answer)."""
    if status in expected:
        return OK
    if status in SHED_STATUSES:
        return SHED
    return ERROR


def failure_message(status: int, expected: tuple[int, ...]) -> str:
    """How locust's failures table names an answer that is not ``ok``."""
    if status in SHED_STATUSES:
        return f"shed: HTTP {status}"
    if status == 0:
        return "error: no answer (connection error or timeout)"
    if status >= 500:
        return f"error: HTTP {status}"
    wanted = "/".join(str(s) for s in expected)
    return f"error: HTTP {status} (expected {wanted})"


# --- Forms read from the pages ---------------------------------------------------------------


@dataclasses.dataclass
class Form:
    action: str
    method: str
    enctype: str
    # The controls a browser would send, in order: (name, value); checkboxes only when checked.
    fields: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    # Every named control, submitted or not (to know which fields exist).
    names: set[str] = dataclasses.field(default_factory=set)

    def value(self, name: str) -> str | None:
        return next((value for key, value in self.fields if key == name), None)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._option_value: str | None = None
        self._option_selected = False
        self._option_text: list[str] = []
        self._textarea: str | None = None
        self._textarea_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = {key: (value or "") for key, value in attrs}
        if tag == "form":
            self._form = Form(
                action=attributes.get("action", ""),
                method=attributes.get("method", "get").lower(),
                enctype=attributes.get("enctype", "application/x-www-form-urlencoded"),
            )
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            form.names.add(name)
            kind = attributes.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            form.fields.append((name, attributes.get("value", default)))
        elif tag == "button" and name:
            form.names.add(name)
        elif tag == "select" and name:
            form.names.add(name)
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select is not None:
            self._option_value = attributes.get("value")
            self._option_selected = "selected" in attributes
            self._option_text = []
        elif tag == "textarea" and name:
            form.names.add(name)
            self._textarea, self._textarea_text = name, []

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea_text.append(data)
        elif self._option_value is None and self._select is not None:
            self._option_text.append(data)

    def handle_endtag(self, tag):
        form = self._form
        if tag == "form":
            self._form = None
        elif tag == "option" and self._select is not None:
            value = self._option_value
            if value is None:
                value = "".join(self._option_text).strip()
            if self._select_first is None:
                self._select_first = value
            if self._option_selected and form is not None and not self._select_chosen:
                form.fields.append((self._select, value))
                self._select_chosen = True
            self._option_value = None
        elif tag == "select" and self._select is not None:
            if not self._select_chosen and self._select_first is not None and form is not None:
                form.fields.append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            if form is not None:
                # The HTML parser drops the newline that follows <textarea>, as browsers do.
                form.fields.append((self._textarea, "".join(self._textarea_text)))
            self._textarea = None


def parse_forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def find_form(html: str, *, field: str | None = None, action_suffix: str | None = None) -> Form:
    """The page's POST form having the named control and/or an action ending so; ValueError
    when there is none (the page is not the one expected)."""
    for form in parse_forms(html):
        if form.method != "post":
            continue
        if field is not None and field not in form.names:
            continue
        if action_suffix is not None and not form.action.endswith(action_suffix):
            continue
        return form
    raise ValueError(f"no POST form with {field=} {action_suffix=} in the page")


def form_values(form: Form, *, button: str | None = None, **values: str) -> list[tuple[str, str]]:
    """What a browser posts: the form's controls, ``values`` typed over them (a name the form
    does not have is refused: the scenario would post into the void), and the button clicked."""
    unknown = sorted(set(values) - form.names)
    if unknown:
        raise ValueError(f"the form has no {', '.join(unknown)}")
    pairs = [(name, value) for name, value in form.fields if name not in values]
    pairs += list(values.items())
    if button is not None:
        if button not in form.names:
            raise ValueError(f"the form has no button {button}")
        pairs.append((button, "1"))
    return pairs


def urlencoded(pairs: list[tuple[str, str]]) -> tuple[bytes, str]:
    return urllib.parse.urlencode(pairs).encode(), "application/x-www-form-urlencoded"


def multipart(
    pairs: list[tuple[str, str]], files: list[tuple[str, str, str, bytes]]
) -> tuple[bytes, str]:
    """A multipart/form-data body: ``pairs`` as fields, ``files`` as (field, file name, content
    type, content). Returns the body and its Content-Type."""
    boundary = f"----monespace-load-{secrets.token_hex(12)}"
    parts: list[bytes] = []
    for name, value in pairs:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
        )
    for name, filename, content_type, content in files:
        parts.append(
            (
                f"--{boundary}\r\n"
                f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n"
            ).encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# --- What is typed and uploaded ----------------------------------------------------------------

TITLES = (
    "SAUVETEUR SECOURISTE DU TRAVAIL",
    "HYGIÈNE ALIMENTAIRE EN RESTAURATION",
    "MANAGEMENT D'ÉQUIPE",
    "ANGLAIS PROFESSIONNEL",
    "HABILITATION ÉLECTRIQUE",
    "GESTION DES CONFLITS",
)


def training_step_values(form: Form, n: int, today: datetime.date | None = None) -> dict[str, str]:
    """The « Formation » step as a user types it (varied by ``n``): title, hours, dates and
    the first cost line, in the French formats the form reads."""
    today = today or datetime.date.today()
    start = today + datetime.timedelta(days=30 + n % 60)
    values = {
        "title": f"{TITLES[n % len(TITLES)]} {n % 97}",
        "duration_hours": str(7 * (1 + n % 5)),
        "start_date": start.isoformat(),
        "end_date": (start + datetime.timedelta(days=1 + n % 10)).isoformat(),
    }
    cost = sorted(name for name in form.names if name.startswith("cost_"))
    if cost:
        values[cost[0]] = f"{600 + 10 * (n % 50)},50"
    return {name: value for name, value in values.items() if name in form.names}


def api_headers(key: str) -> dict[str, str]:
    """An API call's headers: the key and the calling software (EDITEUR, LOGICIEL, VERSION)."""
    return {
        "X-API-KEY": key,
        "EDITEUR": "Banc de charge",
        "LOGICIEL": "locust",
        "VERSION": "1",
        "Accept": "application/json",
    }


def small_pdf(text: str = "Programme de la formation") -> bytes:
    """A valid one-page PDF of about 600 bytes (its cross-reference offsets computed)."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


# --- The record of every answer -------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of ``values`` (sorted or not); 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


@dataclasses.dataclass
class GroupStats:
    requests: int = 0
    ok: int = 0
    shed: int = 0
    errors: int = 0
    # Response times of the answers that were not shed (a refusal's speed says nothing).
    times_ms: list[float] = dataclasses.field(default_factory=list)
    statuses: Counter[int] = dataclasses.field(default_factory=Counter)

    def add(self, status: int, result: str, ms: float) -> None:
        self.requests += 1
        self.statuses[status] += 1
        if result == OK:
            self.ok += 1
        elif result == SHED:
            self.shed += 1
        else:
            self.errors += 1
        if result != SHED:
            self.times_ms.append(ms)

    def merge(self, other: GroupStats) -> None:
        self.requests += other.requests
        self.ok += other.ok
        self.shed += other.shed
        self.errors += other.errors
        self.times_ms += other.times_ms
        self.statuses.update(other.statuses)

    def summary(self, seconds: float) -> dict:
        return {
            "requests": self.requests,
            "rps": round(self.requests / seconds, 2) if seconds else 0.0,
            "ok": self.ok,
            "shed": self.shed,
            "errors": self.errors,
            "p50_ms": round(percentile(self.times_ms, 0.50), 1),
            "p95_ms": round(percentile(self.times_ms, 0.95), 1),
            "p99_ms": round(percentile(self.times_ms, 0.99), 1),
            "max_ms": round(max(self.times_ms, default=0.0), 1),
            "statuses": {str(status): n for status, n in sorted(self.statuses.items())},
        }


class Recorder:
    """Every answer, by stage (``ramp``, ``steady``; ``stress``, ``recovery`` in the stress
    mode), by group and by route (``POST www:dossier_start``), and by second (for the recovery
    after a stress)."""

    def __init__(self) -> None:
        self.stage = "ramp"
        self.stages: dict[str, dict[str, GroupStats]] = defaultdict(lambda: defaultdict(GroupStats))
        self.routes: dict[str, dict[str, GroupStats]] = defaultdict(lambda: defaultdict(GroupStats))
        self.stage_times: dict[str, list[float]] = {}
        # second → [ok, shed, errors, response times of the reads served]
        self.seconds: dict[int, list] = {}

    def set_stage(self, name: str, now: float) -> None:
        if self.stage in self.stage_times:
            self.stage_times[self.stage][1] = now
        self.stage = name
        self.stage_times[name] = [now, now]

    def add(
        self, group: str, status: int, result: str, ms: float, now: float, route: str = ""
    ) -> None:
        self.stages[self.stage][group].add(status, result, ms)
        self.routes[self.stage][route or group].add(status, result, ms)
        if self.stage in self.stage_times:
            self.stage_times[self.stage][1] = now
        else:
            self.stage_times[self.stage] = [now, now]
        second = self.seconds.setdefault(int(now), [0, 0, 0, []])
        second[{OK: 0, SHED: 1, ERROR: 2}[result]] += 1
        if group in READ_GROUPS and result != SHED:
            second[3].append(round(ms, 1))

    def as_dict(self) -> dict:
        stages = {}
        for stage, groups in self.stages.items():
            start, end = self.stage_times.get(stage, [0.0, 0.0])
            seconds = max(end - start, 1e-9)
            reads, writes, total = GroupStats(), GroupStats(), GroupStats()
            for group, stats in groups.items():
                (reads if group in READ_GROUPS else writes).merge(stats)
                total.merge(stats)
            stages[stage] = {
                "start": start,
                "end": end,
                "seconds": round(seconds, 1),
                "groups": {group: stats.summary(seconds) for group, stats in groups.items()},
                "routes": {
                    route: stats.summary(seconds)
                    for route, stats in sorted(self.routes[stage].items())
                },
                "reads": reads.summary(seconds),
                "writes": writes.summary(seconds),
                "total": total.summary(seconds),
            }
        return {
            "stages": stages,
            "seconds": {
                str(second): {
                    "ok": ok,
                    "shed": shed,
                    "errors": errors,
                    "read_p95_ms": percentile(times, 0.95),
                }
                for second, (ok, shed, errors, times) in sorted(self.seconds.items())
            },
        }


def recovery(seconds: dict[str, dict], drop: float, *, window: int = 5, p95_ms: float) -> dict:
    """After the load dropped at ``drop`` (epoch seconds): how long until the errors and the
    shedding stopped for good, and until the reads' p95 stayed under ``p95_ms``, measured on
    windows of ``window`` seconds. None when it never happened before the run ended."""
    start = int(drop)
    after = {int(second): data for second, data in seconds.items() if int(second) >= start}
    if not after:
        return {"errors_s": None, "latency_s": None, "windows": 0}
    last = max(after)
    windows = []
    for begin in range(start, last + 1, window):
        rows = [after[s] for s in range(begin, begin + window) if s in after]
        bad = sum(row["shed"] + row["errors"] for row in rows)
        p95 = max((row["read_p95_ms"] for row in rows), default=0.0)
        windows.append((begin, bad, p95))

    def settled(is_bad) -> float | None:
        # The end of the last bad window; None if the last window is still bad.
        bad_ends = [begin + window for begin, bad, p95 in windows if is_bad(bad, p95)]
        if not bad_ends:
            return 0.0
        if bad_ends[-1] > windows[-1][0]:
            return None
        return float(bad_ends[-1] - start)

    return {
        "errors_s": settled(lambda bad, p95: bad > 0),
        "latency_s": settled(lambda bad, p95: p95 >= p95_ms),
        "windows": len(windows),
    }
