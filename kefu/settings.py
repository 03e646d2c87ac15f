"""Kefu settings: one module, driven by environment variables (see README, "Configuration")."""

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("KEFU_VAR_DIR", BASE_DIR.parent / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def _postgres_connections() -> dict:
    """Under `kefu serve` the streams' reads run in short-lived threads (Django's ASGI handler), so
    per-thread persistent connections would pile up: the server sets KEFU_DB_POOL and each process keeps a
    pool instead (Django 5.1+), which its request threads (kefu/core/asgi_threads.py) share too."""
    if env_bool("KEFU_DB_POOL"):
        # A burst waits for a free connection (up to 30 s) rather than failing with a 500 after a few seconds.
        return {"CONN_MAX_AGE": 0, "OPTIONS": {"pool": {"min_size": 1, "max_size": env_int("KEFU_DB_POOL_SIZE", 8),
                                                         "timeout": env_int("KEFU_DB_POOL_TIMEOUT", 30)}}}
    return {"CONN_MAX_AGE": 60}


def database_from_url(url: str) -> dict:
    """SQLite when no URL is given; PostgreSQL for postgres:// URLs."""
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "kefu.sqlite3",
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    parsed = urlparse(url)
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")) or "kefu",
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            **_postgres_connections(),
        }
    if parsed.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": unquote(parsed.path) or ":memory:"}
    raise ImproperlyConfigured(f"DATABASE_URL scheme {parsed.scheme!r} is not supported (use postgres:// or sqlite://)")


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    # A per-installation key kept outside the repository, created on first start.
    key_file = VAR_DIR / "secret_key"
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    if not key_file.exists():
        from secrets import token_urlsafe

        key_file.write_text(token_urlsafe(50))
    SECRET_KEY = key_file.read_text().strip()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "ninja",  # serves Swagger UI from its own static files instead of a CDN
    "kefu.core",
    "kefu.notifications",
    "kefu.jobs",
    "kefu.search",
    "kefu.org",
    "kefu.accounts",
    "kefu.customers",
    "kefu.tickets",
    "kefu.phrases",
    "kefu.sla",
    "kefu.complaints",
    "kefu.qa",
    "kefu.channels.email",
    "kefu.channels.webchat",
    "kefu.live",
    "kefu.security",
    "kefu.surveys",
    "kefu.ratings",
    "kefu.reports",
    "kefu.callbacks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kefu.security.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kefu.core.middleware.DefaultLanguageMiddleware",
    "kefu.security.inputs.InputGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kefu.security.audit.RequestContextMiddleware",
    "kefu.security.middleware.TwoFactorSetupMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kefu.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "kefu.urls"
WSGI_APPLICATION = "kefu.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "tickets:inbox"
LOGOUT_REDIRECT_URL = "login"

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
                "kefu.core.context_processors.workspace",
                "kefu.live.context.live",
            ],
        },
    }
]

DATABASES = {"default": database_from_url(env_str("DATABASE_URL"))}
# Covering indexes (INCLUDE) are a PostgreSQL speed-up; SQLite builds the same index without the
# extra columns, which is correct, so its warning would only alarm a new user at start-up.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # One connection pool per process, not one per request (kefu/core/redis_pool.py says why).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "OPTIONS": {"pool_class": "kefu.core.redis_pool.SharedConnectionPool"}}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Huey: SQLite storage next to the database by default, Redis when REDIS_URL is set (workers on
# several machines share it). Tests set HUEY_IMMEDIATE so tasks run inline.
HUEY_NAME = env_str("HUEY_NAME", "kefu")
HUEY_IMMEDIATE = env_bool("HUEY_IMMEDIATE", False)
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": HUEY_NAME,
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": HUEY_NAME,
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns at start-up when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve straight from the app folders even before collectstatic
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"

