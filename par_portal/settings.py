"""The one settings module. Every deployment difference comes from the environment
(see .env.example); without any variable set the portal runs embedded: SQLite, Celery tasks
in-process, e-mail printed to the console."""

import datetime as dt
import os
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from par_portal.env import (
    parse_bool,
    parse_database_url,
    parse_email_url,
    parse_list,
    parse_month_day,
    redis_neighbour,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = parse_bool(os.environ.get("DEBUG"), default=False)

# What a production start (DEBUG off) cannot do without; README "Production" explains each.
PRODUCTION_REQUIRED = [
    "SECRET_KEY",  # a long random string
    "ALLOWED_HOSTS",  # the portal's host names
    "SITE_URL",  # the public address, for the links in e-mails
    "DATABASE_URL",  # PostgreSQL
    "CELERY_BROKER_URL",  # Redis, for the worker and beat
    "EMAIL_URL",  # the SMTP server
    "DEFAULT_FROM_EMAIL",  # the sender of reminders
]
if not DEBUG:
    _missing = [name for name in PRODUCTION_REQUIRED if not os.environ.get(name, "").strip()]
    if _missing:
        raise ImproperlyConfigured(
            "DEBUG is off (production), and these environment variables must be set: "
            + ", ".join(_missing)
            + ". See README.md, section Production (or set DEBUG=true for a local trial)."
        )
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105 - DEBUG only
ALLOWED_HOSTS = parse_list(
    os.environ.get("ALLOWED_HOSTS"), default=["127.0.0.1", "localhost"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = parse_list(os.environ.get("CSRF_TRUSTED_ORIGINS"))
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "import_export",
    "par_portal.apps.AxesConfig",  # django-axes, named in Vietnamese
    "indicators",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "par_portal.middleware.PreferredLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "par_portal.middleware.CurrentRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "par_portal.middleware.BadParameterMiddleware",
    # Last, as django-axes requires: it answers a locked-out login.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp): only our own files run or style a page; no inline script
# or style (chart data travels in json_script blocks, behaviour in static/js).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

ROOT_URLCONF = "par_portal.urls"
WSGI_APPLICATION = "par_portal.wsgi.application"

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
                "indicators.context_processors.membership",
            ],
        },
    },
]

DATABASES = {
    "default": parse_database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "indicators.passwords.AuditPasswordChanges"},  # records every password change
]
# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one user name,
# or from one IP address, logins are refused for LOGIN_LOCKOUT_MINUTES; an admin unlocks an
# account earlier by deleting its row in admin → Access attempts.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "indicators.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "par_portal.net.client_ip"
# Reverse proxies of our own in front of the portal (see par_portal/net.py).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Vietnamese first, English available; the compiled catalogue is committed.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Ho_Chi_Minh")

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploaded documents are private: served only through views that check permissions.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

# Evidence files: PDF, Word, Excel and images, checked by content; larger files are refused.
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_MB", "20")) * 1024 * 1024
# The self-assessment dossier's deadline each index year, "MM-DD" (the evidence locker's
# countdown); typically mid-December.
# The webhook channel (Zalo/SMS) waits this long after a first failure, doubling each time.
WEBHOOK_RETRY_SECONDS = int(os.environ.get("WEBHOOK_RETRY_SECONDS", "60"))
SELF_ASSESSMENT_DEADLINE = parse_month_day(os.environ.get("SELF_ASSESSMENT_DEADLINE"), "12-15")
# Office files are ZIP archives: refuse zip bombs by what their directory declares.
EVIDENCE_ARCHIVE_MAX_BYTES = int(os.environ.get("EVIDENCE_ARCHIVE_MAX_MB", "100")) * 1024 * 1024
EVIDENCE_ARCHIVE_MAX_ENTRIES = int(os.environ.get("EVIDENCE_ARCHIVE_MAX_ENTRIES", "2000"))
EVIDENCE_ARCHIVE_MAX_RATIO = int(os.environ.get("EVIDENCE_ARCHIVE_MAX_RATIO", "200"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# A bad import file imports nothing: every import runs in one transaction.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

_email = parse_email_url(os.environ.get("EMAIL_URL", "console://"))
EMAIL_BACKEND = _email.pop("EMAIL_BACKEND")
globals().update(_email)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "PAR Portal <no-reply@par-portal.local>")

# The dashboards' cache (par_portal/cache.py): Redis when CACHE_URL is set, or by default the
# broker's Redis server on the next database; local memory when embedded (one process).
CACHE_URL = os.environ.get("CACHE_URL", "") or redis_neighbour(
    os.environ.get("CELERY_BROKER_URL", "")
)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "par-portal"}
}

# Celery: with CELERY_BROKER_URL set, tasks go to Redis and real worker/beat processes;
# without it they run in-process (the embedded default of `make run`).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_TIME_LIMIT = 300
# Every task is idempotent (reporting/tasks.py): acknowledged after it ran, and requeued if the
# process running it dies, so a torn-down worker loses nothing.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Redis hands a message that a killed worker took but never acknowledged to another worker after
# the visibility timeout. Set above the longest ticker expiry (nightly: 3 h) and the longest
# retry delay (reminders: 1 h): no message is ever delivered twice while it is still valid, and
# an ETA retry is never redelivered early. Work a killed worker abandoned does not wait for it:
# every worker runs a catch-up when it starts (reporting.tasks.catch_up).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 4 * 60 * 60}
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# A request that queues a roll-up must not hang on a broker that is down.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}

# HTTPS deployment (SECURE_COOKIES=true, the default when DEBUG is off): secure cookies, HSTS,
# redirect to HTTPS and trust the proxy's X-Forwarded-Proto. Each can be switched off.
SECURE_COOKIES = not DEBUG and parse_bool(os.environ.get("SECURE_COOKIES"), default=True)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_HSTS_SECONDS = (
    int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    if SECURE_COOKIES and parse_bool(os.environ.get("SECURE_HSTS"), default=True)
    else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = parse_bool(
    os.environ.get("SECURE_HSTS_INCLUDE_SUBDOMAINS"), default=True
)
SECURE_HSTS_PRELOAD = parse_bool(os.environ.get("SECURE_HSTS_PRELOAD"), default=True)
SECURE_SSL_REDIRECT = SECURE_COOKIES and parse_bool(
    os.environ.get("SECURE_SSL_REDIRECT"), default=True
)
# A load balancer checks /healthz over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if SECURE_COOKIES and parse_bool(os.environ.get("SECURE_PROXY_SSL_HEADER"), default=True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"celery.app.trace": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
