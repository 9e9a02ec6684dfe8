"""The MDN HTTP Observatory grades the portal A+ (score 135 or more) with no failed test, as it
would grade the production site: gunicorn serves the production settings over TLS on loopback,
with a self-signed certificate the scanner is told to trust (NODE_EXTRA_CA_CERTS).

The scanner's command line takes a host name only and asks `http://HOST/` and `https://HOST/`;
given `127.0.0.1:PORT` it asks both on that one port. So the test puts one port in front of two
gunicorns serving the same database, an HTTPS one and a plain HTTP one (devtools.loopback_https),
and the plain one answers as production does: with the redirect to HTTPS. The database is an
SQLite file migrated for the test; static files are collected as in a deployment.

Without npm's packages, Node or openssl the test skips, saying why; in CI (NODE_TOOLS_REQUIRED=1)
it fails instead. The scanner runs from its own module (src/scan.js): the package's `bin` wrapper
would replace NODE_EXTRA_CA_CERTS with a bundle that `npm ci --ignore-scripts` does not build.
"""

import base64
import contextlib
import gzip
import hashlib
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings

from devtools.loopback_https import SharedPort, listening_socket, make_certificate
from devtools.node_tools import NodeToolMissing, node_tool

SCANNER = "@mdn/mdn-http-observatory/src/scan.js"
BASE_DIR = Path(settings.BASE_DIR)
GUNICORN = Path(sys.executable).with_name("gunicorn")
# Variables of the machine running the suite that must not reach the production server.
NOT_PASSED_ON = {
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "REDIS_URL",
    "DEBUG",
    "VAR_DIR",
    "MEDIA_ROOT",
    "STATIC_ROOT",
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "SECURE_HSTS_SECONDS",
    "PORTAL_BASE_URL",
    "ALLOWED_HOSTS",
    "SECRET_KEY",
    "CSRF_TRUSTED_ORIGINS",
}


