"""Many people registering for one event at once, over HTTP, against the capacity rule.

    .venv/bin/python scripts/bench_registrations.py [--clients 500] [--places 100]

What it does:
1. Prepares the database named by BENCH_DATABASE_URL (default: PostgreSQL
   postgres://root@127.0.0.1:5432/sscportal_bench_reg, created if missing): migrates, collects
   the static files, and creates one published event with --places places, a waiting list and
   registration open (a new event on every run; nothing else is touched).
2. Serves the portal with gunicorn as scripts/bench.py does (devtools.bench_settings: production
   settings, DEBUG off), here with as many sync workers as gunicorn.conf.py starts in production
   (two per core and one more). E-mails are queued for the worker (the database task queue),
   as in production; no worker sends them during the run.
3. --clients people, --threads at a time, each take the whole journey: GET the event page (CSRF
   cookie and token), POST the registration form, then open the confirm link (GET) and press its
   button (POST with CSRF). The confirm link is in an e-mail the benchmark cannot read, so it
   builds the same signed link: it looks the registration up by address in the database and
   signs its id with events.tokens.make_token (same SECRET_KEY as the server).
4. Prints the confirmed, waitlisted and pending registrations, the HTTP errors, the time and
   requests/s; exits with status 1 unless exactly min(places, clients) are confirmed and no
   request failed.
"""

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402 - scripts/ is not a package
from bench import (  # noqa: E402
    ROOT,
    configure_environment,
    ensure_postgresql_database,
    fetch,
    machine_description,
)

DEFAULT_DB = "postgres://root@127.0.0.1:5432/sscportal_bench_reg"
# As the portal is served (gunicorn.conf.py): sync workers, two per core and one more.
GUNICORN_WORKERS = (os.cpu_count() or 1) * 2 + 1
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def prepare_event(places):
    from django.core.management import call_command
    from django.utils import timezone

    from events.models import Event, EventKind
    from publishing.models import Status

    (ROOT / "var").mkdir(exist_ok=True)
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    now = timezone.now()
    stamp = f"{now:%Y%m%d-%H%M%S}-{os.getpid()}"
    return Event.objects.create(
        title=f"Registration benchmark {stamp}",
        slug=f"registration-benchmark-{stamp}",
        summary="Many people registering at once.",
        kind=EventKind.CONFERENCE,
        status=Status.PUBLISHED,
        published_at=now - timedelta(minutes=1),
        starts_at=now + timedelta(days=30),
        ends_at=now + timedelta(days=30, hours=2),
        registration_enabled=True,
        capacity=places,
        waiting_list=True,
    )


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(port):
    """gunicorn on loopback with the portal's own settings (sync workers); returns once
    /health/ answers."""
    # What the workers print is not wanted here.
    return bench.start_gunicorn(
        port,
        *("--workers", str(GUNICORN_WORKERS), "--timeout", "120"),
        stdout=subprocess.DEVNULL,
    )


class HTTPError(Exception):
    pass