# Attachments on work-order messages.
KEFU_ATTACHMENT_MAX_BYTES = env_int("KEFU_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
KEFU_QA_IMPORT_MAX_BYTES = env_int("KEFU_QA_IMPORT_MAX_BYTES", 500 * 1024 * 1024)
KEFU_ATTACHMENT_MAX_FILES = env_int("KEFU_ATTACHMENT_MAX_FILES", 10)  # per message
KEFU_ATTACHMENT_MESSAGE_MAX_BYTES = env_int("KEFU_ATTACHMENT_MESSAGE_MAX_BYTES", 25 * 1024 * 1024)
KEFU_ATTACHMENT_TICKET_MAX_BYTES = env_int("KEFU_ATTACHMENT_TICKET_MAX_BYTES", 100 * 1024 * 1024)
# Checked against the type read from each file's first bytes, not the type the browser declared.
KEFU_ATTACHMENT_TYPES = env_list(
    "KEFU_ATTACHMENT_TYPES",
    "image/png,image/jpeg,image/gif,application/pdf,text/plain,audio/mpeg,audio/wav,"
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/zip",
)
# Who sees a customer: "department" (staff see their own department's customers) or "shared" (one
# directory for every service-desk role). Handlers always see only customers of orders dispatched to them.
KEFU_CUSTOMER_DIRECTORY = env_str("KEFU_CUSTOMER_DIRECTORY", "department")
# Lists on work orders and customers.
KEFU_MAX_TAGS = env_int("KEFU_MAX_TAGS", 20)
KEFU_MAX_TAG_LENGTH = env_int("KEFU_MAX_TAG_LENGTH", 30)
# Login throttling: after KEFU_LOGIN_MAX_ATTEMPTS failures of one account from one address, each next
# attempt waits 2, 4, 8 ... seconds, up to KEFU_LOGIN_MAX_DELAY (an address spraying many accounts, and
# one account tried from many addresses, get the same after four times as many; see security/throttle.py).
KEFU_LOGIN_MAX_ATTEMPTS = env_int("KEFU_LOGIN_MAX_ATTEMPTS", 5)
KEFU_LOGIN_MAX_DELAY = env_int("KEFU_LOGIN_MAX_DELAY", 900)
# Where throttle counters live, shared by every web process: "cache" (only when it is Redis) or
# "database" (the security_counter table; the default without REDIS_URL, since LocMem is per process).
KEFU_THROTTLE_STORE = env_str("KEFU_THROTTLE_STORE", "cache" if REDIS_URL else "database")
# Two-factor login (TOTP) is required for these roles (comma separated; empty = optional for everyone).
KEFU_2FA_REQUIRED_ROLES = env_list("KEFU_2FA_REQUIRED_ROLES", "admin")
KEFU_2FA_ISSUER = env_str("KEFU_2FA_ISSUER", "Kefu")
# API tokens expire after this many days by default (0 = never); requests per minute per token or user.
KEFU_TOKEN_DAYS = env_int("KEFU_TOKEN_DAYS", 90)
KEFU_API_RATE_LIMIT = env_int("KEFU_API_RATE_LIMIT", 600)
KEFU_SITE_URL = env_str("KEFU_SITE_URL", "http://127.0.0.1:8000")
# Shown to customers on pages they open without logging in (survey and receipt links).
KEFU_COMPANY_NAME = env_str("KEFU_COMPANY_NAME", "客服中心")
KEFU_HOTLINE = env_str("KEFU_HOTLINE", "")

# The e-mail channel: outbound SMTP (smtp:// or smtps://user:pass@host:port, "?starttls" for STARTTLS),
# the From address, the biggest raw mail the webhook takes, and the per-sender loop breaker.
KEFU_SMTP_URL = env_str("KEFU_SMTP_URL")
KEFU_MAIL_FROM = env_str("KEFU_MAIL_FROM", "kefu@localhost")
KEFU_SMTP_TIMEOUT = env_int("KEFU_SMTP_TIMEOUT", 30)
KEFU_MAIL_MAX_BYTES = env_int("KEFU_MAIL_MAX_BYTES", 25 * 1024 * 1024)
KEFU_MAIL_SENDER_LIMIT = env_int("KEFU_MAIL_SENDER_LIMIT", 20)
KEFU_MAIL_SENDER_WINDOW_SECONDS = env_int("KEFU_MAIL_SENDER_WINDOW_SECONDS", 3600)

# Web chat: visitors may start this many sessions per address in the window (a public endpoint).
KEFU_CHAT_START_LIMIT = env_int("KEFU_CHAT_START_LIMIT", 10)
KEFU_CHAT_START_WINDOW_SECONDS = env_int("KEFU_CHAT_START_WINDOW_SECONDS", 600)

# The live workspace (server-sent events; kefu/live/broadcast.py says how processes hear each other).
LIVE_POLL_SECONDS = float(env_str("KEFU_LIVE_POLL_SECONDS", "0.2"))  # without Redis
LIVE_SAFETY_POLL_SECONDS = 2.0  # with Redis, in case a ring is lost
LIVE_HEARTBEAT_SECONDS = 15
LIVE_STREAM_SECONDS = env_int("KEFU_LIVE_STREAM_SECONDS", 300)  # then the browser reconnects (Last-Event-ID)
LIVE_WSGI_RETRY_MS = env_int("KEFU_LIVE_WSGI_RETRY_MS", 1500)  # under WSGI: reconnect (poll) interval
# Satisfaction surveys: link lifetime, reminder delay, quiet period per customer, what counts as low.
KEFU_SURVEY_LINK_DAYS = env_int("KEFU_SURVEY_LINK_DAYS", 7)
KEFU_SURVEY_REMINDER_DAYS = env_int("KEFU_SURVEY_REMINDER_DAYS", 3)
KEFU_SURVEY_QUIET_DAYS = env_int("KEFU_SURVEY_QUIET_DAYS", 30)
KEFU_SURVEY_LOW_SCORE = env_int("KEFU_SURVEY_LOW_SCORE", 2)  # stars at or below; NPS at or below twice this
KEFU_SURVEY_INTERNAL_TAGS = env_list("KEFU_SURVEY_INTERNAL_TAGS", "内部,internal")
KEFU_SURVEY_SENDERS = env_list("KEFU_SURVEY_SENDERS")  # dotted paths of SMS / WeChat sender classes
KEFU_CALLBACK_MAX_TARGETS = env_int("KEFU_CALLBACK_MAX_TARGETS", 5000)  # targets of one callback campaign

# Agent star ratings: an open period's snapshot is recomputed when older than this; QA finding
# categories that stand for politeness and for product knowledge (only those the QA engine knows count).
KEFU_RATING_REFRESH_MINUTES = env_int("KEFU_RATING_REFRESH_MINUTES", 60)
KEFU_RATING_QA_CATEGORIES = {
    "politeness": env_list("KEFU_RATING_QA_POLITENESS",
                           "forbidden_phrase,insult,impolite_address,missing_greeting,missing_closing,missing_apology"),
    "knowledge": env_list("KEFU_RATING_QA_KNOWLEDGE", "knowledge,wrong_answer"),
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "kefu@localhost")

# Headers (kefu/security/headers.py adds the CSP; cookies get Secure on every HTTPS request by themselves).
# Behind nginx, BEHIND_PROXY (below) makes HTTPS requests known as such, and so HSTS and Secure cookies apply.
SECURE_HSTS_SECONDS = env_int("KEFU_HSTS_SECONDS", 365 * 24 * 3600)  # sent only over HTTPS
SECURE_REFERRER_POLICY = "same-origin"
KEFU_CSP = env_str("KEFU_CSP", "")  # replaces the built-in policy when set
KEFU_PUBLIC_API_DOCS = env_bool("KEFU_PUBLIC_API_DOCS", False)  # docs and schema without signing in
SESSION_COOKIE_HTTPONLY = True
# A session lasts one working day (8 hours and the lunch break) by default, not Django's two weeks.
SESSION_COOKIE_AGE = env_int("KEFU_SESSION_HOURS", 9) * 3600
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
if env_bool("BEHIND_PROXY"):  # nginx (deploy/nginx/kefu.conf) terminates TLS and says so in this header
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # run_huey installs its own handler on the "huey" logger; do not print each line twice.
    "loggers": {"huey": {"level": "INFO", "propagate": False}, "jieba": {"level": "WARNING"}},
}
