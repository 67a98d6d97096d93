"""``healtheos proof``: a Monday morning on the production server with faults injected.

Office staff sign in (password and authenticator code), check eligibility in the portal,
by JSON and by X12 270, look up claims, submit prior authorizations and 837 claim files
through the API, and send secure messages with an attachment, all at once from a pool of
threads, against gunicorn on the configured PostgreSQL and Redis. Then, while the load goes
on, PostgreSQL is restarted, Redis is stopped for a minute, and a gunicorn worker is killed.

Every submission the load generator saw acknowledged is kept with its idempotency key (or
file), and a failed submission is retried with the same key, as a careful client would;
afterwards the database must hold each acknowledged one exactly once, and the audit chain
must verify. A claim file whose processing a fault cut off must be finished by the
server's own recovery sweep (run here every few seconds), as it would be in production.
Traffic goes to 127.0.0.1 only, and every loop ends on its own clock.
"""

from __future__ import annotations

import base64
import datetime as dt
import http.cookiejar
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from healtheos.benchmarks.server import free_port

#: Loopback only: the load generator refuses any other address.
LOOPBACK = "127.0.0.1"
#: The proof's server sweeps for interrupted work often, so the run need not wait long.
RECOVERY_INTERVAL = 5
RECOVERY_GRACE = 15
PDF = b"%PDF-1.4\n% synthetic attachment for the load proof\n%%EOF\n"
PASSWORD = "proof passphrase for the monday load"  # noqa: S105 (throwaway local accounts)
OPERATIONS = (
    "sign-in (password + TOTP)",
    "dashboard",
    "eligibility, portal",
    "eligibility, JSON API",
    "eligibility, X12 270",
    "claim search + detail",
    "claim status, X12 276",
    "authorization submit (API)",
    "claim file 837 (API)",
    "message with attachment",
)


@dataclass(frozen=True)
class ProofSettings:
    users: int
    workers: int
    warmup: int
    steady: int
    after_fault: int
    redis_down: int
    pg_restart: list[str]
    redis_stop: list[str]
    redis_start: list[str]
    say: Callable[[str], None]


@dataclass
class Sample:
    at: float
    operation: str
    ms: float
    ok: bool


@dataclass
class Ledger:
    """What the load generator saw acknowledged (and what it sent but never saw answered)."""

    authorizations: dict[str, str] = field(default_factory=dict)  # key -> tracking number
    claim_files: dict[int, str] = field(default_factory=dict)  # submission id -> file ref
    messages: dict[str, int] = field(default_factory=dict)  # key -> thread id
    unacknowledged: int = 0
    retries: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass(frozen=True)
class World:
    office_id: int
    members: list[tuple[str, str, str, str]]  # member id, birth date, last, first
    npi: str
    claim_numbers: list[str]
    users: list[tuple[str, str]]  # username, TOTP secret
    token: str
    x12_bodies: list[str]
    x12_status_bodies: list[str]
    claim_files: list[bytes]


# -- setting up the office, its people and its API client --------------------------------


def prepare(n_users: int, n_files: int) -> World:
    from allauth.account.models import EmailAddress

    from healtheos.accounts.demo import enroll_demo_totp
    from healtheos.accounts.models import Realm, User
    from healtheos.apiclients.services import apiclient_create, token_issue
    from healtheos.benchmarks.claims import office_file, status_bodies
    from healtheos.benchmarks.eligibility import _office_and_members, _x12_bodies
    from healtheos.claims.models import Claim
    from healtheos.offices.models import Membership

    office, members = _office_and_members()
    npi = office.organization.providers.order_by("pk").values_list("npi", flat=True).first()
    users = []
    for index in range(n_users):
        user, _ = User.objects.get_or_create(
            username=f"proof.load{index}",
            defaults={"realm": Realm.PROVIDER, "email": f"proof.load{index}@localhost"},
        )
        user.set_password(PASSWORD)
        user.is_active = True
        user.locked_until = None
        user.failed_sign_ins = 0
        user.save()
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        Membership.objects.get_or_create(
            user=user, office=office, defaults={"role": "office_admin"}
        )
        users.append((user.username, enroll_demo_totp(user)))
    scopes = ["eligibility", "authorizations", "claims.submit", "claims.read"]
    client, _ = apiclient_create(office=office, actor=None, name="load proof", scopes=scopes)
    token, _ = token_issue(client=client, scopes=scopes)
    claims = list(Claim.objects.for_office(office).select_related("member").order_by("-pk")[:200])
    claim_numbers = [claim.claim_number for claim in claims]
    run = int(time.time())
    files = [office_file(office, members, 2, run * 1000 + i) for i in range(n_files)]
    return World(
        office_id=office.pk,
        members=[
            (m.member_id, m.birth_date.isoformat(), m.last_name, m.first_name) for m in members
        ],
        npi=npi or "",
        claim_numbers=claim_numbers,
        users=users,
        token=token,
        x12_bodies=_x12_bodies(office, members),
        x12_status_bodies=status_bodies(office, claims),
        claim_files=files,
    )


