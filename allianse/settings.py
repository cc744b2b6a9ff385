"""Settings, all from environment variables with safe local defaults (see .env.example)."""

from __future__ import annotations

import os
import re
import warnings
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("ALLIANSE_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    try:
        return default if value is None else int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from error


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-local-development-key-only"  # noqa: S105 (DEBUG only)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allianse.accounts.apps.StaffAdminConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "allianse.instruments",
    "allianse.accounts",
    "allianse.delivery",
    "allianse.clinic",
    "allianse.feedback",
    "allianse.ruptures",
    "allianse.caseload",
    "allianse.groups",
    "allianse.rating",
    "allianse.courses",
    "allianse.fhir",
    "allianse.research",
    "allianse.home",
    "allianse.api",
    "allianse.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "allianse.accounts.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "allianse.accounts.request_charset.RequestCharsetMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allianse.accounts.middleware.SessionLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "allianse.urls"
WSGI_APPLICATION = "allianse.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'allianse.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; the busy timeout makes concurrent writers
    # wait instead of failing; IMMEDIATE takes the write lock at the start of a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 600
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound by the server, and a query prepared once a connection has run it twice: the
    # server then parses and plans the same few queries of every check once per connection, not
    # once per request (a patient's check cost PostgreSQL about 1.6 ms of CPU instead of 2.6). A pooler
    # in front of the server must keep prepared statements (PgBouncer 1.21 and later does, with
    # max_prepared_statements set).
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": True,
        "prepare_threshold": 2,
        **DATABASES["default"].get("OPTIONS", {}),
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Sign-in attempts (django-axes): after SIGN_IN_FAILURE_LIMIT wrong passwords for one account, or
# from one address, within SIGN_IN_LOCKOUT_MINUTES, further tries are refused for that long, even
# with the right password; a successful sign-in before the limit starts the count again.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("SIGN_IN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SIGN_IN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "allianse.accounts.client_address.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "allianse.accounts.views.locked_out"
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # the audit log records sign-ins
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian (bokmål)")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Oslo")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Until `allianse collectstatic` fills STATIC_ROOT (a deployment step) the finders serve the files,
# so WhiteNoise's warning about the missing directory says nothing worth reading.
warnings.filterwarnings("ignore", message=re.escape(f"No directory at: {STATIC_ROOT}"))

# Security: sessions end after 30 minutes without activity and 12 hours after the sign-in;
# cookies are HTTP-only and, off DEBUG, secure; strict headers on every response (see
# accounts.middleware).
SESSION_COOKIE_AGE = env_int("SESSION_TIMEOUT_SECONDS", 30 * 60)
# However active, a signed-in session ends this long after the sign-in (accounts.middleware).
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# Behind a reverse proxy: HTTPS as the proxy says, and the client's address taken from
# X-Forwarded-For, but only for requests that come from TRUSTED_PROXIES (accounts.client_address,
# used by the audit log and the rate limits).
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
RATELIMIT_IP_META_KEY = "allianse.accounts.client_address.client_address"

CHECK_LINK_HOURS = env_int("CHECK_LINK_HOURS", 72)
# How long the audit log keeps an event, in days: the weekly prune_audit_log deletes older ones.
# 0 (the default) keeps every event.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 0)
OTP_TOTP_ISSUER = "Allianse"
# Recordings of sessions (rating app): the largest upload accepted, and whether the clinic also
# requires the therapist's superior's written consent before a recording may be used, until an
# administrator chooses under Clinic settings (docs/methods.md#recording-consent).
RECORDING_MAX_BYTES = env_int("RECORDING_MAX_BYTES", 2 * 1024**3)
RECORDING_REQUIRES_SUPERIOR_CONSENT = env_bool("RECORDING_REQUIRES_SUPERIOR_CONSENT", False)

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "allianse@localhost")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
# Links and reminders by SMS (allianse.delivery.sms): printed with DEBUG on, else posted to the
# HTTP gateway. Contact details kept for sending are encrypted with CONTACT_ENCRYPTION_KEY (a Fernet
# key; derived from SECRET_KEY when empty, see allianse.delivery.contacts).
SMS_BACKEND = os.environ.get(
    "SMS_BACKEND", "allianse.delivery.sms.ConsoleBackend" if DEBUG else "allianse.delivery.sms.GatewayBackend"
)
SMS_FILE_DIR = Path(os.environ.get("SMS_FILE_DIR", VAR_DIR / "sms"))
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
SMS_GATEWAY_TIMEOUT = env_int("SMS_GATEWAY_TIMEOUT", 10)
SMS_SENDER = os.environ.get("SMS_SENDER", "Allianse")
SMS_DEFAULT_COUNTRY_CODE = os.environ.get("SMS_DEFAULT_COUNTRY_CODE", "47")
CONTACT_ENCRYPTION_KEY = os.environ.get("CONTACT_ENCRYPTION_KEY", "")

# Background work (allianse.background): by default tasks are rows of this database, run by
# `allianse db_worker`. With TASKS_BACKEND=rq (the `scale` extra) they go to RQ on the Redis server
# at REDIS_URL instead, run by `allianse rqworker --with-scheduler` on any number of machines.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database")
if TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    RQ_QUEUES = {"default": {"URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")}}
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}  # the task framework's jobs, for workers too
else:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be database or rq, not {TASKS_BACKEND!r}")

REST_FRAMEWORK = {
    # Access tokens first: a call without credentials answers 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "allianse.accounts.api_auth.AccessTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["allianse.api.permissions.VerifiedStaff", "allianse.accounts.api_auth.TokenScope"],
    "DEFAULT_PAGINATION_CLASS": "allianse.api.pagination.Pages",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["allianse.api.filters.DeclaredFilters"],
    "DEFAULT_PARSER_CLASSES": ["allianse.api.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
}
# Choice sets that share a field name get their own component names.
SPECTACULAR_SETTINGS = {
    "TITLE": "Allianse API",
    "VERSION": "1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "allianse.api.schema.document_refusals",
    ],
    "ENUM_NAME_OVERRIDES": {
        "GroupKindEnum": "allianse.groups.models.TherapyGroup.Kind",
        "AttendanceStatusEnum": "allianse.groups.models.Attendance.Status",
        "AssignmentKindEnum": "allianse.rating.models.Assignment.Kind",
        "EndReasonEnum": "allianse.clinic.models.EndReason",
        "PurposeEnum": "allianse.rating.models.Purpose",
    },
}

# Link tokens in the paths Django logs (the development server's requests, "Not Found: /c/...")
# are replaced by a short id (allianse.log_masking); gunicorn's access log does the same.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"masked_tokens": {"()": "allianse.log_masking.MaskedTokens"}},
    "formatters": {
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "loggers": {
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["masked_tokens"],
        },
        "django.request": {"filters": ["masked_tokens"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
