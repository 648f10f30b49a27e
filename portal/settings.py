"""Settings for the portal: every value comes from the environment, with defaults that
work on a developer's machine (SQLite, DEBUG on)."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from portal.scaling.storage_url import storage_from_url

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.getenv(name, default)
    if value not in ("True", "False"):
        raise ImproperlyConfigured(f"{name} must be True or False, not {value!r}")
    return value == "True"


def envint(name: str, default: str) -> int:
    try:
        return int(os.getenv(name, default))
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be an integer") from error


DEBUG = envbool("DEBUG", "True")

DEVELOPMENT_SECRET_KEY = "development-only-secret-key-do-not-use-in-production"
SECRET_KEY = os.getenv("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if not DEBUG and (SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "Set SECRET_KEY to a random string of at least 50 characters when DEBUG is False."
    )

ALLOWED_HOSTS = os.getenv("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.getenv("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "axes",
    # The one-page quiz editor (questions with their choices) and revisions of lessons
    # and quizzes.
    "nested_admin",
    "reversion",
    # The task queue's tables (tasks wait in the portal's own database for `db_worker`).
    "django_tasks_db",
    "portal",
    "lessons",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages shrink 3-30x (the 200-learner dashboard: 863 KB to 26 KB). Against BREACH,
    # Django pads each compressed response by a random length and masks the CSRF token
    # per response. Static files come precompressed from whitenoise.
    "django.middleware.gzip.GZipMiddleware",
    "portal.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "portal.middleware.RejectNulBytesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "portal.scaling.replica.PinAfterWriteMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "lessons.kernel.web.HtmxPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

FORM_RENDERER = "portal.form_rendering.PortalFormRenderer"

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def database(url: str) -> dict:
    settings = dj_database_url.parse(
        url, conn_max_age=envint("DB_CONN_MAX_AGE", "0"), conn_health_checks=True
    )
    if settings["ENGINE"] == "django.db.backends.sqlite3":
        # Concurrent writers (two tabs, a double click) wait for each other instead of
        # failing with "database is locked".
        settings["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        return settings
    # A request fails fast instead of hanging while the database is unreachable.
    settings.setdefault("OPTIONS", {})["connect_timeout"] = envint("DB_CONNECT_TIMEOUT", "3")
    # psycopg may prepare statements (Django turns that off for connection poolers): only
    # the written-out statements ask for it (lessons/kernel/statements.py); the ORM's
    # queries, bound on the client, are never prepared. Behind a pooler in transaction mode
    # (PgBouncer 1.18 keeps no prepared statements there) set DB_PREPARED_STATEMENTS=False:
    # server-side cursors, which live across transactions, are then not used either.
    if envbool("DB_PREPARED_STATEMENTS", "True"):
        settings["OPTIONS"]["prepare_threshold"] = 5
    else:
        settings["DISABLE_SERVER_SIDE_CURSORS"] = True
    return settings


DATABASES = {"default": database(os.getenv("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))}
# A streaming replica of the same database, for the instructors' reports; a person's reads
# stay on the primary for REPLICA_PIN_SECONDS after they write (portal/scaling/replica.py).
if os.getenv("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = database(os.environ["DATABASE_REPLICA_URL"])
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["portal.scaling.replica.ReplicaRouter"]
REPLICA_PIN_SECONDS = envint("REPLICA_PIN_SECONDS", "10")
# A replica that cannot be reached, or is more than DATABASE_REPLICA_MAX_LAG seconds behind
# (0: however far), is passed over for the primary; each web process asks it at most every
# REPLICA_CHECK_SECONDS (portal/scaling/replica_health.py).
DATABASE_REPLICA_MAX_LAG = envint("DATABASE_REPLICA_MAX_LAG", "30")
REPLICA_CHECK_SECONDS = envint("REPLICA_CHECK_SECONDS", "5")

# Rendered page fragments that are the same for everyone who sees them (the site header
# and footer per language, a lesson's heading and contents, lists of lesson cards). Each
# is keyed by what it shows (a lesson's last save, the learner's marks), so no entry is
# ever invalidated by hand and several processes can each keep their own: local memory
# by default; REDIS_URL (e.g. redis://127.0.0.1:6379/0) shares one cache between them.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache"
        if os.getenv("REDIS_URL")
        else "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": os.getenv("REDIS_URL", "portal"),
        # A new release may change the fragments' markup or translations: name it here
        # (e.g. the release's commit) so that it does not read the last one's.
        "KEY_PREFIX": os.getenv("CACHE_KEY_PREFIX", ""),
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Repeated failed logins lock one username from one address for a while, so nobody can
# lock another person's account by guessing at it; an address that fails far more often,
# whatever the usernames, is locked as a whole (portal/accounts/lockout.py). Attempts
# live in the database, so every app process enforces the same lock.
# Password-reset mails per e-mail address and per client address in a window
# (portal/accounts/reset_limits.py).
PASSWORD_RESET_EMAIL_LIMIT = envint("PASSWORD_RESET_EMAIL_LIMIT", "3")
PASSWORD_RESET_IP_LIMIT = envint("PASSWORD_RESET_IP_LIMIT", "10")
PASSWORD_RESET_WINDOW_MINUTES = envint("PASSWORD_RESET_WINDOW_MINUTES", "60")
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", "5")
LOGIN_ADDRESS_FAILURE_LIMIT = envint("LOGIN_ADDRESS_FAILURE_LIMIT", "50")
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "portal.accounts.lockout.PairAndAddressHandler"
# The client's address: REMOTE_ADDR, unless TRUSTED_PROXY_COUNT load balancers or proxies
# stand in front of the portal, each appending the address it was reached from to
# X-Forwarded-For. Then the address is the one the outermost trusted proxy appended;
# anything a client wrote further left is ignored (django-ipware, through axes).
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", "0")
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")
AXES_IPWARE_PROXY_ORDER = "left-most"
AXES_IPWARE_PROXY_COUNT = max(TRUSTED_PROXY_COUNT - 1, 0)
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if TRUSTED_PROXY_COUNT else ("REMOTE_ADDR",)
)
# A longer chain than expected means a client prepended addresses of its own: read the
# chain from the trusted end instead of falling back to the proxy's shared address.
IPWARE_STRICT = False
AXES_LOCKOUT_CALLABLE = "portal.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "lessons:home"
LOGOUT_REDIRECT_URL = "lessons:home"

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.getenv("TIME_ZONE", "Asia/Seoul")
# One date and time format per purpose; Korean puts 오전/오후 before the time.
FORMAT_MODULE_PATH = ["portal.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Uploaded files (images in lessons, lessons/content/images.py): on the local disk under
# MEDIA_ROOT by default (back it up like the database); in a bucket of any S3-compatible
# server when MEDIA_STORAGE_URL is set (s3://BUCKET?endpoint=...&region=...; credentials
# from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), which every web node shares
# (portal/scaling/media.py).
MEDIA_URL = os.getenv("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", BASE_DIR / "media"))
LESSON_IMAGE_MAX_BYTES = envint("LESSON_IMAGE_MAX_BYTES", str(5 * 1024 * 1024))
# Pixels of all frames together, and frames of an animation.
LESSON_IMAGE_MAX_PIXELS = envint("LESSON_IMAGE_MAX_PIXELS", "40000000")
LESSON_IMAGE_MAX_FRAMES = envint("LESSON_IMAGE_MAX_FRAMES", "200")
MEDIA_STORAGE_URL = os.getenv("MEDIA_STORAGE_URL", "")
STORAGES = {
    "default": storage_from_url(MEDIA_STORAGE_URL)
    if MEDIA_STORAGE_URL
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "portal.static_storage.StaticStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Mail (reminders, digests, nudges, password resets) prints to the console in
# development and goes through SMTP in production.
EMAIL_BACKEND_NAME = os.getenv(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_NAME}}
if EMAIL_BACKEND_NAME.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": os.getenv("EMAIL_HOST", "localhost"),
        "port": envint("EMAIL_PORT", "587"),
        "username": os.getenv("EMAIL_HOST_USER", ""),
        "password": os.getenv("EMAIL_HOST_PASSWORD", ""),
        "use_tls": envbool("EMAIL_USE_TLS", "True"),
        "timeout": envint("EMAIL_TIMEOUT", "30"),
    }
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "portal@localhost")

# Background work (mail) runs on Django's tasks framework. By default tasks wait in the
# portal's own database for `manage.py db_worker` (django-tasks-db); TASKS_BACKEND names
# another backend, e.g. django.tasks.backends.immediate.ImmediateBackend to run each task
# inside the process that enqueues it (the unit tests do so).
TASKS = {
    "default": {
        "BACKEND": os.getenv("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# portal/notifications/queue.py: a mail whose sending failed is tried again this many
# times in all, with growing pauses, then kept as failed for staff to see in the admin;
# a task that stays "running" this long after its worker took it is given to another
# worker (its worker died), at most TASK_MAX_CLAIMS times.
MAIL_MAX_ATTEMPTS = envint("MAIL_MAX_ATTEMPTS", "5")
TASK_STALE_MINUTES = envint("TASK_STALE_MINUTES", "15")
TASK_MAX_CLAIMS = envint("TASK_MAX_CLAIMS", "3")
# The portal's public address: every link in a mail (the next lesson, unsubscribe, the
# preferences page) starts with it. https in production (mail providers require an
# https one-click unsubscribe address).
PORTAL_BASE_URL = os.getenv("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Request size limits: a lesson body is at most LESSON_BODY_MAX_CHARS; a form post
# beyond DATA_UPLOAD_MAX_MEMORY_SIZE is refused with 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", str(2 * 1024 * 1024))
LESSON_BODY_MAX_CHARS = 200_000

# Security headers. Scripts only from our own origin or with the per-request nonce;
# htmx runs without eval and without inline indicator styles.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "https:", "data:"],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", str(not DEBUG))
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", str(not DEBUG))
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", str(not DEBUG))
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
# Both bind every subdomain (and, once preloaded, browsers' shipped lists) to HTTPS for a
# long time: only the owner of the whole domain can decide that, so both are opt-in.
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "False")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "False")
# The deploy check would warn about leaving them off; that is the decision above.
SILENCED_SYSTEM_CHECKS = [
    check
    for check, chosen in (
        ("security.W005", SECURE_HSTS_INCLUDE_SUBDOMAINS),
        ("security.W021", SECURE_HSTS_PRELOAD),
    )
    if not chosen
]
if envbool("BEHIND_TLS_PROXY", "False"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Floor views that `make bench` measures the pages against (portal/floors.py).
BENCH_FLOORS = envbool("BENCH_FLOORS", "False")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "WARNING")},
}

# Blog feeds (lessons/authoring/feeds/): a feed document is read whole, so its size is capped, and
# so is the text of any one element. Fetching a feed's address refuses private, loopback
# and link-local targets unless FEED_ALLOW_PRIVATE_ADDRESSES is True (tests, intranets).
FEED_MAX_BYTES = envint("FEED_MAX_BYTES", str(32 * 1024 * 1024))
FEED_MAX_ELEMENT_CHARS = envint("FEED_MAX_ELEMENT_CHARS", "1000000")
FEED_ALLOW_PRIVATE_ADDRESSES = envbool("FEED_ALLOW_PRIVATE_ADDRESSES", "False")
FEED_FETCH_TIMEOUT = envint("FEED_FETCH_TIMEOUT", "10")
# The whole exchange, look-up to last byte; below gunicorn's 30 s worker timeout.
FEED_FETCH_DEADLINE = envint("FEED_FETCH_DEADLINE", "20")
FEED_FETCH_MAX_REDIRECTS = envint("FEED_FETCH_MAX_REDIRECTS", "5")

# A study group's questions and answers: how many posts one member may make in a window.
DISCUSSION_POSTS_PER_WINDOW = envint("DISCUSSION_POSTS_PER_WINDOW", "10")
DISCUSSION_RATE_WINDOW_SECONDS = envint("DISCUSSION_RATE_WINDOW_SECONDS", "600")
