"""Django settings, read from the environment (see .env.example)."""

import os
import secrets
from pathlib import Path

import dj_database_url

from wangge.env import env_bool, env_choice, env_int, env_list, env_str, persistent_secret

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("WANGGE_DATA_DIR", str(PACKAGE_DIR.parent / "var"))).resolve()

DEBUG = env_bool("WANGGE_DEBUG", False)
SECRET_KEY = persistent_secret("WANGGE_SECRET_KEY", DATA_DIR)
ALLOWED_HOSTS = env_list("WANGGE_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("WANGGE_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "wangge.regions",
    "wangge.accounts",
    "wangge.events",
    "wangge.supervision",
    "wangge.notices",
    "wangge.assessment",
    "wangge.fieldwork",
    "wangge.basedata",
    "wangge.api",
    "wangge.demo",
    "wangge.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "wangge.urls"
WSGI_APPLICATION = "wangge.wsgi.application"
ASGI_APPLICATION = "wangge.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wangge.web.nav.nav",
            ],
        },
    },
]

_SQLITE_PATH = DATA_DIR / "wangge.sqlite3"
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": _SQLITE_PATH,
            "OPTIONS": {
                # WAL lets the web server read while the in-process worker writes.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SESSION_COOKIE_AGE = env_int("WANGGE_SESSION_SECONDS", 30 * 60)
# Login-failure lockout: this many failed passwords within the window lock the username.
WANGGE_LOGIN_MAX_FAILURES = env_int("WANGGE_LOGIN_MAX_FAILURES", 5)
WANGGE_LOGIN_LOCK_MINUTES = env_int("WANGGE_LOGIN_LOCK_MINUTES", 15)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "wangge.web.vendor.VendorFinder",
]
# Browser libraries installed from the npm registry by ./dev (package.json, package-lock.json).
WANGGE_NODE_MODULES = env_str("WANGGE_NODE_MODULES", str(PACKAGE_DIR.parent / "node_modules"))
# Map tiles (WGS-84 / Web Mercator); empty shows grids and events as vectors on a blank map.
WANGGE_TILE_URL = env_str("WANGGE_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
WANGGE_TILE_ATTRIBUTION = env_str("WANGGE_TILE_ATTRIBUTION", "© OpenStreetMap contributors")

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS_URL = env_str("WANGGE_REDIS_URL", "")
if REDIS_URL:
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
    }

# Grid code layout: "village" = 12-digit village code + 3-digit sequence (the default);
# "cjt349" = the 20-digit layout (12-digit village code + 8-digit sequence).
WANGGE_GRID_CODE_LAYOUT = env_choice("WANGGE_GRID_CODE_LAYOUT", "village", {"village", "cjt349"})

# Supervision: office hours that count as working hours, the embedded worker's period and
# the notice channels beyond the in-app inbox (dotted paths of Channel classes).
WANGGE_OFFICE_HOURS = env_str("WANGGE_OFFICE_HOURS", "08:30-12:00,13:30-17:30")
WANGGE_WORKER_INTERVAL = env_int("WANGGE_WORKER_INTERVAL", 30)
WANGGE_NOTICE_CHANNELS = env_list(
    "WANGGE_NOTICE_CHANNELS", ["wangge.notices.channels.ConsoleChannel"]
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No log line leaves with an ID number or phone number in clear (SPEC §6).
    "filters": {"mask_personal_data": {"()": "wangge.basedata.protection.MaskingFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_personal_data"]}},
    "root": {"handlers": ["console"], "level": env_str("WANGGE_LOG_LEVEL", "INFO")},
}

# Photo uploads: the largest file accepted and how many files one request may carry.
WANGGE_UPLOAD_MAX_BYTES = env_int("WANGGE_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
WANGGE_UPLOAD_MAX_FILES = env_int("WANGGE_UPLOAD_MAX_FILES", 9)
# The category (name or code) whose subtree counts as disputes for 调解成功率.
WANGGE_DISPUTE_CATEGORY = env_str("WANGGE_DISPUTE_CATEGORY", "矛盾纠纷")


def _generated_sm4_keys(data_dir: Path) -> str:
    """WANGGE_SM4_KEYS from the environment, else one key generated once into the data dir."""
    key_file = data_dir / "wangge_sm4_keys.txt"
    if not env_str("WANGGE_SM4_KEYS") and not key_file.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        key_file.write_text(f"dev1:{secrets.token_hex(16)}", encoding="utf-8")
        key_file.chmod(0o600)
    return persistent_secret("WANGGE_SM4_KEYS", data_dir)


# Personal data at rest (basedata.protection): SM4 keys "id:32hex[,id:32hex...]", the first
# encrypts and all decrypt (rotation: put the new key first, run `wangge rotate-keys`, then
# drop the old one); the key of the SM3-HMAC search index (32+ characters, never rotated
# without rebuilding the index).
WANGGE_SM4_KEYS = _generated_sm4_keys(DATA_DIR)
WANGGE_INDEX_KEY = persistent_secret("WANGGE_INDEX_KEY", DATA_DIR)


def _job_runner() -> str:
    """WANGGE_JOB_RUNNER, else its older name WANGGE_IMPORT_RUNNER (imports were the first
    enqueued jobs), so existing .env files keep working."""
    runners = {"thread", "celery", "inline"}
    return env_choice(
        "WANGGE_JOB_RUNNER", env_choice("WANGGE_IMPORT_RUNNER", "thread", runners), runners
    )


# Where enqueued background jobs (wangge/jobs.py: base-data imports) run: "thread" (embedded
# default), "celery" (production) or "inline" (tests).
WANGGE_JOB_RUNNER = _job_runner()
# Worker processes that clean (validate, encrypt, index) the rows of one import on
# PostgreSQL; 1 cleans in the importing process. SQLite always cleans in-process.
# Two workers keep a 1 M-row import under 500 MB (each holds about 105 MB).
WANGGE_IMPORT_PROCESSES = env_int("WANGGE_IMPORT_PROCESSES", min(os.cpu_count() or 1, 2))
