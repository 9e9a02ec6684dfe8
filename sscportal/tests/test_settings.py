"""The settings read from the environment, checked in a fresh interpreter per environment."""

import json
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings

CONFIGURED = {"SECRET_KEY": "a-long-random-value-for-the-test", "ALLOWED_HOSTS": "ssc.example.org"}

REPORT = """
import django, json, os
os.environ["DJANGO_SETTINGS_MODULE"] = {module!r}
from django.conf import settings
print(json.dumps({{
    "DEBUG": settings.DEBUG,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "STATICFILES_BACKEND": settings.STORAGES["staticfiles"]["BACKEND"],
    "DATABASE_ENGINE": settings.DATABASES["default"]["ENGINE"],
    "DATABASE_NAME": str(settings.DATABASES["default"]["NAME"]),
    "DATABASE_HOST": settings.DATABASES["default"].get("HOST", ""),
    "DATABASE_OPTIONS": settings.DATABASES["default"].get("OPTIONS", {{}}),
    "CACHE_BACKEND": settings.CACHES["default"]["BACKEND"],
    "CACHE_LOCATION": settings.CACHES["default"].get("LOCATION", ""),
    "MEDIA_STORAGE": settings.STORAGES["default"],
}}))
"""


def run_settings(module="sscportal.settings.production", **environment):
    """Import the settings module in a new interpreter with only the given variables set."""
    env = dict(os.environ)
    for name in (
        "DJANGO_SETTINGS_MODULE",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "REDIS_URL",
        "DEBUG",
        "VAR_DIR",
        "MEDIA_S3_BUCKET",
        "MEDIA_S3_ENDPOINT_URL",
    ):
        env.pop(name, None)
    env.update(environment)
    return subprocess.run(
        [sys.executable, "-c", REPORT.format(module=module)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def report(result):
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def error_line(result):
    assert result.returncode != 0
    return result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize("secret_key", [None, ""])
def test_production_refuses_to_start_without_a_secret_key(secret_key):
    environment = {"ALLOWED_HOSTS": "ssc.example.org"}
    if secret_key is not None:
        environment["SECRET_KEY"] = secret_key

    line = error_line(run_settings(**environment))

    assert line.startswith("django.core.exceptions.ImproperlyConfigured:")
    assert "SECRET_KEY" in line


def test_production_refuses_to_start_without_allowed_hosts():
    line = error_line(run_settings(SECRET_KEY=CONFIGURED["SECRET_KEY"]))

    assert line.startswith("django.core.exceptions.ImproperlyConfigured:")
    assert "ALLOWED_HOSTS" in line
    assert "SECRET_KEY" not in line


def test_production_starts_with_both_set_and_debug_off_and_hashed_static_files():
    values = report(run_settings(**CONFIGURED))

    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == ["ssc.example.org"]
    assert (
        values["STATICFILES_BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_debug_in_the_environment_does_not_turn_debug_on_in_production():
    values = report(run_settings(DEBUG="true", **CONFIGURED))

    assert values["DEBUG"] is False


def test_allowed_hosts_is_a_comma_separated_list():
    values = report(
        run_settings(SECRET_KEY="x" * 50, ALLOWED_HOSTS="ssc.example.org, www.ssc.example.org,")
    )

    assert values["ALLOWED_HOSTS"] == ["ssc.example.org", "www.ssc.example.org"]


def test_database_url_selects_postgresql():
    values = report(run_settings(DATABASE_URL="postgres://u@h:5432/db", **CONFIGURED))

    assert values["DATABASE_ENGINE"] == "django.db.backends.postgresql"
    assert (values["DATABASE_NAME"], values["DATABASE_HOST"]) == ("db", "h")
    assert values["DATABASE_OPTIONS"]["options"].split(" -c ") == [
        "-c jit=off",
        "pg_trgm.word_similarity_threshold=0.5",  # close matches (publishing/search.py)
        "pg_trgm.strict_word_similarity_threshold=0.3",
    ]
    # An unreachable database costs seconds, then the page answers 503.
    assert values["DATABASE_OPTIONS"]["connect_timeout"] == 5


def test_redis_url_selects_the_redis_cache_that_never_fails_a_request():
    values = report(run_settings(REDIS_URL="redis://127.0.0.1:6379/0", **CONFIGURED))

    assert values["CACHE_BACKEND"] == "core.cache.FailsafeRedisCache"
    assert values["CACHE_LOCATION"] == "redis://127.0.0.1:6379/0"


def test_without_database_or_redis_urls_sqlite_under_var_and_a_local_memory_cache():
    values = report(run_settings(**CONFIGURED))

    assert values["DATABASE_ENGINE"] == "django.db.backends.sqlite3"
    assert values["DATABASE_NAME"] == str(settings.BASE_DIR / "var" / "sscportal.sqlite3")
    assert values["CACHE_BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_development_settings_need_nothing_configured():
    values = report(run_settings("sscportal.settings.dev"))

    assert values["DEBUG"] is True
    assert "localhost" in values["ALLOWED_HOSTS"]
    assert values["STATICFILES_BACKEND"] == (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )


def test_the_default_sqlite_file_gets_its_directory(tmp_path):
    var_dir = tmp_path / "fresh" / "var"

    values = report(run_settings("sscportal.settings.dev", VAR_DIR=str(var_dir)))

    assert values["DATABASE_NAME"] == str(var_dir / "sscportal.sqlite3")
    assert var_dir.is_dir()


def test_with_a_database_url_no_directory_is_made(tmp_path):
    var_dir = tmp_path / "fresh" / "var"

    report(run_settings(VAR_DIR=str(var_dir), DATABASE_URL="postgres://u@h:5432/db", **CONFIGURED))

    assert not var_dir.exists()


def test_the_readme_lists_every_environment_variable_the_settings_read():
    settings_dir = settings.BASE_DIR / "sscportal" / "settings"
    read = set()
    for module in settings_dir.glob("*.py"):
        read |= set(
            re.findall(
                r"(?:os\.environ\.get\(|os\.environ\[|env_bool\(|env_list\()\"([A-Z_]+)\"",
                module.read_text(encoding="utf-8"),
            )
        )
    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    listed = {
        name
        for row in table.splitlines()
        if row.startswith("| `")
        for name in re.findall(r"`([A-Z_]+)`", row.split(" | ")[0])
    }

    assert "DATABASE_URL" in read
    assert read - listed == set()


def test_media_stay_on_the_local_disk_unless_a_bucket_is_named():
    local = report(run_settings(**CONFIGURED))
    assert local["MEDIA_STORAGE"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    s3 = report(
        run_settings(
            **CONFIGURED,
            MEDIA_S3_BUCKET="portal-media",
            MEDIA_S3_ENDPOINT_URL="https://s3.example.org",
        )
    )
    assert s3["MEDIA_STORAGE"]["BACKEND"] == "storages.backends.s3.S3Storage"
    options = s3["MEDIA_STORAGE"]["OPTIONS"]
    assert options["bucket_name"] == "portal-media"
    assert options["endpoint_url"] == "https://s3.example.org"
    assert options["file_overwrite"] is False


def test_the_s3_storage_class_named_in_the_settings_imports():
    """django-storages is installed with the S3 extra (boto3), so naming a bucket is enough."""
    from django.utils.module_loading import import_string

    storage_class = import_string("storages.backends.s3.S3Storage")
    storage = storage_class(
        bucket_name="portal-media", endpoint_url="https://s3.example.org", querystring_auth=False
    )
    assert storage.url("publications/report.pdf").startswith("https://s3.example.org/")
