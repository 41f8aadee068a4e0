"""Django settings for Covenant.

All configuration comes from environment variables so the same code runs as the
embedded demo (SQLite, console e-mail) and in production (PostgreSQL, SMTP).
`COVENANT_ENV` picks the profile: ``development`` (default), ``test`` or
``production``. Production refuses to start without a real ``SECRET_KEY`` and
``AUDIT_LOG_KEY``, and turns on every HTTPS hardening that ``manage.py check --deploy`` asks for.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import django.conf.locale
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent

ENV = os.environ.get("COVENANT_ENV", "development")
if ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"COVENANT_ENV must be development, test or production, not {ENV!r}")
PRODUCTION = ENV == "production"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", not PRODUCTION and ENV != "test")

_DEV_SECRET = "covenant-development-only-secret-key-do-not-use-in-production-0123456789"  # noqa: S105 (refused in production)
SECRET_KEY = os.environ.get("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("Set SECRET_KEY to a random string of at least 50 characters.")
# The audit trail's HMAC key (covenant/core/audit.py). It lives outside the database so that
# whoever can write the database cannot forge a consistent chain. Required in production (a
# key derived from SECRET_KEY would break the chain whenever SECRET_KEY is rotated); elsewhere
# it is derived from SECRET_KEY when unset. Never change it: the existing chain stops verifying.
AUDIT_LOG_KEY = os.environ.get("AUDIT_LOG_KEY", "")
if PRODUCTION and (len(AUDIT_LOG_KEY) < 32 or AUDIT_LOG_KEY == SECRET_KEY):
    raise ImproperlyConfigured("Set AUDIT_LOG_KEY to a random string of at least 32 characters, not SECRET_KEY.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# Where uploaded files (audit reports, supplier lists) and the matching index live.
# Deliberately outside the static/web root: files are only served through views
# that check who may see them.
DATA_DIR = Path(os.environ.get("COVENANT_DATA_DIR", PROJECT_DIR / "var"))
DATA_DIR.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = DATA_DIR / "files"
# Nothing serves this prefix: private files go out only through views that check access.
MEDIA_URL = "/private-files/"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "csp",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "django_countries",
    "covenant.core",
    "covenant.accounts",
    "covenant.orgs",
    "covenant.registry",
    "covenant.risk",
    "covenant.audits",
    "covenant.grievances",
    "covenant.capability",
    "covenant.learning",
    "covenant.saq",
    "covenant.partners",
    "covenant.joint",
    "covenant.plans",
    "covenant.assessments",
    "covenant.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Errors under /api/ as problem documents, also those answered by the middleware below.
    "covenant.core.middleware.ApiProblemMiddleware",
    # Before anything reads the body (CSRF reads forms): refuses or caps it (core/limits.py).
    "covenant.core.limits.RequestSizeLimitMiddleware",
    # NUL characters in the path, query or a text body: 400 before any view (core/limits.py).
    "covenant.core.limits.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The language kept on the signed-in person's account wins over the browser's.
    "covenant.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "covenant.orgs.middleware.ActorMiddleware",
    "covenant.accounts.middleware.RequireMFAMiddleware",
    # Axes must be last: it turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "covenant.urls"
WSGI_APPLICATION = "covenant.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "covenant.core.context_processors.navigation",
                "covenant.orgs.context_processors.memberships",
            ],
        },
    },
]

_default_db = f"sqlite:///{DATA_DIR / 'covenant.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_db),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60" if PRODUCTION else "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; IMMEDIATE avoids
    # "database is locked" on write transactions that start with a read.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Covenant's queries are short and interactive. With thousands of ids in a query
    # (a member's 20,000 sites) the planner's cost estimate switches JIT compilation on,
    # and compiling took longer than the queries then ran (benchmarks/audits, benchmarks/risk).
    pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    pg_options["options"] = f"{pg_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out client is refused before a password is checked.
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:dashboard"

# django-allauth: e-mail login, no public sign-up (people join by invitation).
ACCOUNT_ADAPTER = "covenant.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
# Lock-out after failed logins is django-axes' job (its counts live in the
# database, so every web worker sees them); allauth's cache-based counter would
# be per process. allauth's other limits (e.g. reset e-mails) stay on. Two-factor
# codes, which allauth counts under the same limit, are throttled by our forms
# (covenant/accounts/lockout.py): wrong codes count as failed logins for axes.
ACCOUNT_RATE_LIMITS = {"login_failed": False}
MFA_ADAPTER = "covenant.accounts.adapter.MFAAdapter"
MFA_FORMS = {
    "authenticate": "covenant.accounts.forms.MFAAuthenticateForm",
    "reauthenticate": "covenant.accounts.forms.MFAReauthenticateForm",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER", "Covenant")
# Only ever set by `covenant demo` (allauth refuses it unless DEBUG is on).
MFA_TOTP_INSECURE_BYPASS_CODE = os.environ.get("COVENANT_DEMO_TOTP_CODE") or None

# django-axes: lock an account+address pair out after repeated failures (passwords
# and two-factor codes alike), and an address altogether after more failures over all
# accounts (password spraying); see covenant/accounts/lockout.py.
AXES_HANDLER = "covenant.accounts.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "20"))
# Two-factor codes one person may try per cool-off time; the last wrong one ends the pending sign-in.
LOGIN_CODE_FAILURE_LIMIT = int(os.environ.get("LOGIN_CODE_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "covenant.accounts.adapter.axes_username"
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Addresses are kept for failed logins only (lock-out needs them, for the cool-off
# time): no record of who signed in from where.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
# Masked in what axes stores about a failure (its form data) and in its log lines.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "login", "code", "csrfmiddlewaretoken"]
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("AXES_PROXY_COUNT", "0")) or None

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# A strict Content-Security-Policy: nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# The throttles (two-factor codes, grievance receipts and submissions) count in the "throttle"
# cache, which every web process must share, or each of N processes allows the full limit.
# With REDIS_URL (production), both caches are Redis: keys are "covenant:<VERSION>:<key>", so the
# database may be shared with other services; raise VERSION to drop every cached value of an
# incompatible release at once. Without it, the counts live in a table of the project's database
# (created by `migrate`; counted atomically, covenant/core/cache.py), and the rest of the cache
# in each process's memory. Production refuses to start without Redis.
if os.environ.get("REDIS_URL"):
    _redis_cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": "covenant",
        "VERSION": 1,
    }
    CACHES = {"default": _redis_cache, "throttle": _redis_cache}
elif PRODUCTION:
    raise ImproperlyConfigured(
        "Set REDIS_URL: the throttles on sign-in codes and grievance receipts count in a cache "
        "that every web process must share."
    )
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "throttle": {
            "BACKEND": "covenant.core.cache.DatabaseCache",
            "LOCATION": "covenant_throttle",
            # Never cull live counts: Django's database cache deletes a third of all keys past
            # MAX_ENTRIES, so a flood of keys could wipe a count (expired ones go first).
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        },
    }

LANGUAGE_CODE = "en"
# The platform's languages: English and Dutch (the sector agreement's), and those of the sector's
# main production countries for supplier and audit-firm staff (issue 13). Each person picks one
# (accounts.User.language); names are shown in their own language, so nobody needs to read
# the current one to find theirs. Catalogues: covenant/locale/<code>/ (docs/translations.md).
LANGUAGES = [
    ("en", "English"),
    ("nl", "Nederlands"),
    ("es", "Español"),
    ("fr", "Français"),
    ("pt", "Português"),
    ("tr", "Türkçe"),
    ("id", "Bahasa Indonesia"),
    ("vi", "Tiếng Việt"),
    ("zh-hans", "简体中文"),
    ("km", "ខ្មែរ"),
    ("bn", "বাংলা"),
    ("hi", "हिन्दी"),
]
# Country fields (django-countries) also accept Kosovo's user-assigned code, as the register does.
COUNTRIES_OVERRIDE = {"XK": _("Kosovo")}
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Outside production, WhiteNoise serves straight from the apps' static folders.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# E-mail: console in development, SMTP when EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Covenant <no-reply@covenant.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
elif ENV == "test":
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Background work: Django's Tasks API (backport) on the database backend.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend" if ENV == "test" else "django_tasks_db.DatabaseBackend",
        ),
    }
}

NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 200

# Matching supplier-list rows to the register (see docs/matching.md).
MATCH_THRESHOLDS = {
    "match": float(os.environ.get("MATCH_THRESHOLD", "0.8")),
    "review": float(os.environ.get("MATCH_REVIEW_THRESHOLD", "0.3")),
    "margin": float(os.environ.get("MATCH_MARGIN", "0.1")),
}
MATCH_WORKERS = int(os.environ.get("MATCH_WORKERS", "1" if ENV == "test" else str(min(4, os.cpu_count() or 1))))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Secrets that travel in URLs (invitation links, password-reset and e-mail confirmation
    # keys) and API tokens are masked in every log line; 4xx answers are logged without a
    # traceback (they are the client's mistake, not ours). See covenant/accounts/logfilters.py.
    "filters": {
        "redact_secrets": {"()": "covenant.accounts.logfilters.RedactSecrets"},
        "no_client_error_tracebacks": {"()": "covenant.accounts.logfilters.NoClientErrorTracebacks"},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["no_client_error_tracebacks", "redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Everything goes through the filtered console handler above: Django's own
        # console handler (DEBUG only) would print request records again, unfiltered.
        "django": {"handlers": [], "level": "INFO"},
        # Filtered where the records are made too, so every handler gets them clean.
        "django.request": {"filters": ["no_client_error_tracebacks", "redact_secrets"]},
        # Request lines carry IP addresses; the grievance mechanism must not log them.
        # (Django's default gives this logger a handler of its own; it goes to ours.)
        "django.server": {"level": "WARNING", "propagate": True, "filters": ["redact_secrets"]},
        "axes": {"level": "WARNING"},
        # Pillow's debug output spells out photo metadata (camera, GPS) while it strips it.
        "PIL": {"level": "WARNING"},
    },
}

# Audits: the largest report or CAP evidence file, and default CAP deadlines (days) by finding severity.
AUDIT_REPORT_MAX_BYTES = int(os.environ.get("AUDIT_REPORT_MAX_MB", "25")) * 1024 * 1024
# The secretariat's sector counters are counted again, in the background, when the last count is
# older than this (seconds); `covenant count-sector-audits` counts from cron (docs/audits.md, "Speed").
AUDIT_SECTOR_COUNT_MAX_AGE = int(os.environ.get("AUDIT_SECTOR_COUNT_MAX_AGE", "600"))
# Request bodies (covenant/core/limits.py): one uploaded file may be as large as the largest
# per-feature limit (audit reports, supplier lists: 20 MB, grievance photos); a whole request that
# plus room for the form fields, or all the photos of one grievance report. A body over the limit
# gets 413 before it is read; one sent without a length is cut off at the limit while it streams.
# Forms and JSON bodies keep Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) and 1,000 fields.
UPLOAD_FILE_MAX_BYTES = max(AUDIT_REPORT_MAX_BYTES, 20 * 1024 * 1024)
REQUEST_MAX_BYTES = UPLOAD_FILE_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "covenant.core.limits.FileSizeLimitUploadHandler",  # first: it counts what the others store
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
AUDIT_CAP_DUE_DAYS = {
    severity: int(os.environ.get(f"AUDIT_CAP_DAYS_{severity.upper()}", default))
    for severity, default in (("critical", "30"), ("major", "90"), ("minor", "180"))
}

# The public URL printed in e-mails (invitations, alerts).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Self-assessment (docs/assessments.md): may the secretariat read each member's scores and answers?
# Off by default: it sees statuses and aggregates (never from fewer than 5 members) only.
COVENANT_SELF_ASSESSMENT_PER_MEMBER = env_bool("COVENANT_SELF_ASSESSMENT_PER_MEMBER", False)

# The joint grievance mechanism (docs/grievances.md, docs/grievance-protocol.md).
# GRIEVANCE_SECRET salts receipt hashes and keys conversation and replay hashes; set it
# in production and never change it (receipts stop working). By default it is derived
# from SECRET_KEY.
GRIEVANCE_SECRET = os.environ.get("GRIEVANCE_SECRET", "")
# The public intake speaks these languages (the staff UI keeps LANGUAGES), each named in its own
# script: those of the workforces of the sector's sourcing countries (docs/translations.md says
# which workforce each serves). New ones go at the end: SMS, WhatsApp and phone menus number
# them in this order, and printed posters quote the numbers.
GRIEVANCE_LANGUAGES = [
    ("en", "English"),
    ("nl", "Nederlands"),
    ("es", "Español"),
    ("fr", "Français"),
    ("pt", "Português"),
    ("bn", "বাংলা"),
    ("hi", "हिन्दी"),
    ("vi", "Tiếng Việt"),
    ("id", "Bahasa Indonesia"),
    ("tr", "Türkçe"),
    ("uk", "Українська"),
    ("ar", "العربية"),
    ("zh-hans", "简体中文"),
    ("my", "မြန်မာ"),
    ("km", "ខ្មែរ"),
    ("ur", "اردو"),
    ("am", "አማርኛ"),
    ("th", "ไทย"),
    ("ta", "தமிழ்"),
    ("si", "සිංහල"),
    ("ne", "नेपाली"),
    ("fil", "Filipino"),
    ("sw", "Kiswahili"),
    ("ro", "Română"),
]
# Django's LANG_INFO lacks Amharic, Sinhala and Filipino; Khmer's entry has no native name.
EXTRA_LANG_INFO = {
    "am": {"bidi": False, "code": "am", "name": "Amharic", "name_local": "አማርኛ"},
    "si": {"bidi": False, "code": "si", "name": "Sinhala", "name_local": "සිංහල"},
    "fil": {"bidi": False, "code": "fil", "name": "Filipino", "name_local": "Filipino"},
    "km": {"bidi": False, "code": "km", "name": "Khmer", "name_local": "ខ្មែរ"},
}
django.conf.locale.LANG_INFO.update(EXTRA_LANG_INFO)
# Right to left: Arabic and Urdu (taken from LANG_INFO, so a new language brings its own direction).
GRIEVANCE_RTL_LANGUAGES = [
    code for code, _name in GRIEVANCE_LANGUAGES if django.conf.locale.LANG_INFO.get(code, {}).get("bidi")
]
GRIEVANCE_PHOTO_MAX_BYTES = int(os.environ.get("GRIEVANCE_PHOTO_MAX_MB", "8")) * 1024 * 1024
GRIEVANCE_PHOTOS_MAX = 3
# A grievance report's photos count towards the request limits (see UPLOAD_FILE_MAX_BYTES above).
UPLOAD_FILE_MAX_BYTES = max(UPLOAD_FILE_MAX_BYTES, GRIEVANCE_PHOTO_MAX_BYTES)
REQUEST_MAX_BYTES = max(REQUEST_MAX_BYTES, GRIEVANCE_PHOTO_MAX_BYTES * GRIEVANCE_PHOTOS_MAX + 1024 * 1024)
GRIEVANCE_TEXT_MAX_CHARS = 10_000
# Urgent cases (forced or child labour, violence, retaliation, imminent harm): each clock is the
# shorter of the mechanism's time frame and this one, in days (cases carry dates, not times:
# 1 day is "within 24 hours"). See docs/grievances.md, "Urgent cases".
GRIEVANCE_URGENT_DAYS = {"acknowledge": 1, "feedback": 14, "admissibility": 3, "investigation": 21}
# Failed receipt look-ups allowed per source, and look-ups per receipt, per hour.
GRIEVANCE_THROTTLE_PER_SOURCE = int(os.environ.get("GRIEVANCE_THROTTLE_PER_SOURCE", "20"))
GRIEVANCE_THROTTLE_PER_RECEIPT = int(os.environ.get("GRIEVANCE_THROTTLE_PER_RECEIPT", "30"))
# New reports per source and hour: generous (a factory's workers may share one connection),
# but a script cannot flood the mechanism or the Argon2 work behind every report.
GRIEVANCE_SUBMISSIONS_PER_SOURCE = int(os.environ.get("GRIEVANCE_SUBMISSIONS_PER_SOURCE", "30"))
# An unlocked organisation key is forgotten after this many idle seconds.
GRIEVANCE_UNLOCK_IDLE_SECONDS = int(os.environ.get("GRIEVANCE_UNLOCK_IDLE_MINUTES", "15")) * 60
# Argon2id limits for organisation passphrases (lowered in tests only: they are slow on purpose).
GRIEVANCE_PASSPHRASE_LIMITS = (1, 8 * 1024 * 1024) if ENV == "test" else (3, 256 * 1024 * 1024)
# SMS gateway (Twilio-style signatures) and WhatsApp Cloud API webhooks.
GRIEVANCE_SMS_AUTH_TOKEN = os.environ.get("GRIEVANCE_SMS_AUTH_TOKEN", "")
GRIEVANCE_WHATSAPP_APP_SECRET = os.environ.get("GRIEVANCE_WHATSAPP_APP_SECRET", "")
GRIEVANCE_WHATSAPP_VERIFY_TOKEN = os.environ.get("GRIEVANCE_WHATSAPP_VERIFY_TOKEN", "")
GRIEVANCE_WHATSAPP_TOKEN = os.environ.get("GRIEVANCE_WHATSAPP_TOKEN", "")
GRIEVANCE_WHATSAPP_PHONE_NUMBER_ID = os.environ.get("GRIEVANCE_WHATSAPP_PHONE_NUMBER_ID", "")
# The mechanism the SMS and WhatsApp numbers belong to (its slug); the first one when empty.
GRIEVANCE_PHONE_MECHANISM = os.environ.get("GRIEVANCE_PHONE_MECHANISM", "")
# Voice calls (grievances/voice.py, TwiML): the provider's auth token signs the webhooks (the
# SMS gateway's by default: one account), and the recording is fetched from its RecordingUrl
# when that URL starts with one of these prefixes (comma-separated), with the account SID and
# token as HTTP Basic credentials when the SID is set. At most GRIEVANCE_VOICE_MAX_MB, within
# GRIEVANCE_VOICE_FETCH_TIMEOUT seconds; a call records at most GRIEVANCE_VOICE_MAX_SECONDS.
GRIEVANCE_VOICE_AUTH_TOKEN = os.environ.get("GRIEVANCE_VOICE_AUTH_TOKEN", "") or GRIEVANCE_SMS_AUTH_TOKEN
GRIEVANCE_VOICE_ACCOUNT_SID = os.environ.get("GRIEVANCE_VOICE_ACCOUNT_SID", "")
GRIEVANCE_VOICE_RECORDING_PREFIXES = [
    p.strip()
    for p in os.environ.get("GRIEVANCE_VOICE_RECORDING_PREFIXES", "https://api.twilio.com/").split(",")
    if p.strip()
]
GRIEVANCE_VOICE_MAX_BYTES = int(os.environ.get("GRIEVANCE_VOICE_MAX_MB", "8")) * 1024 * 1024
GRIEVANCE_VOICE_FETCH_TIMEOUT = int(os.environ.get("GRIEVANCE_VOICE_FETCH_TIMEOUT", "15"))
GRIEVANCE_VOICE_MAX_SECONDS = int(os.environ.get("GRIEVANCE_VOICE_MAX_SECONDS", "300"))
UPLOAD_FILE_MAX_BYTES = max(UPLOAD_FILE_MAX_BYTES, GRIEVANCE_VOICE_MAX_BYTES)
REQUEST_MAX_BYTES = max(REQUEST_MAX_BYTES, GRIEVANCE_VOICE_MAX_BYTES + 1024 * 1024)
# The text-to-speech language of each intake language (TwiML <Say language="...">); which of them
# the provider has a voice for depends on the provider (see docs/grievances.md, "Voice calls").
GRIEVANCE_VOICE_LOCALES = {
    "en": "en-GB",
    "nl": "nl-NL",
    "es": "es-ES",
    "fr": "fr-FR",
    "pt": "pt-BR",
    "bn": "bn-IN",
    "hi": "hi-IN",
    "vi": "vi-VN",
    "id": "id-ID",
    "tr": "tr-TR",
    "uk": "uk-UA",
    "ar": "ar-XA",
    "zh-hans": "cmn-CN",
    "my": "my-MM",
    "km": "km-KH",
    "ur": "ur-IN",
    "am": "am-ET",
    "th": "th-TH",
    "ta": "ta-IN",
    "si": "si-LK",
    "ne": "ne-NP",
    "fil": "fil-PH",
    "sw": "sw-KE",
    "ro": "ro-RO",
}