# -- a minimal browser ---------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Browser:
    def __init__(self, base: str) -> None:
        if urllib.parse.urlsplit(base).hostname != LOOPBACK:
            raise ValueError("the load proof only talks to 127.0.0.1")
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def csrf(self) -> str:
        for cookie in self.jar:
            if "csrf" in cookie.name:
                return cookie.value or ""
        return ""

    def request(
        self,
        method: str,
        path: str,
        *,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes, dict[str, str]]:
        request = urllib.request.Request(  # noqa: S310 (loopback, checked above)
            self.base + path, data=data, method=method, headers=headers or {}
        )
        try:
            with self.opener.open(request, timeout=15) as response:
                return response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read(), dict(error.headers or {})

    def form(self, path: str, fields: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
        body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": self.csrf()}).encode()
        return self.request(
            "POST",
            path,
            data=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": self.base + path,
            },
        )

    def multipart(
        self, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]]
    ) -> tuple[int, bytes, dict[str, str]]:
        boundary = uuid.uuid4().hex
        parts: list[bytes] = []
        for name, value in {**fields, "csrfmiddlewaretoken": self.csrf()}.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for name, (file_name, content) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{file_name}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            "POST",
            path,
            data=b"".join(parts),
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Referer": self.base + path,
            },
        )


def totp(secret: str, counter: int) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return str(format_hotp_value(hotp_value(secret, counter)))


# -- the virtual office worker ---------------------------------------------------------------


