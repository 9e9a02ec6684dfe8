"""Settings shared by every environment.

The environment is read here and nowhere else: dev, test and production only adjust what this
module derives from it.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Environment -----------------------------------------------------------------------------
SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "SSC Portal <noreply@localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))

# --- Applications ----------------------------------------------------------------------------
INSTALLED_APPS = [
    "sscportal.apps.PortalAdminConfig",  # django.contrib.admin, with the portal's home page
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    "django_tasks",
    "core.apps.BackgroundTasksConfig",  # django_tasks_db
    "reversion",
    "import_export",
    "rest_framework",
    "corsheaders",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # the API docs' scripts and styles, served by the portal itself
    "core",
    "core.apps.SignInAttemptsConfig",
    "publishing",
    "taxonomy",
    "initiatives",
    "events",
    "publications",
    "api",
    "sscportal",
]

MIDDLEWARE = [
    "core.request_id.RequestIdMiddleware",  # first: every line logged below carries the id
    # Next, so that static files and the redirect to HTTPS carry these headers too.
    "core.middleware.SecurityHeadersMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Open data (the API, downloads, the IATI file) may be read from any origin (CORS_URLS_REGEX).
    "corsheaders.middleware.CorsMiddleware",
    # Pages compressed for slow connections (static files come compressed from WhiteNoise, which
    # answers before this). Django pads the gzip output against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    # Pages for visitors without a session, answered from the cache before the layers below.
    "core.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns a sign-in refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
    # Last, where the answer is still the view's own: judges whether the page may be cached.
    "core.page_cache.PageCacheEntryMiddleware",
]

ROOT_URLCONF = "sscportal.urls"
WSGI_APPLICATION = "sscportal.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------------------------
# SQLite under var/ unless DATABASE_URL names another database (PostgreSQL in production and CI).
if not DATABASE_URL:
    # A fresh clone has no var/ yet, and SQLite does not create directories: every command that
    # opens the database (migrate, check, makemigrations, shell, ...) needs it there first.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL or f"sqlite:///{VAR_DIR / 'sscportal.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Take the write lock at the start of a write transaction, so two writers queue instead of
    # failing half-way with "database is locked"; WAL lets readers go on meanwhile.
    # A connection is kept between requests (DB_CONN_MAX_AGE, as for PostgreSQL): opening one,
    # with these pragmas and the functions Django registers, took 4 ms of every request that
    # reads the database.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Page queries are short: compiling them to machine code (JIT) costs more than it saves.
    # A search that finds nothing corrects its words (publishing/search.py) with pg_trgm's
    # operators, whose thresholds are settings: to a title's word within 0.5 word similarity
    # ("ebolla" of "Ebola" 0.63, "cooperacion" of "cooperation" 0.6), a name's word within 0.3
    # strict word similarity ("Kenia" of "Kenya" 0.33, not "Armenia" 0.27). Set here, they cost
    # no query; without them (a pooler dropping startup options) pg_trgm's defaults (0.6, 0.5)
    # still find the first two.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c jit=off -c pg_trgm.word_similarity_threshold=0.5"
        " -c pg_trgm.strict_word_similarity_threshold=0.3"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache -----------------------------------------------------------------------------------
# Redis through core.cache.FailsafeRedisCache: while Redis is down, pages answer without it.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.FailsafeRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "sscportal"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication --------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# --- Languages -------------------------------------------------------------------------------
# The six official languages of the United Nations. English URLs carry no prefix; the others
# live under /ar/, /es/, /fr/, /ru/, /zh-hans/.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("ar", _("Arabic")),
    ("zh-hans", _("Chinese")),
    ("en", _("English")),
    ("fr", _("French")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static and media files ------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
# Uploads go to MEDIA_ROOT, a local folder (a volume in production, served by the proxy at
# MEDIA_URL), unless MEDIA_S3_BUCKET names a bucket of S3-compatible storage (AWS, MinIO, Ceph):
# then through django-storages, with the credentials boto3 reads from AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY, and MEDIA_S3_ENDPOINT_URL for a provider other than AWS.
MEDIA_S3_BUCKET = os.environ.get("MEDIA_S3_BUCKET", "")
if MEDIA_S3_BUCKET:
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": os.environ.get("MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("MEDIA_S3_REGION") or None,
            "custom_domain": os.environ.get("MEDIA_S3_CUSTOM_DOMAIN") or None,
            # Public files under stable addresses; an upload never replaces another's file.
            "querystring_auth": False,
            "default_acl": None,
            "file_overwrite": False,
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": MEDIA_STORAGE,
    # Compressed, content-hashed names served by WhiteNoise with far-future caching. The dev
    # settings switch to the plain storage while DEBUG is on.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- E-mail ----------------------------------------------------------------------------------
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Security headers that hold in every environment -----------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Logging ---------------------------------------------------------------------------------
# One stream, stdout, every line with the request's id ("-" outside a request). Django's own
# loggers write through it too, instead of through Django's default handlers.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.request_id.RequestIdFilter"}},
    "formatters": {
        "portal": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_id"],
            "formatter": "portal",
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint (the PDF brief) reports every step of a render at INFO; its warnings and
        # errors still show.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Portal ----------------------------------------------------------------------------------
PORTAL_NAME = "SSC Portal"
# The apps whose models are reference data (countries, regions, goals, themes, organisations,
# sources): lists of them stay loaded until one of them changes (core/choice_cache.py).
PORTAL_REFERENCE_APPS = ["taxonomy"]
# The publisher of the case studies' IATI activity file (initiatives/iati.py): its IATI
# organisation identifier, which also begins every activity's identifier, its name and its IATI
# organisation type (code list OrganisationType: 10 government, 40 multilateral, 90 other, ...).
# The portal has no identifier registered with IATI: the default is a prefix of its own, which no
# registration agency issued. Set the registered one before the file is first given to IATI, as
# an activity's identifier must not change once reported.
PORTAL_IATI_REPORTING_ORG = os.environ.get("PORTAL_IATI_REPORTING_ORG", "SSCPORTAL")
PORTAL_IATI_REPORTING_ORG_NAME = os.environ.get("PORTAL_IATI_REPORTING_ORG_NAME", PORTAL_NAME)
PORTAL_IATI_REPORTING_ORG_TYPE = os.environ.get("PORTAL_IATI_REPORTING_ORG_TYPE", "90")
# Largest image an editor may upload, in bytes and in pixels (width x height).
PORTAL_IMAGE_MAX_BYTES = 5 * 1024 * 1024
PORTAL_IMAGE_MAX_PIXELS = 40_000_000
# Largest PDF an editor may attach to a publication, in bytes.
PORTAL_DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
# Largest spreadsheet staff may import in the admin, in bytes (5,000 case studies take ~3 MB).
PORTAL_IMPORT_MAX_BYTES = 10 * 1024 * 1024
# Most rows one import may have (scripts/measure_import.py: some 20 ms a case study to check,
# as much again to write).
PORTAL_IMPORT_MAX_ROWS = int(os.environ.get("PORTAL_IMPORT_MAX_ROWS", "10000"))
# A file with more rows than this is checked and imported by the task worker, and its uploader
# follows the work on a page with a progress bar (publishing/spreadsheet_jobs.py); a shorter
# one is checked and imported while the page loads.
PORTAL_IMPORT_BACKGROUND_ROWS = int(os.environ.get("PORTAL_IMPORT_BACKGROUND_ROWS", "200"))
# django-import-export: imports in a transaction (all or nothing, publishing/spreadsheets.py).
IMPORT_EXPORT_USE_TRANSACTIONS = True
# The file between an import's preview and its confirmation is kept in the media storage, which
# every app server shares (a local volume or S3): the confirmation may reach another server.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"
# How long the link that confirms a registration stays valid, in seconds (3 days). The link to
# manage or cancel a registration does not expire.
EVENTS_CONFIRM_LINK_MAX_AGE = int(os.environ.get("EVENTS_CONFIRM_LINK_MAX_AGE", 3 * 24 * 3600))
# The portal's public address, for links in e-mails and calendar files (no request there).
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Background tasks ------------------------------------------------------------------------
# Where registration e-mails are sent from. "database": queued in the database and sent by
# `manage.py db_worker` (production; `make run` starts one); "immediate": sent in the request once
# its transaction has committed, with no worker and no retries.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database").strip().lower()
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in TASK_BACKENDS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"TASKS_BACKEND is {TASKS_BACKEND!r}: set it to one of {', '.join(TASK_BACKENDS)}."
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND]}}
# Seconds an SMTP connection may wait for the mail server before the attempt fails.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
# A registration e-mail that fails is tried again after EVENTS_EMAIL_RETRY_DELAY seconds, then after
# twice as long each time, waiting at most EVENTS_EMAIL_RETRY_MAX_DELAY seconds between attempts.
EVENTS_EMAIL_RETRY_DELAY = int(os.environ.get("EVENTS_EMAIL_RETRY_DELAY", "60"))
EVENTS_EMAIL_RETRY_MAX_DELAY = int(os.environ.get("EVENTS_EMAIL_RETRY_MAX_DELAY", "3600"))
# Attempts in all (1, 2, 4 ... 32, 60, 60, 60 minutes apart: about 4 hours); after the last one
# the failure is logged and stays on the registration for staff to resend.
EVENTS_EMAIL_MAX_ATTEMPTS = int(os.environ.get("EVENTS_EMAIL_MAX_ATTEMPTS", "10"))

# --- Client address and abuse limits ---------------------------------------------------------
# How many proxies the portal's own infrastructure puts in front of it (load balancer, TLS
# proxy), each adding the address it received from to X-Forwarded-For. 0: the header is ignored.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# Registrations one client address, and one e-mail domain, may submit per window (seconds).
REGISTRATION_LIMIT_PER_CLIENT = int(os.environ.get("REGISTRATION_LIMIT_PER_CLIENT", "10"))
REGISTRATION_LIMIT_PER_DOMAIN = int(os.environ.get("REGISTRATION_LIMIT_PER_DOMAIN", "30"))
REGISTRATION_LIMIT_WINDOW = int(os.environ.get("REGISTRATION_LIMIT_WINDOW", "600"))
# Downloads of a list as a file (publishing/downloads.py) one anonymous client address may ask
# for per window (seconds): each reads every record of the list, where a page reads 20.
DOWNLOAD_LIMIT_PER_CLIENT = int(os.environ.get("DOWNLOAD_LIMIT_PER_CLIENT", "10"))
DOWNLOAD_LIMIT_WINDOW = int(os.environ.get("DOWNLOAD_LIMIT_WINDOW", "600"))

# Failed sign-ins (django-axes, core/sign_in.py): one account from one client is locked after
# AXES_FAILURE_LIMIT failures, a client trying many accounts after SIGN_IN_FAILURE_LIMIT_PER_CLIENT,
# each for AXES_COOLOFF_TIME after the last failure.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "core.sign_in.SignInAttemptHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = 5
SIGN_IN_FAILURE_LIMIT_PER_CLIENT = 20
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.client.client_ip_for_limits"
AXES_LOCKOUT_CALLABLE = "core.sign_in.lockout_response"
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# No banner in the log at every start of a process.
AXES_VERBOSE = False

# --- Faults ----------------------------------------------------------------------------------
# Seconds a visitor is asked to wait (Retry-After of the 503 page) while the database is away.
PORTAL_UNAVAILABLE_RETRY_AFTER = int(os.environ.get("PORTAL_UNAVAILABLE_RETRY_AFTER", "30"))
# Seconds PostgreSQL has to accept a connection before the page answers 503 instead of waiting.
DB_CONNECT_TIMEOUT = int(os.environ.get("DB_CONNECT_TIMEOUT", "5"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", DB_CONNECT_TIMEOUT)

# --- Personal data ---------------------------------------------------------------------------
# Days after an event ends that its registrants' personal data is kept before
# `manage.py erase_expired_registrations` (run daily) erases it.
REGISTRATION_RETENTION_DAYS = int(os.environ.get("REGISTRATION_RETENTION_DAYS", "180"))
# Where people write about their data, as the privacy notice says.
PRIVACY_CONTACT_EMAIL = os.environ.get("PRIVACY_CONTACT_EMAIL", "privacy@localhost")

# --- Content Security Policy and cross-origin headers ----------------------------------------
# django-csp's policy for every response outside the admin (core.middleware): the pages load
# only the stylesheet, their one script (with its integrity hash), the favicon and images from
# the portal itself; no inline code, no eval.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        # Requests to the portal itself only: what a page's tools (a browser's or an auditor's
        # reading of robots.txt, the admin's autocomplete) fetch from the same address.
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
}
# The Django admin's policy: its own scripts, styles and images, and the autocomplete requests.
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": ["'self'"],
    }
}
# Other sites may link to the portal's pages, files and images but not embed them.
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
# Browser features the portal never uses, denied to it and to anything it could embed.
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ]
}
# Cookies go with a cross-site link (a bookmark, a link in an e-mail) but not with requests
# another site makes; the production settings add Secure. No script reads the language cookie.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True

# --- Page cache ------------------------------------------------------------------------------
# Seconds a public page is kept for visitors without a session (core/page_cache.py); 0 turns
# the page cache off. Saved changes show at once; a change no signal reports (a scheduled
# publication coming due, registration opening, an event passing) shows within this time, so 5
# minutes keeps such delays short while a page asked for more than once in 5 minutes is
# rendered only once.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
# Bytes of cached pages each process also keeps in its own memory, answered without a round trip
# to Redis while the content version announcements are received (core/version_watch.py).
PAGE_CACHE_LOCAL_BYTES = int(os.environ.get("PAGE_CACHE_LOCAL_MB", "16")) * 1024 * 1024

# --- Read API (api/) ---------------------------------------------------------------------------
# Public and read-only: no sign-in, no session, JSON only; the FilterSets of the public lists;
# pages of API_PAGE_SIZE records (a client may ask for up to API_MAX_PAGE_SIZE).
API_PAGE_SIZE = 20
API_MAX_PAGE_SIZE = 100
# Requests a client (by address) may make per minute before a 429 with Retry-After.
API_RATE_LIMIT_PER_MINUTE = int(os.environ.get("API_RATE_LIMIT_PER_MINUTE", "120"))
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ClientThrottle"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.PortalSchema",
    "DEFAULT_VERSIONING_CLASS": None,
    "URL_FORMAT_OVERRIDE": None,
    "COERCE_DECIMAL_TO_STRING": False,
}
# Any site may read the open data from a browser: the API, the lists' downloads (in any
# language) and the IATI file; GET only, no cookies, nothing else of the portal.
CORS_URLS_REGEX = (
    r"^/(api/v1/.*"
    r"|([a-z]{2}(-[a-z]+)?/)?[a-z-]+/download\.(csv|xlsx|json)"
    r"|open-data/iati-activities\.xml)$"
)
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_CREDENTIALS = False
CORS_PREFLIGHT_MAX_AGE = 86400
SPECTACULAR_SETTINGS = {
    "TITLE": "SSC Portal API",
    "DESCRIPTION": (
        "Read-only access to the published case studies, events and publications of the SSC "
        "Portal (South-South and triangular cooperation), and to the reference data they use: "
        "countries and M49 regions, the Sustainable Development Goals and their targets, themes "
        "and organisations. No key is needed. Texts come in the language asked for with `lang` "
        "or `Accept-Language` (ar, zh-hans, en, fr, ru, es), in English where a record has no "
        "translation. The portal's records are under CC BY 4.0; see /open-data/."
    ),
    "VERSION": "1.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "EventKindEnum": "events.models.EventKind",
        "PublicationKindEnum": "publications.models.PublicationKind",
        "OrganisationKindEnum": "taxonomy.models.Organisation.Kind",
    },
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # The schema lists the filters' choices from the database, which `check --deploy` may run
    # before there is one; the schema is held to the API by the contract tests instead.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.optional_properties",
    ],
}
