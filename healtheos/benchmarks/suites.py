"""The benchmark suites. Each runs its operations and the trivial-endpoint ceiling in the
same run, so every figure comes with its ratio to what this server can do at all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from healtheos.benchmarks.hashing import hasher_ceiling
from healtheos.benchmarks.load import LoadResult, run_wrk
from healtheos.benchmarks.report import load_table, record
from healtheos.benchmarks.server import running_server


@dataclass(frozen=True)
class BenchSettings:
    seconds: int
    connections: int
    workers: int
    record: bool
    say: Callable[[str], None]


def ceiling(settings: BenchSettings) -> str:
    """The framework's ceiling: a trivial endpoint (``/healthz``) on the production server."""
    with running_server(workers=settings.workers) as url:
        settings.say("warming up")
        run_wrk("warm-up", f"{url}/healthz", connections=settings.connections, seconds=2)
        result = run_wrk(
            "trivial endpoint /healthz",
            f"{url}/healthz",
            connections=settings.connections,
            seconds=settings.seconds,
        )
    body = (
        f"gunicorn sync workers: {settings.workers}; wrk, {settings.connections} connections, "
        f"{settings.seconds} s.\n\n" + load_table([result], result)
    )
    if settings.record:
        record("ceiling", "## Framework ceiling\n\n" + body)
    return body


def measure_ceiling(url: str, settings: BenchSettings) -> LoadResult:
    return run_wrk(
        "trivial endpoint /healthz (ceiling)",
        f"{url}/healthz",
        connections=settings.connections,
        seconds=settings.seconds,
    )


def hashing(settings: BenchSettings) -> str:
    """argon2id verifications per second on all cores: the bound on sign-in throughput."""
    single, per_second = hasher_ceiling()
    body = (
        "| measure | value |\n|---|---:|\n"
        f"| one argon2id verification, one core | {single * 1000:.1f} ms |\n"
        f"| verifications per second, all cores | {per_second:.1f} |\n"
    )
    if settings.record:
        record("hasher", "## Password hasher ceiling\n\n" + body)
    return body


BENCH_USER = "bench.signin"
BENCH_PASSWORD = "benchmark passphrase for sign-in"  # noqa: S105 (a throwaway local account)


def _bench_account() -> None:
    """A payer-realm account with an authenticator: its password step ends at the
    second-factor prompt, as every real sign-in does."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from healtheos.accounts.demo import enroll_demo_totp
    from healtheos.accounts.models import PayerRole, Realm, User

    user, _ = User.objects.get_or_create(
        username=BENCH_USER,
        defaults={
            "realm": Realm.PAYER,
            "payer_role": PayerRole.ANALYST,
            "email": "bench@localhost",
        },
    )
    user.set_password(BENCH_PASSWORD)
    user.is_active = True
    user.locked_until = None
    user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    if not Authenticator.objects.filter(user=user).exists():
        enroll_demo_totp(user)


def _csrf(url: str) -> tuple[str, str]:
    """A CSRF cookie and the matching form token, fetched the way a browser would."""
    import re
    import urllib.request

    with urllib.request.urlopen(f"{url}/accounts/login/", timeout=5) as response:  # noqa: S310
        cookies = response.headers.get_all("Set-Cookie") or []
        html = response.read().decode()
    cookie = next(c.split(";", 1)[0] for c in cookies if "csrf" in c.split("=", 1)[0])
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if token is None:
        raise RuntimeError("no CSRF token on the sign-in page")
    return cookie, token.group(1)


def auth(settings: BenchSettings) -> str:
    """Sign-in throughput (the password step: argon2id, session, redirect to the second
    factor) against the hasher's own ceiling on this machine."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    _bench_account()
    # Measure the server, not the per-address limiter (all load comes from one address).
    env = {"HEALTHEOS_LOGIN_RATE_PER_ADDRESS": "100000000"}
    with running_server(workers=settings.workers, env=env) as url:
        cookie, token = _csrf(url)
        lua = (
            'wrk.method = "POST"\n'
            'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
            f'wrk.headers["Cookie"] = "{cookie}"\n'
            f'wrk.body = "csrfmiddlewaretoken={token}&login={BENCH_USER}&password='
            f'{BENCH_PASSWORD.replace(" ", "+")}"\n'
        )
        settings.say("ceiling")
        baseline = measure_ceiling(url, settings)
        settings.say("sign-in")
        signin = run_wrk(
            "sign-in, password step (argon2id)",
            f"{url}/accounts/login/",
            connections=settings.connections,
            seconds=settings.seconds,
            lua=lua,
        )
    single, per_second = hasher_ceiling()
    body = (
        f"gunicorn sync workers: {settings.workers}; wrk, {settings.connections} connections, "
        f"{settings.seconds} s per operation.\n\n"
        + load_table([baseline, signin], baseline)
        + "\n\n| measure | value |\n|---|---:|\n"
        f"| argon2id verification, one core | {single * 1000:.1f} ms |\n"
        f"| hasher ceiling (cores / time per hash, measured) | {per_second:.1f} per second |\n"
        f"| sign-ins per second | {signin.requests_per_second:.1f} |\n"
        f"| sign-in throughput / hasher ceiling | {signin.requests_per_second / per_second:.2f} |\n"
    )
    if settings.record:
        record("auth", "## Sign-in throughput\n\n" + body)
    return body


def eligibility(settings: BenchSettings) -> str:
    from healtheos.benchmarks.eligibility import eligibility as run

    return run(settings)


def claims(settings: BenchSettings) -> str:
    from healtheos.benchmarks.claims import claims as run

    return run(settings)


def payments(settings: BenchSettings) -> str:
    from healtheos.benchmarks.payments import payments as run

    return run(settings)


def authorizations(settings: BenchSettings) -> str:
    from healtheos.benchmarks.authorizations import authorizations as run

    return run(settings)


def x12_278(settings: BenchSettings) -> str:
    from healtheos.benchmarks.prior_auth_x12 import x12_278 as run

    return run(settings)


def pa_metrics(settings: BenchSettings) -> str:
    from healtheos.benchmarks.pa_metrics import pa_metrics as run

    return run(settings)


SUITES: dict[str, Callable[[BenchSettings], str]] = {
    "ceiling": ceiling,
    "hasher": hashing,
    "auth": auth,
    "eligibility": eligibility,
    "claims": claims,
    "payments": payments,
    "authorizations": authorizations,
    "x12-278": x12_278,
    "pa-metrics": pa_metrics,
}