class Worker(threading.Thread):
    def __init__(self, index: int, base: str, world: World, run: Run, rng: random.Random) -> None:
        super().__init__(daemon=True, name=f"proof-user-{index}")
        self.index = index
        self.base = base
        self.world = world
        self.run_state = run
        self.rng = rng
        self.browser = Browser(base)
        self.signed_in = False
        self.used_codes: set[int] = set()
        self.username, self.secret = world.users[index % len(world.users)]

    # each operation answers True when it got the answer a person would expect
    def sign_in(self) -> bool:
        counter = int(time.time()) // 30
        step = next((c for c in (counter, counter + 1) if c not in self.used_codes), None)
        if step is None:
            return True  # this person's codes of this half-minute are used: sign in later
        self.browser = Browser(self.base)
        status, _, _ = self.browser.request("GET", "/accounts/login/")
        if status != 200:
            return False
        status, _, headers = self.browser.form(
            "/accounts/login/", {"login": self.username, "password": PASSWORD}
        )
        if status != 302 or "2fa" not in headers.get("Location", ""):
            return False
        self.used_codes.add(step)
        status, _, headers = self.browser.form(
            "/accounts/2fa/authenticate/", {"code": totp(self.secret, step)}
        )
        self.signed_in = status == 302 and "2fa" not in headers.get("Location", "")
        return self.signed_in

    def dashboard(self) -> bool:
        return self.browser.request("GET", "/dashboard/")[0] == 200

    def eligibility_portal(self) -> bool:
        member_id, born, _, _ = self.rng.choice(self.world.members)
        status, _, _ = self.browser.form(
            "/eligibility/", {"member_id": member_id, "date_of_birth": born}
        )
        return status == 200

    def _api(
        self, method: str, path: str, body: bytes, content_type: str, **extra: str
    ) -> tuple[int, bytes, dict[str, str]]:
        headers = {"Authorization": f"Bearer {self.world.token}", "Content-Type": content_type}
        headers.update(extra)
        return self.browser.request(method, path, data=body, headers=headers)

    def eligibility_json(self) -> bool:
        member_id, born, _, _ = self.rng.choice(self.world.members)
        body = json.dumps({"member_id": member_id, "date_of_birth": born}).encode()
        return self._api("POST", "/api/v1/eligibility", body, "application/json")[0] == 200

    def eligibility_x12(self) -> bool:
        body = self.rng.choice(self.world.x12_bodies).encode()
        status, answer, _ = self._api("POST", "/x12/v1/realtime", body, "application/edi-x12")
        return status == 200 and b"271" in answer

    def claim_status(self) -> bool:
        if not self.world.claim_numbers:
            return self.browser.request("GET", "/claims/")[0] == 200
        number = self.rng.choice(self.world.claim_numbers)
        status, _, _ = self.browser.request("GET", f"/claims/?number={number}")
        if status != 200:
            return False
        return self.browser.request("GET", f"/claims/{number}/")[0] == 200

    def claim_status_x12(self) -> bool:
        if not self.world.x12_status_bodies:
            return True
        body = self.rng.choice(self.world.x12_status_bodies).encode()
        status, answer, _ = self._api("POST", "/x12/v1/realtime", body, "application/edi-x12")
        return status == 200 and b"ST*277*" in answer

    def _submit_until_acknowledged(self, attempt: Callable[[], bool]) -> bool:
        """A careful client: after a failure, the same request (same key or file) again,
        a few times, while the run lasts. Answers whether the first try succeeded."""
        if attempt():
            return True
        for _ in range(30):
            if self.run_state.stopping.is_set():
                break
            time.sleep(1)
            with self.run_state.ledger.lock:
                self.run_state.ledger.retries += 1
            if attempt():
                break
        else:
            with self.run_state.ledger.lock:
                self.run_state.ledger.unacknowledged += 1
        return False

    def authorization(self) -> bool:
        member_id, born, _, _ = self.rng.choice(self.world.members)
        key = f"proof-{uuid.uuid4().hex}"
        day = (dt.datetime.now(tz=dt.UTC).date() + dt.timedelta(days=14)).isoformat()
        body = json.dumps(
            {
                "member": {"member_id": member_id, "birth_date": born},
                "requesting_npi": self.world.npi,
                "servicing_npi": self.world.npi,
                "urgency": "standard",
                "place_of_service": "11",
                "diagnosis_codes": ["M17.11"],
                "services": [
                    {"procedure_code": "27447", "units": 1, "service_from": day, "service_to": day}
                ],
                "clinical_notes": "Synthetic request from the load proof.",
                "attachments": [{"name": "note.pdf", "data": base64.b64encode(PDF).decode()}],
            }
        ).encode()

        def attempt() -> bool:
            status, answer, _ = self._api(
                "POST",
                "/api/v1/authorizations",
                body,
                "application/json",
                **{"Idempotency-Key": key},
            )
            if status in (200, 201):
                with self.run_state.ledger.lock:
                    self.run_state.ledger.authorizations[key] = json.loads(answer)[
                        "tracking_number"
                    ]
                return True
            return False

        return self._submit_until_acknowledged(attempt)

    def claim_file(self) -> bool:
        data = self.run_state.next_claim_file()
        if data is None:
            return True

        def attempt() -> bool:
            status, answer, _ = self._api(
                "POST", "/api/v1/claims/submissions", data, "application/edi-x12"
            )
            if status in (200, 202):
                import hashlib

                with self.run_state.ledger.lock:
                    self.run_state.ledger.claim_files[int(json.loads(answer)["id"])] = (
                        hashlib.sha256(data).hexdigest()
                    )
                return True
            return False

        return self._submit_until_acknowledged(attempt)

    def message(self) -> bool:
        key = uuid.uuid4().hex
        fields = {
            "department": "claims",
            "subject": f"Load proof {key[:8]}",
            "body": "A synthetic question about a claim.",
            "key": key,
        }

        def attempt() -> bool:
            status, _, headers = self.browser.multipart(
                "/messages/new/", fields, {"documents": ("note.pdf", PDF)}
            )
            match = re.search(r"/messages/(\d+)/", headers.get("Location", ""))
            if status == 302 and match:
                with self.run_state.ledger.lock:
                    self.run_state.ledger.messages[key] = int(match.group(1))
                return True
            if status in (302, 403) and not match:
                # Signed out (session lost with the database): sign in again, same key.
                self.sign_in()
            return False

        return self._submit_until_acknowledged(attempt)

    def run(self) -> None:
        operations: list[tuple[str, Callable[[], bool], int]] = [
            (OPERATIONS[1], self.dashboard, 2),
            (OPERATIONS[2], self.eligibility_portal, 3),
            (OPERATIONS[3], self.eligibility_json, 3),
            (OPERATIONS[4], self.eligibility_x12, 3),
            (OPERATIONS[5], self.claim_status, 3),
            (OPERATIONS[6], self.claim_status_x12, 2),
            (OPERATIONS[7], self.authorization, 2),
            (OPERATIONS[8], self.claim_file, 1),
            (OPERATIONS[9], self.message, 2),
        ]
        names = [name for name, _, _ in operations]
        weights = [weight for _, _, weight in operations]
        calls = {name: call for name, call, _ in operations}
        next_sign_in = 0.0
        while not self.run_state.stopping.is_set():
            now = time.monotonic()
            if not self.signed_in or now >= next_sign_in:
                name, call = OPERATIONS[0], self.sign_in
                next_sign_in = now + self.rng.uniform(20, 40)
            else:
                name = self.rng.choices(names, weights)[0]
                call = calls[name]
            started = time.perf_counter()
            try:
                ok = call()
            except (OSError, ValueError, KeyError):
                ok = False
            elapsed = (time.perf_counter() - started) * 1000
            if not ok and name != OPERATIONS[0] and name in names[:5]:
                # A page answered badly: maybe the session is gone; sign in next time.
                self.signed_in = self.signed_in and name not in (OPERATIONS[1], OPERATIONS[2])
            self.run_state.samples.append(Sample(time.monotonic(), name, elapsed, ok))


