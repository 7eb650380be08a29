"""Settings for the khuyến công portal: one module, driven by environment variables.

Defaults run a fresh clone on SQLite under var/ with an embedded Celery broker; set DATABASE_URL and
REDIS_URL to run on PostgreSQL and Redis. DJANGO_PRODUCTION=1 turns on the deployment hardening.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KC_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = env_bool("DJANGO_PRODUCTION")
DEBUG = env_bool("DJANGO_DEBUG")

_DEV_SECRET = "dev-only-insecure-secret-key-change-me-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and not SECRET_KEY:
    raise RuntimeError("DJANGO_SECRET_KEY must be set when DJANGO_PRODUCTION=1")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "khuyencong",
    "provinces",
    "notices",
    "periods",
    "projects",
    "reports",
    "products",
    "conferences",
    "network",
    "evaluation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "khuyencong.text.NFCQueryMiddleware",
    "khuyencong.middleware.OneDataVersionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "khuyencong.middleware.SessionActivityMiddleware",
    "khuyencong.middleware.PortalLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "khuyencong.security.SessionOTPMiddleware",  # django-otp's OTPMiddleware, one query fewer
    "khuyencong.security.OTPRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "khuyencong.middleware.ReadOnlyScopeMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: it turns a lockout into the lockout page
]

ROOT_URLCONF = "khuyencong.urls"
WSGI_APPLICATION = "khuyencong.wsgi.application"
ASGI_APPLICATION = "khuyencong.asgi.application"

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
            "builtins": ["khuyencong.templatetags.vn"],
        },
    }
]

if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded SQLite database lives there
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "provinces.User"
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "provinces.auth.PortalBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese first; English is the switch.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
# Our strings first, then the Vietnamese of DRF and Django messages their catalogues lack (see that .po).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "khuyencong" / "locale_overrides"]
USE_I18N = True
FORMAT_MODULE_PATH = ["khuyencong.formats"]  # dd/mm/yyyy in forms and the admin, in both languages
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
# Uploaded files are never served from a public URL: views check permission and stream them.
MEDIA_URL = "/private-media/"
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
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    # Whitenoise scans STATIC_ROOT when it starts and warns about a missing one on the first request;
    # in development files come from the finders, so an empty directory is all it needs.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "khuyencong@localhost")

# "Quên mật khẩu": the reset link works once and expires after three days (said in the e-mail).
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_AGE", str(8 * 3600)))
# Expiry on inactivity: the age counts from the last request, refreshed at most every 5 minutes
# (khuyencong.middleware.SessionActivityMiddleware) rather than written on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = int(os.environ.get("DJANGO_SESSION_REFRESH_SECONDS", "300"))
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): only our own files, no inline script or style anywhere. The API
# documentation pages relax style-src for themselves only (khuyencong/api_docs.py).
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

# Login throttle (django-axes): 5 failures for one user name from one address lock that pair out for
# 15 minutes; other users at the same address, and the same user elsewhere, are unaffected.
AXES_FAILURE_LIMIT = int(os.environ.get("KC_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("KC_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "khuyencong.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "khuyencong.security.client_ip"
AXES_VERBOSE = False
# Behind a reverse proxy: how many proxies append to X-Forwarded-For (0: use the socket address).
KC_PROXY_COUNT = int(os.environ.get("KC_PROXY_COUNT", "0"))

# Second factor (django-otp, TOTP): ministry staff and administrators must verify a code after the
# password (khuyencong.security.OTPRequiredMiddleware); anyone may enrol from /account/.
OTP_TOTP_ISSUER = "Khuyến công"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# Celery. With REDIS_URL it uses Redis; otherwise an embedded broker on the filesystem under var/,
# so `make run` needs no other service. CELERY_EAGER=1 runs tasks inline (the test default).
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_QUEUE_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_RESULT_BACKEND = f"file://{CELERY_QUEUE_DIR / 'results'}"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "processed_folder": str(CELERY_QUEUE_DIR / "processed"),
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_EAGER")
# In production the cache must be shared: without Redis each worker process would keep its own data version,
# so a write seen by one worker left the others serving figures from before it (for up to an hour), and each
# worker would count API throttles alone.
if PRODUCTION and not REDIS_URL:
    raise RuntimeError("REDIS_URL must be set when DJANGO_PRODUCTION=1 (the cache is shared by every worker)")

# Django's cache. With REDIS_URL it is Redis (the same database as Celery, under its own key prefix), so
# what it holds — the API throttle counts among them — is shared by every worker process and machine;
# otherwise each process has its own memory (development, tests without Redis).
CACHE_KEY_PREFIX = os.environ.get("KC_CACHE_PREFIX", "kc-cache")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "khuyencong.cache.PrefixedRedisCache",
            # KC_CACHE_URL: a Redis of the cache's own in production, with a maxmemory and an LRU policy (the
            # broker's must not evict: README, "Redis in production"); the broker's database otherwise.
            "LOCATION": os.environ.get("KC_CACHE_URL", REDIS_URL),
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "TIMEOUT": 3600,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "khuyencong",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "TIMEOUT": 3600,
        }
    }
# The dashboards' figures, cached by data version (khuyencong/cachekeys.py): a write makes them stale at
# once; this only bounds how long entries of old versions take memory.
FIGURES_CACHE_SECONDS = int(os.environ.get("KC_FIGURES_CACHE_SECONDS", "3600"))


# The code's release, in every cached value's key: a deploy that changes a template or a cached shape must not
# serve what the previous code stored. KC_RELEASE (e.g. the commit deployed), else the checkout's commit.
def _release() -> str:
    if os.environ.get("KC_RELEASE"):
        return os.environ["KC_RELEASE"]
    try:
        head = (BASE_DIR / ".git" / "HEAD").read_text().strip()
        if head.startswith("ref: "):
            head = (BASE_DIR / ".git" / head[5:]).read_text().strip()
    except OSError:
        return ""
    return head[:12]


KC_RELEASE = _release()
# Rendered list fragments and API list pages: one entry per query, far larger than a figure, so kept shorter.
FRAGMENT_CACHE_SECONDS = int(os.environ.get("KC_FRAGMENT_CACHE_SECONDS", "600"))
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_TIMEZONE = TIME_ZONE
# PDF rendering has its own queue, so a long render never delays short tasks (reminders, sweeps).
CELERY_TASK_ROUTES = {"reports.tasks.report_generate": {"queue": "pdf"}}
CELERY_BEAT_SCHEDULE = {
    "reports-sweep": {
        "task": "reports.tasks.reports_sweep",
        "schedule": float(os.environ.get("KC_SWEEP_SECONDS", "900")),
    },
    "reports-reminders": {"task": "reports.tasks.reminders_send", "schedule": 6 * 3600.0},
    "products-annual-report-reminders": {
        "task": "products.tasks.annual_report_reminders_send",
        "schedule": crontab(hour=6, minute=30),
    },
    "worker-heartbeat": {"task": "notices.tasks.worker_heartbeat", "schedule": 60.0},
    # immediate notices are queued on commit; this catches any whose task was lost with the broker
    "notices-email": {"task": "notices.tasks.notices_email", "schedule": 300.0},
    "notices-digest": {
        "task": "notices.tasks.digests_send",
        "schedule": crontab(hour=int(os.environ.get("KC_DIGEST_HOUR", "7")), minute=0),
    },
}
# Links in e-mails: the portal's address as people reach it.
SITE_URL = os.environ.get("KC_SITE_URL", "http://127.0.0.1:8000")
# The worker is reported down on /healthz/worker when its heartbeat is older than this.
WORKER_HEARTBEAT_MAX_AGE = int(os.environ.get("KC_WORKER_HEARTBEAT_MAX_AGE", "300"))

# Periodic reports: which kinds of period get reports, how far back the sweep heals, reminder timing.
REPORTS_PERIOD_KINDS = env_list("KC_REPORT_KINDS", "quarter,half,nine,year")
REPORTS_LOOKBACK_DAYS = int(os.environ.get("KC_REPORT_LOOKBACK_DAYS", "200"))
REPORTS_VERY_LATE_DAYS = int(os.environ.get("KC_REPORT_VERY_LATE_DAYS", "14"))
# A report queued or running for longer than this is taken as lost (dead worker, lost broker message)
# and queued again by the sweep: above the task's hard time limit, so a slow render is not doubled.
REPORTS_SWEEP_ON_WORKER_START = env_bool("KC_SWEEP_ON_WORKER_START", True)
REPORTS_STUCK_AFTER_SECONDS = int(os.environ.get("KC_REPORT_STUCK_AFTER_SECONDS", str(CELERY_TASK_TIME_LIMIT + 60)))

# The REST API (khuyencong/api.py): bearer tokens for systems, the session for the browser; JSON only.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "khuyencong.api_base.BearerTokenAuthentication",
        "khuyencong.api_base.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["khuyencong.api_base.ApiAccess"],
    "DEFAULT_FILTER_BACKENDS": ["khuyencong.api_base.ApiFilterBackend", "khuyencong.api_filters.StrictOrderingFilter"],
    "DEFAULT_PAGINATION_CLASS": "khuyencong.api_base.ApiPagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["khuyencong.api_base.ApiAnonThrottle", "khuyencong.api_base.ApiUserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api_anon": os.environ.get("KC_API_THROTTLE_ANON", "60/minute"),
        "api_user": os.environ.get("KC_API_THROTTLE_USER", "1200/minute"),
    },
    "EXCEPTION_HANDLER": "khuyencong.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "khuyencong.api.ApiAutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Khuyến công portal API",
    "DESCRIPTION": "Industrial extension (khuyến công), southern region: reference data, plans and projects. "
    "Money is whole VND as strings of digits; dates are ISO 8601; every error has the `Error` shape.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",  # served from static files: no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None},  # the default validator badge calls an outside host
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",  # tags from the resource: projects, provinces, …
    # closed request bodies, If-Match/ETag, ASCII names (khuyencong/api_schema.py)
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "khuyencong.api_schema.postprocess"],
    "ENUM_NAME_OVERRIDES": {
        "ProjectStatusEnum": "projects.models.Status",
        "FundEnum": "projects.models.Fund",
        "ProvinceKindEnum": "provinces.models.Province.Kind",
        "UnitKindEnum": "provinces.models.Unit.Kind",
        "MoneyEntryKindEnum": "projects.models.MoneyEntry.Kind",
        "BeneficiaryKindEnum": "projects.models.Beneficiary.Kind",
        "PeriodKindEnum": "periods.models.PeriodKind",
        "ReportStatusEnum": "reports.models.Report.Status",
        "ReportGenerationEnum": "reports.models.Report.Generation",
        "ConferenceStatusEnum": "conferences.models.Conference.Status",
        "FollowUpStatusEnum": "conferences.models.ConclusionFollowUp.Status",
        "DocumentKindEnum": "conferences.models.Document.Kind",
        "ProductRoundStatusEnum": "products.models.Round.Status",
        "ProductEntryStatusEnum": "products.models.Entry.Status",
        "AttachmentKindEnum": "projects.models.Attachment.Kind",
        "DecisionKindEnum": "projects.models.ProjectDecision.Kind",
    },
}

PORTAL_NAME = _("Industrial extension portal, southern region")

# The national-plan registration page shows each province's implementation record beside it (issue 17):
# the template belongs to the app above projects; an empty value shows nothing.
REGISTRATION_ASIDE_TEMPLATE = "evaluation/_registration_aside.html"