class Browser:
    """One person's cookies and requests; a new connection per request (as many browsers do
    under load, and nothing depends on keep-alive timing)."""

    def __init__(self, port, timings):
        self.port = port
        self.origin = f"http://127.0.0.1:{port}"
        self.cookies = {}
        self.timings = timings
        self.requests = 0

    def request(self, step, method, path, fields=None, expect=(200,)):
        headers = {"Host": f"127.0.0.1:{self.port}", "User-Agent": "bench-registrations"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        started = time.perf_counter()
        self.requests += 1
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        self.timings[step].append(time.perf_counter() - started)
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        if response.status not in expect:
            raise HTTPError(f"{method} {path}: {response.status}, expected {expect}")
        return content.decode("utf-8", "replace")


def csrf_token(page, path):
    match = CSRF_INPUT.search(page)
    if not match:
        raise HTTPError(f"no CSRF token in {path}")
    return match.group(1)


def journey(number, port, event, confirm_path_for, timings):
    """One person registers and confirms. Returns (requests made, error or None)."""
    browser = Browser(port, timings)
    email = f"person{number}@bench.example.org"
    event_path = f"/events/{event.slug}/"
    try:
        page = browser.request("event page", "GET", event_path)
        browser.request(
            "register",
            "POST",
            f"/events/{event.slug}/register/",
            {
                "csrfmiddlewaretoken": csrf_token(page, event_path),
                "name": f"Person {number}",
                "email": email,
                "organisation": "Benchmark",
                "country": "",
                "consent": "on",
                "website": "",
            },
            expect=(303,),
        )
        confirm_path = confirm_path_for(email)
        page = browser.request("confirm page", "GET", confirm_path)
        browser.request(
            "confirm",
            "POST",
            confirm_path,
            {"csrfmiddlewaretoken": csrf_token(page, confirm_path)},
            expect=(303,),
        )
    except Exception as error:  # noqa: BLE001 - any failure is one failed journey, counted
        return browser.requests, f"{type(error).__name__}: {error}"
    return browser.requests, None


def make_confirm_link_finder(event):
    """The confirm link of the registration for an address, as the e-mail gives it. The lookups
    run on one thread with one database connection, however many clients ask."""
    from events import tokens
    from events.models import Registration, RegistrationStatus

    lookups = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lookup")

    def look_up(email):
        registration = (
            Registration.objects.filter(event=event, email=email)
            .exclude(status=RegistrationStatus.CANCELLED)
            .only("pk")
            .first()
        )
        if registration is None:
            raise HTTPError(f"no registration for {email} after the form was sent")
        return f"/events/registration/confirm/{tokens.make_token(registration, tokens.CONFIRM)}/"

    def confirm_path_for(email):
        return lookups.submit(look_up, email).result()

    return confirm_path_for, lookups


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=500, help="people registering")
    parser.add_argument("--places", type=int, default=100, help="the event's capacity")
    parser.add_argument("--threads", type=int, default=64, help="clients at a time")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port (default: a free one)")
    args = parser.parse_args()

    os.environ["BENCH_DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DB
    configure_environment()
    # Every simulated person registers from this machine at bench.example.org: the limits
    # per client address and per e-mail domain would turn nearly all of them away.
    os.environ["REGISTRATION_LIMIT_PER_CLIENT"] = str(args.clients + 1)
    os.environ["REGISTRATION_LIMIT_PER_DOMAIN"] = str(args.clients + 1)
    database = os.environ["DATABASE_URL"]
    if database.startswith(("postgres://", "postgresql://")):
        ensure_postgresql_database(database)

    import django

    django.setup()
    from django.db import connection

    from events.models import RegistrationStatus

    event = prepare_event(args.places)
    connection.close()  # the server's workers and the lookups use their own connections
    port = args.port or free_port()
    server = start_gunicorn(port)
    confirm_path_for, lookups = make_confirm_link_finder(event)
    timings = defaultdict(list)
    errors = []
    requests = 0
    lock = threading.Lock()
    try:
        for _ in range(2 * GUNICORN_WORKERS):  # every worker imports and connects first
            fetch(f"http://127.0.0.1:{port}/events/{event.slug}/", compressed=False)
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.threads) as clients:
            futures = [
                clients.submit(journey, number, port, event, confirm_path_for, timings)
                for number in range(args.clients)
            ]
            for future in futures:
                made, error = future.result()
                with lock:
                    requests += made
                    if error:
                        errors.append(error)
        elapsed = time.perf_counter() - started
    finally:
        lookups.shutdown()
        server.terminate()
        server.wait(timeout=30)

    counts = {
        status: event.registrations.filter(status=status).count()
        for status in (
            RegistrationStatus.CONFIRMED,
            RegistrationStatus.WAITLISTED,
            RegistrationStatus.PENDING,
        )
    }
    expected = min(args.places, args.clients)
    print()
    print("SSC Portal registration benchmark")
    print(f"Machine: {machine_description()}, Django {django.get_version()}")
    print(f"Database: {database.split('@')[-1].split('?')[0]}; event {event.slug}")
    print(
        f"gunicorn: {GUNICORN_WORKERS} sync workers (gunicorn.conf.py), "
        f"devtools.bench_settings; {args.threads} client threads on loopback"
    )
    print()
    print(f"clients      {args.clients}")
    print(f"places       {args.places}")
    print(f"confirmed    {counts[RegistrationStatus.CONFIRMED]} (expected {expected})")
    print(f"waitlisted   {counts[RegistrationStatus.WAITLISTED]}")
    print(f"pending      {counts[RegistrationStatus.PENDING]}")
    print(f"HTTP errors  {len(errors)}")
    print(f"elapsed      {elapsed:.2f} s")
    print(f"requests     {requests} ({requests / elapsed:.1f} requests/s)")
    print()
    print(f"{'step':<13} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for step, values in timings.items():
        print(
            f"{step:<13} {len(values):>8} {statistics.median(values) * 1000:>8.1f} "
            f"{percentile(values, 0.95) * 1000:>8.1f} {max(values) * 1000:>8.1f}"
        )
    for error in errors[:10]:
        print(f"  error: {error}")
    if len(errors) > 10:
        print(f"  ... and {len(errors) - 10} more")
    if counts[RegistrationStatus.CONFIRMED] != expected or errors:
        print("FAILED: the confirmed places or the errors are not as expected.")
        sys.exit(1)


if __name__ == "__main__":
    main()