class Run:
    def __init__(self, world: World) -> None:
        self.samples: list[Sample] = []
        self.ledger = Ledger()
        self.stopping = threading.Event()
        self._files = iter(world.claim_files)
        self._files_lock = threading.Lock()

    def next_claim_file(self) -> bytes | None:
        with self._files_lock:
            return next(self._files, None)


# -- the server and the faults ------------------------------------------------------------


@contextmanager
def gunicorn(workers: int, env: dict[str, str], log: Path) -> Iterator[tuple[str, int]]:
    port = free_port()
    with open(log, "wb") as out:
        process = subprocess.Popen(  # noqa: S603 (fixed arguments, our own interpreter)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "healtheos.wsgi:application",
                "--bind",
                f"{LOOPBACK}:{port}",
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--timeout",
                "30",
                "--log-level",
                "warning",
            ],
            env={**os.environ, **env},
            stdout=out,
            stderr=out,
        )
        url = f"http://{LOOPBACK}:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:  # noqa: S310
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the proof server did not start; see {log}")
                time.sleep(0.3)
            yield url, process.pid
        finally:
            children = worker_pids(process.pid)
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
            # A worker finishes its background work (acknowledgments, adjudication) before
            # it exits: wait for that, so the checks see a quiet database.
            deadline = time.monotonic() + 90
            while children and time.monotonic() < deadline:
                children = [pid for pid in children if Path(f"/proc/{pid}").exists()]
                time.sleep(0.5)
            for pid in children:
                os.kill(pid, signal.SIGKILL)


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(entry.name))
    return sorted(pids)


@dataclass
class Phase:
    name: str
    started: float
    ended: float
    fault_at: float | None = None
    recovered_at: float | None = None


def _errors_between(samples: list[Sample], start: float, end: float) -> tuple[int, int]:
    chosen = [s for s in samples if start <= s.at < end]
    return len(chosen), sum(1 for s in chosen if not s.ok)


def _last_error(samples: list[Sample], start: float, end: float) -> float | None:
    errors = [s.at for s in samples if start <= s.at < end and not s.ok]
    return max(errors) if errors else None


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# -- checking the ledger against the database ----------------------------------------------


