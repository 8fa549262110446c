"""Settings for Mon Espace, read from the environment.

Every setting a deployment may change is listed in the README ("Settings"). Defaults give a
working developer machine: SQLite, DEBUG on, e-mails in the developer outbox.
"""

import os
import sys
from pathlib import Path

from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from .env import env, env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent
TESTING = "pytest" in sys.modules or os.environ.get("MONESPACE_TESTING") == "1"

PRODUCTION = env_bool("PRODUCTION", False)
DEBUG = env_bool("DEBUG", not PRODUCTION)
SECRET_KEY = env("SECRET_KEY", "" if PRODUCTION else "dev-only-insecure-key-change-me-0123456789")
if PRODUCTION and not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when PRODUCTION=1")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# --- Product -------------------------------------------------------------------------------
OPCO_NAME = env("OPCO_NAME", "OPCO Démo")
PORTAL_NAME = env("PORTAL_NAME", "Mon Espace")
OPCO_PHONE = env("OPCO_PHONE", "01 88 13 10 00")
# « Espace Formation » (seed 004): the OPCO's catalogue of training offers; empty: no link.
TRAINING_CATALOGUE_URL = env("TRAINING_CATALOGUE_URL", "")
OPCO_HOURS = env(
    "OPCO_HOURS",
    "du lundi au jeudi de 9h à 12h30 et de 13h30 à 17h, le vendredi de 9h à 12h et de 13h30 à 16h30",
)
OPCO_CONTACT_URL = env("OPCO_CONTACT_URL", "/aide/")
OPCO_DPO_EMAIL = env("OPCO_DPO_EMAIL", "dpo@opco-demo.fr")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")
# The OPCO's account that payment runs debit (the SEPA file's « donneur d'ordre »).
OPCO_SEPA_NAME = env("OPCO_SEPA_NAME", OPCO_NAME)
# Demo values outside production only: production must name the OPCO's own account (E006).
OPCO_SEPA_IBAN = env("OPCO_SEPA_IBAN", "" if PRODUCTION else "FR7630006000019876543210076")
OPCO_SEPA_BIC = env("OPCO_SEPA_BIC", "" if PRODUCTION else "AGRIFRPP")
# Webhooks may call HTTP (not HTTPS) addresses on local hosts: development and tests only.
WEBHOOKS_ALLOW_INSECURE = env_bool("WEBHOOKS_ALLOW_INSECURE", DEBUG or TESTING)
# A RIB validated less than this many days before a payment run is flagged to its approver.
PAYMENT_RIB_CHANGE_DAYS = env_int("PAYMENT_RIB_CHANGE_DAYS", 30)
# Where the OPCO's instruction team is told of a transmitted dossier (empty: nobody by e-mail).
OPCO_INSTRUCTION_EMAIL = env("OPCO_INSTRUCTION_EMAIL", "")
# Training actions are requested this many calendar days before they start (a warning).
TRAINING_REQUEST_LEAD_DAYS = env_int("TRAINING_REQUEST_LEAD_DAYS", 30)
# Largest file a user may attach to a dossier.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# Antivirus (core/antivirus.py): clamd on a Unix socket, or on host:port.
CLAMAV_SOCKET = env("CLAMAV_SOCKET", "")
CLAMAV_HOST = env("CLAMAV_HOST", "")
CLAMAV_PORT = env_int("CLAMAV_PORT", 3310)
CLAMAV_TIMEOUT = env_int("CLAMAV_TIMEOUT", 30)
# Required: a file not analysed is never downloaded nor counted for a transmission.
CLAMAV_REQUIRED = env_bool("CLAMAV_REQUIRED", PRODUCTION)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Applications --------------------------------------------------------------------------
INSTALLED_APPS = [
    "monespace.core.apps.MonEspaceAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django_htmx",
    "django_tasks_db",
    "hijack",
    "rest_framework",
    "drf_spectacular",
    "monespace.core",
    "monespace.accounts",
    "monespace.organizations",
    "monespace.notifications",
    "monespace.referentials",
    "monespace.dossiers",
    "monespace.invoices",
    "monespace.exports",
    "monespace.support",
    "monespace.demo",
    "monespace.www",
    "monespace.backoffice",
    "monespace.api",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "monespace.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "monespace.accounts.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "hijack.middleware.HijackUserMiddleware",
    "monespace.support.middleware.SupportSessionMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "monespace.core.context_processors.portal",
                "monespace.notifications.context_processors.unread_notifications",
                "monespace.www.perimeter.perimeter_context",
            ],
        },
    }
]
if TESTING:
    # Fail loudly on a variable a template expects but does not get.
    TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = "INVALID_TEMPLATE_VARIABLE[%s]"

