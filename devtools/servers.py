"""Real servers for the tests that take the portal's services away and bring them back: a
`redis-server` of its own and the portal under gunicorn, each on a free loopback port and
stopped by the test that started it. A pytest plugin (conftest.py): the `redis_server` fixture."""

import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parent.parent
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port():
    """A loopback port nothing listens on at the moment of asking (the system's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_available():
    return os.access(REDIS_SERVER, os.X_OK)


def wait_for(check, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise TimeoutError(f"{what} within {timeout} s")


class RedisServer:
    """redis-server on 127.0.0.1, keeping nothing on disk. redis-server takes no port 0 (that
    turns TCP off), so a free port is chosen first and tried again if taken meanwhile. `kill()`
    ends it as a crash would; `start()` brings it back, empty, on the same port."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.port = None
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        fixed = self.port  # a restart keeps its port; a first start may try several
        for _attempt in range(1 if fixed else 5):
            self.port = fixed or free_port()
            self.process = subprocess.Popen(  # noqa: S603 - a fixed program and arguments
                [
                    REDIS_SERVER,
                    *("--bind", "127.0.0.1", "--port", str(self.port)),
                    *("--save", "", "--appendonly", "no", "--dir", str(self.directory)),
                    *("--loglevel", "warning"),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                wait_for(lambda: self.process.poll() is not None or self.ping(), 10, "no PONG")
            except TimeoutError:
                self.kill()
                raise
            if self.process.poll() is None:
                return self
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def ping(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
        self.process = None

    stop = kill


class Gunicorn:
    """The portal under gunicorn (gunicorn.conf.py, so its access log too), bound to port 0 on
    loopback; the port is read from gunicorn's "Listening at" line. Everything gunicorn and the
    portal write goes to `lines`."""

    LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")

    def __init__(self, environment, workers=1):
        self.environment = {
            **os.environ,
            **environment,
            "GUNICORN_BIND": "127.0.0.1:0",
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_LOG_LEVEL": "info",
            "PYTHONUNBUFFERED": "1",
        }
        self.lines = []
        self.process = None
        self.port = None
        self._reader = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        gunicorn = REPOSITORY / ".venv" / "bin" / "gunicorn"
        self.process = subprocess.Popen(  # noqa: S603 - a fixed program and arguments
            [
                str(gunicorn),
                *("-c", str(REPOSITORY / "gunicorn.conf.py")),
                "--no-control-socket",  # its default path is one per user, not per server
                "sscportal.wsgi",
            ],
            cwd=REPOSITORY,
            env=self.environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        try:
            wait_for(lambda: self.port or self.process.poll() is not None, 60, "no Listening at")
            if self.port is None:
                raise RuntimeError("gunicorn exited:\n" + self.output())
            wait_for(lambda: self.get("/health/live")[0] == 200, 60, "no answer on /health/live")
        except BaseException:
            self.stop()
            raise
        return self

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            if self.port is None and (found := self.LISTENING.search(line)):
                self.port = int(found.group(1))

    def output(self):
        return "\n".join(self.lines)

    def worker_pids(self):
        """The master's worker processes (Linux /proc)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return sorted(int(pid) for pid in children.read_text().split())

    def request(self, path, data=None, headers=None, method=None):
        """(status, headers, body) of one request; redirects are not followed."""
        request = urllib.request.Request(  # noqa: S310 - loopback http only
            self.url + path, data=data, headers=headers or {}, method=method
        )
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()
        except OSError:
            return None, {}, b""

    def get(self, path, headers=None):
        return self.request(path, headers=headers)

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        if self._reader is not None:
            self._reader.join(10)
        self.process = None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def redis_caches(url, prefix, **options):
    """CACHES with the default cache in the Redis at `url`, as in production."""
    default = {"BACKEND": "core.cache.FailsafeRedisCache", "LOCATION": url, "KEY_PREFIX": prefix}
    if options:
        default["OPTIONS"] = options
    return {"default": default}


@pytest.fixture
def redis_server(tmp_path):
    """A redis-server of the test's own, killed at its end (skips without redis-server)."""
    if not redis_available():
        pytest.skip(f"redis-server is not installed ({REDIS_SERVER}): apt-get install redis-server")
    server = RedisServer(tmp_path).start()
    yield server
    server.kill()