@dataclass(frozen=True)
class LedgerCheck:
    kind: str
    acknowledged: int
    found_once: int
    missing: int
    duplicated: int
    stored_unacknowledged: int


def unfinished_submissions(ids: set[int]) -> list[int]:
    from healtheos.claims.models import Submission, SubmissionStatus

    return list(
        Submission.objects.payer_wide()
        .filter(pk__in=ids)
        .exclude(status__in=[SubmissionStatus.DONE, SubmissionStatus.FAILED])
        .values_list("pk", flat=True)
    )


def await_recovery(ids: set[int], say: Callable[[str], None]) -> tuple[list[int], int]:
    """With the server still running, wait (bounded) for it to finish the claim files that
    the faults left unfinished. Answers those files and how many are still unfinished."""
    from django.db import connection

    stranded = unfinished_submissions(ids)
    still = len(stranded)
    if stranded:
        say(f"waiting for the server's recovery to finish {still} interrupted claim files")
        deadline = time.monotonic() + RECOVERY_GRACE + 4 * RECOVERY_INTERVAL + 60
        while still and time.monotonic() < deadline:
            time.sleep(2)
            still = len(unfinished_submissions(set(stranded)))
    connection.close()
    return stranded, still


def check_ledger(
    ledger: Ledger,
    office_id: int,
    since: dt.datetime,
    recovered: tuple[list[int], int] = ([], 0),
) -> list[LedgerCheck]:
    """``recovered``: the claim files the faults left unfinished, and how many of them the
    server's recovery had not finished when the wait ended (:func:`await_recovery`)."""
    from django.db.models import Count

    from healtheos.authorizations.models import PriorAuthorization
    from healtheos.claims.models import Submission
    from healtheos.messaging.models import Message

    results = []
    keys = set(ledger.authorizations)
    rows = (
        PriorAuthorization.objects.payer_wide()
        .filter(idempotency_key__startswith="proof-", submitted_at__gte=since)
        .values("idempotency_key")
        .annotate(n=Count("id"))
    )
    counts = {row["idempotency_key"]: row["n"] for row in rows}
    with_attachment = set(
        PriorAuthorization.objects.payer_wide()
        .filter(idempotency_key__in=keys, attachments__isnull=False)
        .values_list("idempotency_key", flat=True)
    )
    results.append(
        LedgerCheck(
            "authorizations (with attachment)",
            len(keys),
            sum(1 for k in keys if counts.get(k) == 1 and k in with_attachment),
            sum(1 for k in keys if k not in counts or k not in with_attachment),
            sum(1 for n in counts.values() if n > 1),
            len(set(counts) - keys),
        )
    )
    ids = set(ledger.claim_files)
    digests = set(ledger.claim_files.values())
    subs = (
        Submission.objects.payer_wide()
        .filter(office_id=office_id, received_at__gte=since)
        .values("digest")
        .annotate(n=Count("id"))
    )
    sub_counts = {row["digest"]: row["n"] for row in subs}
    stored_ids = set(
        Submission.objects.payer_wide().filter(pk__in=ids).values_list("pk", flat=True)
    )
    results.append(
        LedgerCheck(
            "claim files (837)",
            len(ids),
            sum(1 for d in digests if sub_counts.get(d) == 1),
            len(ids - stored_ids),
            sum(1 for d in digests if sub_counts.get(d, 0) > 1),
            len(set(sub_counts) - digests),
        )
    )
    stranded, still = recovered
    results.append(
        LedgerCheck(
            "claim files whose 999/277CA a fault interrupted (finished by the server's recovery)",
            len(stranded),
            len(stranded) - still,
            still,
            0,
            0,
        )
    )
    mkeys = set(ledger.messages)
    messages = (
        Message.objects.filter(idempotency_key__in=mkeys)
        .values("idempotency_key")
        .annotate(n=Count("id", distinct=True), files=Count("attachments"))
    )
    message_counts = {row["idempotency_key"]: (row["n"], row["files"]) for row in messages}
    results.append(
        LedgerCheck(
            "messages (with attachment)",
            len(mkeys),
            sum(1 for k in mkeys if message_counts.get(k) == (1, 1)),
            sum(1 for k in mkeys if message_counts.get(k, (0, 0))[1] < 1),
            sum(1 for k in mkeys if message_counts.get(k, (0, 0))[0] > 1),
            Message.objects.filter(created_at__gte=since, thread__subject__startswith="Load proof")
            .exclude(idempotency_key__in=mkeys)
            .count(),
        )
    )
    return results