FORM_RENDERER = "monespace.core.forms.FormRenderer"

# --- Database ------------------------------------------------------------------------------
# Behind PgBouncer in transaction pooling mode (PGBOUNCER=1), a connection is the server's only
# for one transaction: server-side cursors (``QuerySet.iterator()``), which outlive a transaction
# in autocommit, must be off (Django's docs, « Transaction pooling and server-side cursors »), and
# PgBouncer refuses the ``options`` startup parameter, so the statement timeout is set on the
# database role instead (docs/operations.md §1). Persistent connections (CONN_MAX_AGE) are to
# PgBouncer, which hands each transaction a server connection.
PGBOUNCER = env_bool("PGBOUNCER", False)
PG_STATEMENT_TIMEOUT_MS = (
    0 if PGBOUNCER else env_int("PG_STATEMENT_TIMEOUT_MS", 30000 if PRODUCTION else 0)
)
if env("DB", "sqlite") in {"pg", "postgres", "postgresql"}:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": env("PGHOST", "127.0.0.1"),
            "PORT": env("PGPORT", "5432"),
            "NAME": env("PGDATABASE", "monespace"),
            "USER": env("PGUSER", "postgres"),
            "PASSWORD": env("PGPASSWORD", ""),
            "CONN_MAX_AGE": env_int("CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            # A database that does not answer fails fast (a 503 page, docs/operations.md) rather
            # than piling requests up: connection in 5 s; a statement in 30 s in production
            # (0: none; behind PgBouncer it is set on the role instead).
            "OPTIONS": {
                "connect_timeout": env_int("PG_CONNECT_TIMEOUT", 5),
                **(
                    {"options": f"-c statement_timeout={PG_STATEMENT_TIMEOUT_MS}"}
                    if PG_STATEMENT_TIMEOUT_MS
                    else {}
                ),
            },
            "DISABLE_SERVER_SIDE_CURSORS": PGBOUNCER,
        }
    }
else:
    SQLITE_PATH = Path(env("SQLITE_PATH", str(BASE_DIR / "var" / "db.sqlite3")))
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("REDIS_URL")}
        if env("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cache_table"}
        if PRODUCTION
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Authentication ------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "monespace.accounts.passwords.LetterAndDigitValidator"},
    {
        "NAME": "monespace.accounts.passwords.PersonalDataValidator",
    },
    {"NAME": "monespace.accounts.passwords.CommonPasswordValidator"},
    {"NAME": "monespace.accounts.passwords.MaximumLengthValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "www:home"
LOGOUT_REDIRECT_URL = "account_login"
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3 * 24 * 3600)
# Welcome links ("Bienvenue sur Mon Espace") stay valid this long.
SIGNUP_LINK_MAX_AGE = env_int("SIGNUP_LINK_MAX_AGE", 7 * 24 * 3600)
# Attempts at the adhérent / organisme de formation number, per establishment and per visitor.
SIGNUP_NUMBER_MAX_ATTEMPTS = env_int("SIGNUP_NUMBER_MAX_ATTEMPTS", 5)
SIGNUP_NUMBER_ATTEMPT_WINDOW = env_int("SIGNUP_NUMBER_ATTEMPT_WINDOW", 3600)
# Registration e-mails sent to one address per hour (the form must not flood a mailbox).
SIGNUP_MAILS_PER_HOUR = env_int("SIGNUP_MAILS_PER_HOUR", 5)