def unavailable(reason):
    """Skip, or fail where the tools are required (CI)."""
    if os.environ.get("NODE_TOOLS_REQUIRED") == "1":
        pytest.fail(f"{reason} (NODE_TOOLS_REQUIRED=1)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def tools():
    try:
        scanner = node_tool(SCANNER)
    except NodeToolMissing as missing:
        unavailable(str(missing))
    node, openssl = shutil.which("node"), shutil.which("openssl")
    if node is None:
        unavailable("Node.js not found: install Debian's nodejs package")
    if openssl is None:
        unavailable("openssl not found: install Debian's openssl package (.ci/run does)")
    return {"scanner": scanner, "node": node, "openssl": openssl}


def production_environment(folder, https_origin):
    env = {name: value for name, value in os.environ.items() if name not in NOT_PASSED_ON}
    env.update(
        DJANGO_SETTINGS_MODULE="sscportal.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"sqlite:///{folder / 'portal.sqlite3'}",
        VAR_DIR=str(folder),
        STATIC_ROOT=str(folder / "static"),
        MEDIA_ROOT=str(folder / "media"),
        PORTAL_BASE_URL=https_origin,
        LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def manage(env, *arguments):
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments, "--noinput", "--verbosity", "0"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"manage.py {arguments[0]} failed:\n{result.stderr}"


def start_gunicorn(env, listener, log, *options):
    """gunicorn on an already listening socket (so the port is never free for another process
    to take in between)."""
    fd = listener.fileno()
    return subprocess.Popen(
        [
            str(GUNICORN),
            "sscportal.wsgi",
            "--config",
            str(BASE_DIR / "gunicorn.conf.py"),
            "--bind",
            f"fd://{fd}",
            "--workers",
            "2",
            "--log-level",
            "warning",
            *options,
        ],
        cwd=BASE_DIR,
        env=env,
        pass_fds=[fd],
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_answering(port, certificate, servers, log_path, timeout=90):
    """Wait until the shared port answers over HTTPS (and so over the servers behind it)."""
    context = ssl.create_default_context(cafile=str(certificate))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for server in servers:
            if server.poll() is not None:
                pytest.fail(f"gunicorn exited ({server.returncode}):\n{log_path.read_text()}")
        try:
            with (
                socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
                context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
            ):
                tls.sendall(b"GET /robots.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                if tls.recv(12).startswith(b"HTTP/1."):
                    return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"the portal did not answer over HTTPS within {timeout} s:\n{log_path.read_text()}")


@pytest.fixture(scope="module")
def served_portal(tools, tmp_path_factory):
    """(host:port, certificate) of the portal under production settings, over HTTPS and HTTP."""
    folder = tmp_path_factory.mktemp("observatory")
    certificate, key = make_certificate(folder, tools["openssl"])
    https_listener, http_listener = listening_socket(), listening_socket()
    with contextlib.ExitStack() as stack:
        stack.callback(https_listener.close)
        stack.callback(http_listener.close)
        shared = stack.enter_context(
            SharedPort(https_listener.getsockname(), http_listener.getsockname())
        )
        host = f"127.0.0.1:{shared.port}"
        env = production_environment(folder, f"https://{host}")
        manage(env, "migrate")
        manage(env, "collectstatic")
        log_path = folder / "gunicorn.log"
        log = stack.enter_context(log_path.open("w"))
        servers = [
            start_gunicorn(env, https_listener, log, "--certfile", certificate, "--keyfile", key),
            start_gunicorn(env, http_listener, log),
        ]
        for server in servers:
            stack.callback(stop, server)
        wait_until_answering(shared.port, certificate, servers, log_path)
        yield host, certificate, log_path


def describe(result):
    scan = result["scan"]
    lines = [
        f"Grade {scan['grade']}, score {scan['score']}, "
        f"{scan['testsPassed']} of {scan['testsQuantity']} tests passed",
    ]
    for name, test in sorted(result["tests"].items()):
        modifier = test.get("scoreModifier", 0)
        outcome = "pass" if test.get("pass") else "FAIL"
        lines.append(f"  {outcome:4} {modifier:+3d}  {name}: {test.get('result')}")
    return "\n".join(lines)


def scan(tools, address, certificate):
    """The scanner's JSON result for `address` (host:port, optionally followed by a path)."""
    env = {**os.environ, "NODE_EXTRA_CA_CERTS": str(certificate)}
    finished = subprocess.run(
        [tools["node"], str(tools["scanner"]), address],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert finished.returncode == 0, (
        f"the scanner failed on {address} ({finished.returncode}):\n"
        f"{finished.stdout}\n{finished.stderr}"
    )
    return json.loads(finished.stdout)


# The page scanned, the least score it must reach and what the cookie and Subresource Integrity
# tests must find. The home page sets no cookie, so it gets no credit for its cookies; its score
# is 130 for the rest (CSP with default-src 'none', CORP, Referrer-Policy, frame-ancestors) and 5
# for its script, loaded with its integrity hash. The admin's login page sets the CSRF cookie,
# whose Secure and SameSite flags add 5 points; its scripts carry no hash. The scanner's argument
# is a host name that it puts between the scheme and the path, so a path after it scans that page.
PAGES = {
    "home": ("/", 135, "cookies-not-found", "sri-implemented-and-all-scripts-loaded-securely"),
    "admin login": (
        "/admin/login/",
        135,
        "cookies-secure-with-httponly-sessions-and-samesite",
        None,
    ),
}


@pytest.mark.parametrize(("path", "least_score", "cookies", "sri"), PAGES.values(), ids=PAGES)
def test_the_observatory_grades_the_portal_a_plus(
    tools, served_portal, path, least_score, cookies, sri
):
    host, certificate, log_path = served_portal
    result = scan(tools, host if path == "/" else host + path, certificate)
    summary = describe(result)
    print(f"\nMDN HTTP Observatory, {path}:\n{summary}")
    scan_result, tests = result["scan"], result["tests"]
    assert scan_result["grade"] == "A+", summary
    assert scan_result["score"] >= least_score, summary
    assert scan_result["testsFailed"] == 0, summary
    assert tests["content-security-policy"]["result"] == (
        "csp-implemented-with-no-unsafe-default-src-none"
    ), summary
    assert tests["cookies"]["result"] == cookies, summary
    if sri:
        assert tests["subresource-integrity"]["result"] == sri, summary
    # The certificate was trusted, and plain HTTP was sent on to HTTPS on the same host.
    assert tests["redirection"]["result"] == "redirection-to-https", summary
    assert tests["redirection"]["route"] == [f"http://{host}{path}", f"https://{host}{path}"]
    assert tests["strict-transport-security"]["result"] == (
        "hsts-implemented-max-age-at-least-six-months"
    ), summary


def test_the_scripts_integrity_hash_matches_what_the_production_server_serves(served_portal):
    """The home page's script, at its content-hashed address, is the bytes its hash names, as
    WhiteNoise serves them plain and compressed."""
    host, certificate, _log_path = served_portal
    context = ssl.create_default_context(cafile=str(certificate))
    connection = http.client.HTTPSConnection(host, context=context, timeout=30)
    connection.request("GET", "/")
    home = connection.getresponse().read().decode()
    scripts = re.findall(r'<script src="([^"]+)" integrity="sha384-([^"]+)" defer></script>', home)
    assert len(scripts) == 1, home
    (url, digest) = scripts[0]
    assert re.fullmatch(r"/static/js/local-time\.[0-9a-f]{12}\.js", url)
    for encoding in ["identity", "gzip"]:
        connection.request("GET", url, headers={"Accept-Encoding": encoding})
        answer = connection.getresponse()
        body = answer.read()
        assert answer.status == 200
        if answer.getheader("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        assert base64.b64encode(hashlib.sha384(body).digest()).decode() == digest, encoding
    connection.close()


def test_the_language_cookie_is_secure_http_only_and_same_site(served_portal):
    """Choosing a language on the production server sets a cookie sent only over HTTPS, never to
    scripts, and not with requests other sites make."""
    host, certificate, _log_path = served_portal
    context = ssl.create_default_context(cafile=str(certificate))
    origin = f"https://{host}"

    connection = http.client.HTTPSConnection(host, context=context, timeout=30)
    connection.request("GET", "/admin/login/")
    login_page = connection.getresponse()
    body = login_page.read().decode()
    csrf_cookie = SimpleCookie(login_page.getheader("Set-Cookie"))["csrftoken"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)

    connection.request(
        "POST",
        "/i18n/setlang/",
        body=urlencode({"language": "fr", "next": "/", "csrfmiddlewaretoken": token}),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie.value}",
            "Referer": f"{origin}/",
            "Origin": origin,
        },
    )
    answer = connection.getresponse()
    answer.read()
    connection.close()

    assert answer.status == 302
    assert answer.getheader("Location") == "/fr/"
    cookie = SimpleCookie(answer.getheader("Set-Cookie"))["django_language"]
    assert cookie.value == "fr"
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"


def test_without_the_tools_the_scan_skips_here_and_fails_in_ci(monkeypatch):
    monkeypatch.delenv("NODE_TOOLS_REQUIRED", raising=False)
    with pytest.raises(pytest.skip.Exception, match="openssl not found"):
        unavailable("openssl not found")
    monkeypatch.setenv("NODE_TOOLS_REQUIRED", "1")
    with pytest.raises(pytest.fail.Exception, match="openssl not found"):
        unavailable("openssl not found")