# -- the run -------------------------------------------------------------------------------


def run_proof(settings: ProofSettings, log_dir: Path) -> str:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from healtheos.benchmarks.report import machine_description  # noqa: F401
    from healtheos.members.models import Member

    say = settings.say
    say("preparing the office, its people and files")
    since = timezone.now()
    world = prepare(settings.users, 600)
    data_set = f"{connection.vendor}, {Member.objects.count():,} members"
    try:
        load = Path("/proc/loadavg").read_text().split()[1]
        data_set += f" (machine load average over 5 minutes when the run began: {load})"
    except OSError:
        pass
    connection.close()
    env = {
        "HEALTHEOS_SECURE_COOKIES": "false",
        "HEALTHEOS_ELIGIBILITY_RATE_PER_USER": "1000000",
        "HEALTHEOS_ELIGIBILITY_RATE_PER_OFFICE": "1000000",
        "HEALTHEOS_ELIGIBILITY_RATE_PER_CLIENT": "1000000",
        "HEALTHEOS_LOGIN_RATE_PER_ADDRESS": "1000000",
        "HEALTHEOS_RECOVERY_INTERVAL_SECONDS": str(RECOVERY_INTERVAL),
        "HEALTHEOS_RECOVERY_GRACE_SECONDS": str(RECOVERY_GRACE),
    }
    run = Run(world)
    phases: list[Phase] = []
    log_dir.mkdir(parents=True, exist_ok=True)
    with gunicorn(settings.workers, env, log_dir / "proof-server.log") as (url, master):
        rng = random.Random(8)
        threads = [
            Worker(i, url, world, run, random.Random(rng.random())) for i in range(settings.users)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        try:
            say(f"warming up {settings.warmup} s")
            time.sleep(settings.warmup)
            steady = Phase("steady load", time.monotonic(), 0.0)
            say(f"steady load {settings.steady} s")
            time.sleep(settings.steady)
            steady.ended = time.monotonic()
            phases.append(steady)

            say("fault: PostgreSQL restart")
            phase = Phase("PostgreSQL restart", time.monotonic(), 0.0)
            phase.fault_at = time.monotonic()
            subprocess.run(settings.pg_restart, check=True, capture_output=True)  # noqa: S603
            phase.recovered_at = time.monotonic()  # the database is back
            time.sleep(settings.after_fault)
            phase.ended = time.monotonic()
            phases.append(phase)

            say(f"fault: Redis stopped for {settings.redis_down} s")
            phase = Phase(f"Redis stopped {settings.redis_down} s", time.monotonic(), 0.0)
            phase.fault_at = time.monotonic()
            subprocess.run(settings.redis_stop, check=False, capture_output=True)  # noqa: S603
            time.sleep(settings.redis_down)
            subprocess.run(settings.redis_start, check=True, capture_output=True)  # noqa: S603
            phase.recovered_at = time.monotonic()
            time.sleep(settings.after_fault)
            phase.ended = time.monotonic()
            phases.append(phase)

            say("fault: one gunicorn worker killed")
            phase = Phase("gunicorn worker SIGKILL", time.monotonic(), 0.0)
            victims = worker_pids(master)
            phase.fault_at = time.monotonic()
            if victims:
                os.kill(victims[0], signal.SIGKILL)
            phase.recovered_at = phase.fault_at
            time.sleep(settings.after_fault)
            phase.ended = time.monotonic()
            phases.append(phase)
        finally:
            say("stopping the load")
            run.stopping.set()
            for thread in threads:
                thread.join(timeout=60)
            time.sleep(5)  # let the workers finish acknowledging what they received
        total_seconds = time.monotonic() - started
        # What is still unfinished now, a fault cut off: the running server must finish it.
        recovered = await_recovery(set(run.ledger.claim_files), say)
    say("checking acknowledged submissions against the database")
    checks = check_ledger(run.ledger, world.office_id, since, recovered)
    say("verifying the audit chain")
    import io

    out = io.StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=out)
        audit = (
            "verifies: " + out.getvalue().strip().splitlines()[-1] if out.getvalue() else "verifies"
        )
    except Exception as error:
        audit = f"FAILED: {error}"
    return report(settings, run, phases, checks, audit, data_set, total_seconds)