# Sessions: "Rester connecté" keeps SESSION_COOKIE_AGE; otherwise the session ends with the
# browser and after SESSION_IDLE_TIMEOUT seconds without activity.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 24 * 3600)
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# allauth: e-mail is the login, addresses are verified, login failures are limited
# (CNIL 2022-100, case 2: 8 characters + limited attempts).
ACCOUNT_ADAPTER = "monespace.accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"{PORTAL_NAME} — "
# Failed sign-ins are slowed per account and per address by accounts/lockout.py (the
# temporisation of CNIL 2022-100), not by allauth's « login_failed » limit.
LOGIN_FREE_ATTEMPTS = env_int("LOGIN_FREE_ATTEMPTS", 5)
LOGIN_LOCK_BASE_SECONDS = env_int("LOGIN_LOCK_BASE_SECONDS", 60)
LOGIN_LOCK_MAX_SECONDS = env_int("LOGIN_LOCK_MAX_SECONDS", 3600)
LOGIN_IP_SLOWDOWN_AFTER = env_int("LOGIN_IP_SLOWDOWN_AFTER", 100)
LOGIN_IP_SLOWDOWN_SECONDS = env_int("LOGIN_IP_SLOWDOWN_SECONDS", 2)
ACCOUNT_RATE_LIMITS = {
    "login_failed": False,
    # Per account (« key » = the e-mail address) the limits protect a person; per address
    # they are ceilings an office never reaches, against floods only.
    "reset_password": "300/h/ip,5/h/key",
    "reset_password_from_key": "300/h/ip",
    "change_password": "5/m/user",
    "login": "1000/m/ip",
}
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# Administrators (and staff deciding for a company) must protect their account with a second
# factor before any administrator action (seed 002: administrators guard sensitive data).
ADMIN_REQUIRE_MFA = env_bool("ADMIN_REQUIRE_MFA", True)
# OPCO staff must use a second factor to open the back office.
STAFF_REQUIRE_MFA = env_bool("STAFF_REQUIRE_MFA", True)
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_TOTP_ISSUER = PORTAL_NAME
# Tracking activity would cost a SELECT and an UPDATE on every request.
USERSESSIONS_TRACK_ACTIVITY = False
# Behind a reverse proxy, the client address comes from X-Forwarded-For (rate limits are per
# address): set TRUSTED_PROXY_COUNT to the number of proxies in front of the application.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# "Connexion en tant que" only for users who consented (the full journey comes with the back office).
HIJACK_PERMISSION_CHECK = "monespace.accounts.perms.can_support_access"
HIJACK_INSERT_BEFORE = None  # our own banner (base.html), no injected markup
# A « connexion en tant que » lasts this long at most.
SUPPORT_SESSION_MINUTES = env_int("SUPPORT_SESSION_MINUTES", 30)

# --- Exports ------------------------------------------------------------------------------
# An export's file is kept this long, then deleted (``purge_exports``, daily).
EXPORT_RETENTION_DAYS = env_int("EXPORT_RETENTION_DAYS", 7)
# Outgoing e-mails (core/mail.py): attempts before « En échec », the longest wait between two
# (seconds; 1, 2, 4… minutes up to it), and how long a delivered e-mail's text is kept.
EMAIL_RETRY_MAX_ATTEMPTS = env_int("EMAIL_RETRY_MAX_ATTEMPTS", 10)
EMAIL_RETRY_MAX_DELAY = env_int("EMAIL_RETRY_MAX_DELAY", 30 * 60)
EMAIL_TEXT_RETENTION_DAYS = env_int("EMAIL_TEXT_RETENTION_DAYS", 7)
# Retention of personal data (core/retention.py, docs/operations.md), in days.
RETENTION_NEVER_ACTIVATED_DAYS = env_int("RETENTION_NEVER_ACTIVATED_DAYS", 90)
RETENTION_REFUSED_MEMBERSHIP_DAYS = env_int("RETENTION_REFUSED_MEMBERSHIP_DAYS", 365)
RETENTION_CONTACT_REQUEST_DAYS = env_int("RETENTION_CONTACT_REQUEST_DAYS", 365)
RETENTION_SUPPORT_SESSION_DAYS = env_int("RETENTION_SUPPORT_SESSION_DAYS", 365)
RETENTION_EMAIL_DAYS = env_int("RETENTION_EMAIL_DAYS", 365)
# An export that took at least this long is announced by e-mail and in the portal.
EXPORT_NOTIFY_AFTER_SECONDS = env_int("EXPORT_NOTIFY_AFTER_SECONDS", 30)

