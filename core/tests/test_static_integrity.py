"""Subresource Integrity of the portal's static files: the hash is that of the bytes served, from
the staticfiles finders in development and tests and from the collected, content-hashed copy
under the production storage; it is read once per process, except under DEBUG."""

import base64
import gzip
import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client, override_settings

from core.static_integrity import integrity, served_bytes, static_integrity

SCRIPT = "js/local-time.js"
SOURCE = Path(settings.BASE_DIR) / "static" / SCRIPT


def sha384(content):
    return "sha384-" + base64.b64encode(hashlib.sha384(content).digest()).decode()


def served(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content)


def test_the_integrity_value_is_the_base64_sha384_of_the_content():
    # The SHA-384 of nothing, as `openssl dgst -sha384 -binary | base64` gives it.
    assert integrity(b"") == (
        "sha384-OLBgp1GsljhM2TJ+sbHjaiH9txEUvgdDTAzHv2P24donTt6/529l+9Ua0vFImLlb"
    )
    assert integrity(b"alert(1)\n") == sha384(b"alert(1)\n")


@override_settings(WHITENOISE_USE_FINDERS=True)
def test_without_collected_files_the_hash_is_that_of_the_file_whitenoise_serves():
    content = SOURCE.read_bytes()
    assert served_bytes(SCRIPT) == content
    assert static_integrity(SCRIPT) == sha384(content)
    assert served(Client(), static(SCRIPT)) == content


def test_under_the_production_storage_the_hash_is_that_of_the_hashed_copy_served(tmp_path):
    production = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STORAGES=production, STATIC_ROOT=tmp_path, WHITENOISE_USE_FINDERS=False):
        call_command("collectstatic", interactive=False, verbosity=0)
        url = static(SCRIPT)
        stored = staticfiles_storage.stored_name(SCRIPT)
        assert url == f"/static/{stored}" and stored != SCRIPT  # a content-hashed name
        content = (tmp_path / stored).read_bytes()
        assert content == SOURCE.read_bytes()
        assert static_integrity(SCRIPT) == sha384(content)
        # What WhiteNoise serves from the collected files, compressed or not, is what was hashed.
        assert served(Client(), url) == content
        gzip_client = Client(headers={"Accept-Encoding": "gzip"})
        response = gzip_client.get(url)
        assert response.headers.get("Content-Encoding") == "gzip"
        assert gzip.decompress(b"".join(response.streaming_content)) == content


def test_the_hash_is_read_once_per_process_and_on_every_use_under_debug(tmp_path):
    folder = tmp_path / "js"
    folder.mkdir()
    script = folder / "once.js"
    script.write_bytes(b"var first;\n")
    with override_settings(STATICFILES_DIRS=[tmp_path]):
        assert static_integrity("js/once.js") == sha384(b"var first;\n")
        script.write_bytes(b"var second;\n")
        assert static_integrity("js/once.js") == sha384(b"var first;\n")
        with override_settings(DEBUG=True):
            assert static_integrity("js/once.js") == sha384(b"var second;\n")
