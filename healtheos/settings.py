"""The one settings module. Every value that differs between deployments comes from the
environment through :mod:`healtheos.config`; the defaults run the demo with nothing set
(SQLite, in-process cache and background work). ``docs/configuration.md`` is the reference.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import django_stubs_ext

from healtheos.config import (
    READ_VARIABLES,
    ConfigurationError,
    env_bool,
    env_int,
    env_list,
    env_optional,
    env_str,
    parse_database_url,
)

# Lets admin and queryset classes be subscripted at run time, as the type checker wants.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("HEALTHEOS_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("HEALTHEOS_DEBUG", False)


def _secret_key() -> str:
    configured = env_optional("HEALTHEOS_SECRET_KEY")
    if configured:
        if len(configured) < 32:
            raise ConfigurationError("HEALTHEOS_SECRET_KEY must be at least 32 characters")
        return configured
    # Without a configured key, keep a random one in the var folder so that sessions survive
    # restarts of a demo or a single-machine install; production should set the variable.
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key, encoding="utf-8")
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("HEALTHEOS_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("HEALTHEOS_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "healtheos.core",
    "healtheos.audit",
    "healtheos.accounts",
    "healtheos.plans",
    "healtheos.directory",
    "healtheos.offices",
    "healtheos.members",
    "healtheos.eligibility",
    "healtheos.edi",
    "healtheos.fhirapi",
    "healtheos.claims",
    "healtheos.authorizations",
    "healtheos.payments",
    "healtheos.messaging",
    "healtheos.apiclients",
    "healtheos.synthetic",
    "healtheos.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "healtheos.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "healtheos.plans.middleware.PlanRoutingMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "healtheos.accounts.sessions.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "healtheos.accounts.middleware.RequireSecondFactorMiddleware",
    "healtheos.offices.middleware.ActingOfficeMiddleware",
]

ROOT_URLCONF = "healtheos.urls"
WSGI_APPLICATION = "healtheos.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "healtheos" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "healtheos.offices.context_processors.acting_office",
                "healtheos.accounts.sessions.session_context",
            ],
        },
    },
]

# --- Data ---------------------------------------------------------------------------------

_database_url = env_optional("DATABASE_URL")
_conn_max_age = env_int("HEALTHEOS_DB_CONN_MAX_AGE", 60, minimum=0)
if _database_url:
    DATABASES = {"default": parse_database_url(_database_url, base_dir=BASE_DIR).as_django()}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["CONN_MAX_AGE"] = _conn_max_age
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "healtheos.sqlite3"),
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while one writer works; IMMEDIATE transactions take the write
    # lock up front, so two writers queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    # Keep each process's connection: opening one (and its pragmas) costs more than a
    # small query.
    DATABASES["default"]["CONN_MAX_AGE"] = _conn_max_age

#: The real-time hot path's hand-written statements are prepared once per connection on
#: PostgreSQL. Turn off behind a connection pooler in transaction mode that cannot keep
#: prepared statements (PgBouncer before 1.21).
DB_PREPARED_STATEMENTS = env_bool("HEALTHEOS_DB_PREPARED_STATEMENTS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DB_PREPARED_STATEMENTS:
    # Only statements run with prepare=True (healtheos.core.rows) are prepared: Django's
    # own queries bind their parameters on the client, which never prepares.
    _options: dict[str, object] = DATABASES["default"].setdefault("OPTIONS", {})  # type: ignore[assignment]
    _options["prepare_threshold"] = 1_000_000

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_optional("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis cache that degrades while Redis is unreachable (core/cache.py).
            "BACKEND": "healtheos.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "healtheos",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions live in the database so that they can be listed and revoked server-side; with
# Redis the cache sits in front of the database but the database stays authoritative.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)

# --- Identity -----------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "healtheos.accounts.adapter.HealtheosAuthenticationBackend",
]
PASSWORD_HASHERS = ["healtheos.accounts.hashers.HealtheosArgon2PasswordHasher"]
#: argon2id cost parameters; OWASP's minimum is m=19 MiB, t=2, p=1 (standards.md).
ARGON2_MEMORY_KIB = env_int("HEALTHEOS_ARGON2_MEMORY_KIB", 19456, minimum=19456)
ARGON2_TIME_COST = env_int("HEALTHEOS_ARGON2_TIME_COST", 2, minimum=2)
ARGON2_PARALLELISM = env_int("HEALTHEOS_ARGON2_PARALLELISM", 1, minimum=1)
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("HEALTHEOS_PASSWORD_MIN_LENGTH", 8, minimum=8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_ADAPTER = "healtheos.accounts.adapter.AccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
# A changed password, email address or second factor is mailed to its owner (ASVS 2.2.3;
# accounts/notifications.py).
ACCOUNT_EMAIL_NOTIFICATIONS = True
# One mechanism counts failed sign-ins: Healtheos's own (accounts/signin.py, ADR 0002).
#: Sign-in attempts per client address per minute, successful or not: a large practice signs
#: in from one address on Monday morning, so this is generous; failures are limited
#: separately and much more tightly.
LOGIN_RATE_PER_ADDRESS = env_int("HEALTHEOS_LOGIN_RATE_PER_ADDRESS", 300, minimum=10)
ACCOUNT_RATE_LIMITS = {"login_failed": False, "login": f"{LOGIN_RATE_PER_ADDRESS}/m/ip"}
#: Consecutive wrong passwords that lock an account, and for how long (NIST: never more
#: than 100 attempts; ASVS 2.2.1: at most 100 an hour).
LOCKOUT_THRESHOLD = env_int("HEALTHEOS_LOCKOUT_THRESHOLD", 10, minimum=1)
if LOCKOUT_THRESHOLD > 100:
    raise ConfigurationError("HEALTHEOS_LOCKOUT_THRESHOLD may not exceed 100 (NIST 800-63B)")
LOCKOUT_MINUTES = env_int("HEALTHEOS_LOCKOUT_MINUTES", 15, minimum=1)
#: Failed sign-ins from one network (IPv4 /24, IPv6 /48) before it is throttled.
NETWORK_FAILURE_LIMIT = env_int("HEALTHEOS_NETWORK_FAILURE_LIMIT", 50, minimum=5)
NETWORK_WINDOW_MINUTES = env_int("HEALTHEOS_NETWORK_WINDOW_MINUTES", 15, minimum=1)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
# Accept the authenticator code one 30-second step either side of now: phone clocks drift.
# A code still works only once, for as long as it is accepted (accounts/mfa_forms.py).
MFA_TOTP_TOLERANCE = 1
MFA_FORMS = {
    "authenticate": "healtheos.accounts.mfa_forms.OnceAuthenticateForm",
    "reauthenticate": "healtheos.accounts.mfa_forms.OnceReauthenticateForm",
}
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG

#: HIPAA automatic logoff (minutes idle) and the absolute session lifetime (hours).
IDLE_TIMEOUT_MINUTES = env_int("HEALTHEOS_IDLE_TIMEOUT_MINUTES", 15, minimum=1)
SESSION_ABSOLUTE_HOURS = env_int("HEALTHEOS_SESSION_ABSOLUTE_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Transport and browser security -------------------------------------------------------

SECURE_COOKIES = env_bool("HEALTHEOS_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
# The __Host- prefix pins a cookie to this exact origin; browsers accept it only with Secure.
SESSION_COOKIE_NAME = "__Host-healtheos-session" if SECURE_COOKIES else "healtheos-session"
CSRF_COOKIE_NAME = "__Host-healtheos-csrf" if SECURE_COOKIES else "healtheos-csrf"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env_int("HEALTHEOS_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_SSL_REDIRECT = env_bool("HEALTHEOS_SSL_REDIRECT", False)
# Load balancers probe over plain HTTP inside the network; a redirect would fail them.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# HSTS preloading binds the plan's whole domain for months and is the domain owner's call;
# the header itself (one year, subdomains) is required by healtheos.E003.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
#: Behind a reverse proxy every request arrives from the proxy's address: the client's own is
#: the last entry the proxy appended to X-Forwarded-For (``accounts/network.py``). Without a
#: proxy that header is the client's to invent, so it is ignored.
BEHIND_PROXY = env_bool("HEALTHEOS_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Static files and uploads -------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
#: Front-end packages installed by ``npm ci`` (never committed); see docs/architecture.md.
NODE_MODULES_DIR = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "healtheos" / "static",
    ("uswds", NODE_MODULES_DIR / "@uswds" / "uswds" / "dist"),
    ("htmx", NODE_MODULES_DIR / "htmx.org" / "dist"),
]
STORAGES = {
    # Uploaded documents live outside the web root and are only ever served through views
    # that check the acting office.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "uploads"), "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# No CORS anywhere (ASVS 14.5.3): WhiteNoise would otherwise let every site read the static
# files; the portal's pages load them from its own origin.
WHITENOISE_ALLOW_ALL_ORIGINS = False
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Mail ---------------------------------------------------------------------------------

EMAIL_BACKEND = env_str(
    "HEALTHEOS_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env_str("HEALTHEOS_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("HEALTHEOS_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("HEALTHEOS_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("HEALTHEOS_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("HEALTHEOS_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env_str("HEALTHEOS_FROM_EMAIL", "Healtheos portal <no-reply@localhost>")

# --- Localisation -------------------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("HEALTHEOS_TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

# --- Logging ------------------------------------------------------------------------------

LOG_LEVEL = env_str("HEALTHEOS_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_phi": {"()": "healtheos.core.logging.MaskPHIFilter"}},
    "formatters": {"json": {"()": "healtheos.core.logging.JSONFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["mask_phi"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
    },
}

# --- Product ------------------------------------------------------------------------------

#: Guard that refuses queries of office data that were not scoped to an office.
SCOPE_GUARD = env_bool("HEALTHEOS_SCOPE_GUARD", True)

# Eligibility searches per minute: a brake on member enumeration.
ELIGIBILITY_RATE_PER_USER = env_int("HEALTHEOS_ELIGIBILITY_RATE_PER_USER", 60, minimum=1)
ELIGIBILITY_RATE_PER_OFFICE = env_int("HEALTHEOS_ELIGIBILITY_RATE_PER_OFFICE", 600, minimum=1)
ELIGIBILITY_RATE_PER_CLIENT = env_int("HEALTHEOS_ELIGIBILITY_RATE_PER_CLIENT", 6000, minimum=1)
#: Rows in one uploaded schedule.
ELIGIBILITY_BATCH_MAX_ROWS = env_int("HEALTHEOS_ELIGIBILITY_BATCH_MAX_ROWS", 20000, minimum=1)
#: How long a process trusts a bearer token it has checked (0: check every request).
API_TOKEN_CACHE_SECONDS = env_int("HEALTHEOS_API_TOKEN_CACHE_SECONDS", 5, minimum=0)

#: Lanes of the audit trail's hash chain: writers in different processes lock different
#: heads (ADR 0004). Raising it is safe at any time; lowering it leaves old lanes closed.
AUDIT_LANES = env_int("HEALTHEOS_AUDIT_LANES", 16, minimum=1)

#: How background work runs (healtheos/core/tasks.py): "thread" (a pool in the serving
#: process, the default), "inline" (in the caller; tests and single-shot commands) or "rq"
#: (jobs on an RQ queue in the Redis of REDIS_URL, run by ``healtheos worker``).
TASK_BACKEND = env_str("HEALTHEOS_TASK_BACKEND", "thread")
if TASK_BACKEND not in ("thread", "inline", "rq"):
    raise ConfigurationError("HEALTHEOS_TASK_BACKEND must be thread, inline or rq")
if TASK_BACKEND == "rq" and not REDIS_URL:
    raise ConfigurationError(
        "HEALTHEOS_TASK_BACKEND=rq needs REDIS_URL: the queue lives in that Redis"
    )
#: The RQ queue the rq backend enqueues on and ``healtheos worker`` takes work from, and
#: how long one job may run before the worker stops it (a large 837 file takes minutes;
#: a stopped run is resumed by the recovery sweep like an interrupted one).
TASK_QUEUE = env_str("HEALTHEOS_TASK_QUEUE", "healtheos")
TASK_TIMEOUT_SECONDS = env_int("HEALTHEOS_TASK_TIMEOUT_SECONDS", 3600, minimum=60)

#: Recovery of interrupted background work (healtheos/core/recovery.py): how often a
#: serving process (with the rq backend, a ``healtheos worker``) sweeps for it (0: never;
#: ``healtheos resume-work`` still does), how long work may show no progress before it
#: counts as interrupted, and how often one piece of work is resumed before it is marked
#: failed.
RECOVERY_INTERVAL_SECONDS = env_int("HEALTHEOS_RECOVERY_INTERVAL_SECONDS", 60, minimum=0)
RECOVERY_GRACE_SECONDS = env_int("HEALTHEOS_RECOVERY_GRACE_SECONDS", 300, minimum=1)
RECOVERY_MAX_RESUMES = env_int("HEALTHEOS_RECOVERY_MAX_RESUMES", 5, minimum=1)

#: Who decides claims: the dotted path of an Adjudicator class (or zero-argument factory);
#: a plan's core administration system plugs in here (healtheos/claims/adjudication/).
ADJUDICATOR = env_str(
    "HEALTHEOS_ADJUDICATOR", "healtheos.claims.adjudication.reference.ReferenceAdjudicator"
)
#: Run the plan's payment cycle right after each submission is adjudicated (the demo's
#: way of showing a claim go from submission to paid). A plan that pays on a schedule
#: turns it off and runs `healtheos payment_cycle` from its scheduler.
PAY_AFTER_ADJUDICATION = env_bool("HEALTHEOS_PAY_AFTER_ADJUDICATION", True)

#: Prior authorization: the portal's address for deep links in webhooks when a plan has no
#: host name of its own, and "gold carding" — approve at once the requests of a provider
#: whose decided requests of the last 12 months were at least this percent approved, over
#: at least the minimum number (0 percent: off).
PUBLIC_BASE_URL = env_str("HEALTHEOS_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
PA_GOLD_CARD_PERCENT = env_int("HEALTHEOS_PA_GOLD_CARD_PERCENT", 0, minimum=0)
PA_GOLD_CARD_MIN_DECISIONS = env_int("HEALTHEOS_PA_GOLD_CARD_MIN_DECISIONS", 20, minimum=1)

#: Every environment variable read above (docs/configuration.md must list exactly these).
CONFIG_VARIABLES = frozenset(READ_VARIABLES)