# --- Tasks and e-mail ---------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A task still « running » this long after a worker took it was lost with that worker (killed,
# out of memory): the scheduler hands it back to the queue (core/lost_tasks.py). Longer than
# any task runs (the largest export).
TASK_LEASE_MINUTES = env_int("TASK_LEASE_MINUTES", 15)
if TESTING:
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", f"{PORTAL_NAME} <ne-pas-repondre@opco-demo.fr>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if env("SMTP_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env("SMTP_HOST"),
                "port": env_int("SMTP_PORT", 587),
                "username": env("SMTP_USER", ""),
                "password": env("SMTP_PASSWORD", ""),
                "use_tls": env_bool("SMTP_TLS", True),
                "timeout": 10,
            },
        }
    }
else:
    # Developer outbox: every e-mail is stored and readable at /dev/outbox/ (DEBUG only).
    MAILERS = {"default": {"BACKEND": "monespace.core.mail.OutboxBackend"}}

# --- Internationalisation ------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and media ----------------------------------------------------------------------
STATIC_URL = "/static/"
# Where collectstatic writes; a reverse proxy may serve it (docs/operations.md « Several servers »).
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
# Files (uploads, letters, exports) on an S3-compatible object store when a bucket is named
# (django-storages); on the local disk (MEDIA_ROOT) otherwise. Objects are private: every
# download goes through a permission-checked view that streams it, never a bucket URL.
if env("S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("S3_BUCKET"),
            "endpoint_url": env("S3_ENDPOINT_URL", "") or None,
            "access_key": env("S3_ACCESS_KEY_ID", ""),
            "secret_key": env("S3_SECRET_ACCESS_KEY", ""),
            "region_name": env("S3_REGION", "") or None,
            "location": env("S3_PREFIX", ""),
            "default_acl": None,
            "file_overwrite": False,
            "querystring_expire": 60,
        },
    }
# Files no row references (a transaction rolled back after the upload) are removed by the
# periodic sweeper once older than this (hours).
STORAGE_ORPHAN_GRACE_HOURS = env_int("STORAGE_ORPHAN_GRACE_HOURS", 24)

# --- Security -------------------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers probe the instances in plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^livez$", r"^readyz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # « __Host- » cookies: sent over HTTPS only, for this host only, never for a subdomain.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading commits the domain (and its subdomains) to HTTPS in browsers for good: only
    # when the OPCO decides it.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)

# --- API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # No HTTP Basic: passwords are only ever typed on the rate-limited login page.
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Errors as RFC 9457 problems (application/problem+json), in French.
    "EXCEPTION_HANDLER": "monespace.api.errors.problem_handler",
}
SPECTACULAR_SETTINGS = {
    # Requests and responses as separate components: uploads are documented as binary.
    "COMPONENT_SPLIT_REQUEST": True,
    "TITLE": "Mon Espace API",
    "DESCRIPTION": (
        "API des logiciels des entreprises et des CFA : chaque appel porte une clé API "
        "(en-tête X-API-KEY, créée par un administrateur dans « Administration » → « Clés API ») "
        "et les en-têtes EDITEUR, LOGICIEL et VERSION du logiciel."
    ),
    "VERSION": "1.0.0",
    # Swagger UI from the installed package (drf-spectacular-sidecar), never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Directory ------------------------------------------------------------------------------
# The lookup used by the journeys; another backend (API Sirene, recherche-entreprises) can be
# plugged in here.
DIRECTORY_BACKEND = env("DIRECTORY_BACKEND", "monespace.organizations.directory.LocalDirectory")

# --- Benchmarks -----------------------------------------------------------------------------
# A bare page at /_bench/reference/ (login required, one indexed SELECT) that the load benchmark
# (benchmarks/scale/) compares the real pages with. Never on in a real deployment.
BENCHMARK_REFERENCE_VIEW = env_bool("BENCHMARK_REFERENCE_VIEW", False)

# --- Logging: ids only, never names, e-mails or identifiers of people -------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name} {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
CSRF_FAILURE_VIEW = "monespace.core.views.csrf_failure"
# The queue's covering index (INCLUDE state) is a PostgreSQL optimisation; SQLite builds it
# without the included column, which is fine at its volumes.
SILENCED_SYSTEM_CHECKS = [
    "models.W040",
    # HSTS preload is opt-in (SECURE_HSTS_PRELOAD): the check would otherwise ask for it.
    "security.W021",
]
# Browser features the portal never uses are switched off for every page.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()"
)