def report(
    settings: ProofSettings,
    run: Run,
    phases: list[Phase],
    checks: list[LedgerCheck],
    audit: str,
    data_set: str,
    total_seconds: float,
) -> str:
    samples = list(run.samples)
    steady = phases[0]
    rows = [
        "| operation | requests | req/s | p50 ms | p95 ms | p99 ms | errors | error rate |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    duration = steady.ended - steady.started
    chosen = [s for s in samples if steady.started <= s.at < steady.ended]
    for name in OPERATIONS:
        mine = [s for s in chosen if s.operation == name]
        if not mine:
            continue
        times = [s.ms for s in mine]
        errors = sum(1 for s in mine if not s.ok)
        rows.append(
            f"| {name} | {len(mine):,} | {len(mine) / duration:.1f} | "
            f"{_percentile(times, 0.5):.0f} | {_percentile(times, 0.95):.0f} | "
            f"{_percentile(times, 0.99):.0f} | {errors} | {errors / len(mine):.1%} |"
        )
    errors = sum(1 for s in chosen if not s.ok)
    rows.append(
        f"| **all** | {len(chosen):,} | {len(chosen) / duration:.1f} | "
        f"{_percentile([s.ms for s in chosen], 0.5):.0f} | "
        f"{_percentile([s.ms for s in chosen], 0.95):.0f} | "
        f"{_percentile([s.ms for s in chosen], 0.99):.0f} | {errors} | "
        f"{errors / max(1, len(chosen)):.1%} |"
    )
    fault_rows = [
        "| fault | service out, s | operations in phase | errors | last error, s after the "
        "fault | errors after the service was back | last 5 s error-free |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for phase in phases[1:]:
        total, errs = _errors_between(samples, phase.started, phase.ended)
        fault = phase.fault_at or phase.started
        recovered = phase.recovered_at or fault
        _, after = _errors_between(samples, recovered, phase.ended)
        last = _last_error(samples, fault, phase.ended)
        tail_total, tail_errors = _errors_between(samples, phase.ended - 5, phase.ended)
        fault_rows.append(
            f"| {phase.name} | {recovered - fault:.1f} | {total:,} | {errs} | "
            f"{'none' if last is None else f'{last - fault:.1f}'} | {after} | "
            f"{'yes' if tail_errors == 0 and tail_total > 0 else 'NO'} |"
        )
    ledger_rows = [
        "| submissions | acknowledged | stored exactly once | lost | duplicated | "
        "stored, answer never seen |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for check in checks:
        ledger_rows.append(
            f"| {check.kind} | {check.acknowledged:,} | {check.found_once:,} | "
            f"{check.missing} | {check.duplicated} | {check.stored_unacknowledged} |"
        )
    ok = all(c.missing == 0 and c.duplicated == 0 for c in checks) and audit.startswith("verifies")
    return (
        f"Data set: {data_set}. gunicorn sync workers: {settings.workers}; {settings.users} "
        f"simulated office workers in threads of one process (each signs in with password and "
        f"authenticator code, then works without pause), {total_seconds:.0f} s in all. "
        f"Figures below are for the {duration:.0f} s of steady load before the faults.\n\n"
        + "\n".join(rows)
        + '\n\nFaults, in order, with the load running. "Service out" is how long the '
        "restart command took (PostgreSQL) or how long Redis was stopped; an error is any "
        "answer a person or client would not accept (5xx, refused connection, wrong page):\n\n"
        + "\n".join(fault_rows)
        + f"\n\nClients retried a failed submission with the same key or file "
        f"({run.ledger.retries} retries; {run.ledger.unacknowledged} never acknowledged by "
        f"the end).\n\n"
        + "\n".join(ledger_rows)
        + f"\n\nAudit chain: {audit}.\n\n**Result: {'PASS' if ok else 'FAIL'}** "
        "(nothing acknowledged lost or duplicated, audit chain verifies)."
    )
