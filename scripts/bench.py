"""Benchmark the portal as it is served in production, against a ceiling.

    .venv/bin/python scripts/bench.py [--cases N] [--events N] [--publications N]
                                      [--rounds R] [--duration S] [--cached PAGES]
                                      [--only PAGES] [--profile PAGE] [--skip-prepare]

What it does:
1. Prepares the benchmark database named by BENCH_DATABASE_URL (default: SQLite in
   var/bench.sqlite3; PostgreSQL when the URL says so, created if missing): migrates, loads the
   starting content (and, into a database prepared before they existed, the sections added
   since: events, publications, key figures, the about page), tops the case studies up to
   --cases with devtools' `generate_volume`, the events up to --events with `generate_events`
   below (past and upcoming, some with side events, the upcoming ones open for registration with
   registrations in every status) and the publications up to --publications with
   `generate_publications` (every kind, 1978 to now, linked to case studies and events), and
   keeps the search index of what it loads and generates up to date.
2. Serves, each with gunicorn and 2 sync workers on a loopback port the system chooses:
   - the portal without its page cache (PAGE_CACHE_SECONDS=0), devtools.bench_settings:
     production settings, DEBUG off, plus /bench/ceiling/, a view that touches neither database
     nor templates but passes the portal's whole middleware stack: the "ceiling";
   - the portal with its page cache (PAGE_CACHE_SECONDS from the environment, else 300), for the
     pages named by --cached (the "-cached" rows: anonymous visitors answered from the cache);
   - a default Django project (`startproject`'s settings and middleware) with one constant view,
     devtools.bench_bare: the "bare" ceiling, what Django itself can serve on this machine.
   The cache is Redis when BENCH_REDIS_URL names one (as in production, shared by the workers),
   else each worker's local memory.
3. Loads each page with wrk on loopback, pages alternating within each round, and takes the
   median of the rounds for every figure: requests/s, its ratio to the portal's ceiling and to
   the bare Django ceiling, p50, p95 and p99 latency under load, p95 latency of one client
   alone (the server time of a request).
4. Counts SQL queries per request (Django test client, same settings; a cached page after its
   first request) and the bytes of each page: HTML raw and gzip-compressed, and with its
   stylesheets and scripts as served.

--profile PAGE prints a cProfile of that page's request instead (home, list, filtered, search,
country-modality, typo, page-far, detail, events, event, publications, publication, country,
site-search, ceiling, or one of them with -cached, e.g. home-cached: the request answered from
the page cache). Needs wrk (Debian package; `make bench` installs it).
"""

import argparse
import cProfile
import json
import os
import platform
import pstats
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
LUA = ROOT / "scripts" / "wrk_summary.lua"
DEFAULT_DB = f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"
# How many records the database is topped up to, unless told otherwise.
DEFAULT_CASES = int(os.environ.get("BENCH_CASES", "1000"))
DEFAULT_EVENTS = int(os.environ.get("BENCH_EVENTS", "300"))
DEFAULT_PUBLICATIONS = int(os.environ.get("BENCH_PUBLICATIONS", "300"))
# The pages also measured from the page cache, and its lifetime there.
DEFAULT_CACHED = "home,list,detail,event"
CACHE_SECONDS = os.environ.get("PAGE_CACHE_SECONDS") or "300"
CACHED_SUFFIX = "-cached"
# The bare Django ceiling: devtools/bench_bare.py, served by gunicorn.
BARE = "bare-django"
BARE_APP = "django.core.wsgi:get_wsgi_application()"
BARE_PATH = "/bench/ceiling/"


def configure_environment():
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DB
    os.environ["DJANGO_SETTINGS_MODULE"] = "devtools.bench_settings"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    os.environ.setdefault("DB_CONN_MAX_AGE", "600")
    # wrk is one client making thousands of requests: the API's limit per client stays out of it.
    os.environ["API_RATE_LIMIT_PER_MINUTE"] = "100000000"
    if os.environ.get("BENCH_REDIS_URL"):
        os.environ["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
    sys.path.insert(0, str(ROOT))


def ensure_postgresql_database(url):
    """CREATE DATABASE for a PostgreSQL URL whose database does not exist yet."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    params = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            print(f"Creating database {config['NAME']}")
            connection.execute(f'CREATE DATABASE "{config["NAME"]}"')


def prepare_database(cases=DEFAULT_CASES, events=DEFAULT_EVENTS, publications=DEFAULT_PUBLICATIONS):
    """The benchmark database, migrated and filled (see the module's docstring); scripts/
    lighthouse.py prepares it with the defaults."""
    from django.core.management import call_command

    from initiatives.models import Initiative

    (ROOT / "var").mkdir(exist_ok=True)
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    if not Initiative.objects.exists():
        call_command("load_portal_content", verbosity=0)
    missing = cases - Initiative.objects.count()
    if missing > 0:
        print(f"Generating {missing} case studies to reach {cases}...", flush=True)
        call_command("generate_volume", initiatives=missing)
    load_new_fixtures()
    prepare_events(events)
    prepare_publications(publications)


EVENT_SLUG_PREFIX = "vol-event-"
PUBLICATION_SLUG_PREFIX = "vol-publication-"
# Generated records, which do not count as the starting content of their model.
GENERATED_SLUG_PREFIXES = {
    "events.event": EVENT_SLUG_PREFIX,
    "publications.publication": PUBLICATION_SLUG_PREFIX,
}


def load_new_fixtures():
    """The starting content of the sections added since the database was prepared: every file
    of fixtures/ with a model that has no record yet (generated ones aside), in the files' order
    (events before the publications that name them), then the search index of what was loaded.
    The fixtures name their records by natural key, so a file loaded again changes nothing."""
    from django.apps import apps
    from django.core.management import call_command

    from events.models import Event
    from publications.models import Publication
    from publishing.search import refresh_search_index

    def has_records(label):
        records = apps.get_model(label)._base_manager.all()
        prefix = GENERATED_SLUG_PREFIXES.get(label)
        return (records.exclude(slug__startswith=prefix) if prefix else records).exists()

    loaded = set()
    for fixture in sorted((ROOT / "fixtures").glob("*.json")):
        labels = {record["model"] for record in json.loads(fixture.read_text())}
        if all(has_records(label) for label in labels):
            continue
        print(f"Loading {fixture.name}, new since the database was prepared", flush=True)
        call_command("loaddata", str(fixture), verbosity=0)
        loaded |= labels
    # loaddata saves raw rows, which the search index does not follow.
    if "events.event" in loaded:
        refresh_search_index(Event.objects.exclude(slug__startswith=EVENT_SLUG_PREFIX))
    if "publications.publication" in loaded:
        refresh_search_index(Publication.objects.exclude(slug__startswith=PUBLICATION_SLUG_PREFIX))


def prepare_events(wanted):
    """The next UN Day, then generated events up to `wanted`."""
    from events.models import Event
    from events.un_day import ensure_next_un_day

    ensure_next_un_day()
    missing = wanted - Event.objects.count()
    if missing > 0:
        print(f"Generating {missing} events to reach {wanted}...", flush=True)
        generate_events(missing)


def prepare_publications(wanted):
    """Generated publications up to `wanted`."""
    from publications.models import Publication

    missing = wanted - Publication.objects.count()
    if missing > 0:
        print(f"Generating {missing} publications to reach {wanted}...", flush=True)
        generate_publications(missing)


def generate_events(count, seed=20260912):
    """`count` published events, slugs vol-event-<n>: three in four past, spread over twelve
    years; the rest upcoming within a year, open for registration, with 0-60 registrations each
    in every status; about one in five a side event of an earlier generated one, the day after."""
    import random
    from datetime import UTC, timedelta

    from django.db import transaction
    from django.utils import timezone

    from core.signals import send_content_changed
    from events.models import (
        DatePrecision,
        Event,
        EventFormat,
        EventKind,
        Registration,
        RegistrationStatus,
    )
    from publishing.models import Status
    from publishing.search import refresh_search_index
    from taxonomy.models import Country, Theme

    rng = random.Random(seed)  # noqa: S311 (sample data, not secrets)
    now = timezone.now()
    countries = list(Country.objects.values_list("pk", flat=True))
    themes = list(Theme.objects.values_list("pk", flat=True))
    kinds = [kind for kind in EventKind.values if kind != EventKind.SIDE_EVENT]
    topics = [
        "South-South knowledge exchange on food security",
        "Triangular cooperation for climate adaptation",
        "Digital public goods across the Global South",
        "Health systems resilience: lessons shared",
        "Financing sustainable infrastructure in the South",
        "Youth employment and skills partnerships",
        "Women's economic empowerment through cooperation",
        "Disaster risk reduction in small island States",
    ]
    start = Event.objects.filter(slug__startswith=EVENT_SLUG_PREFIX).count() + 1
    events, themes_of, parent_of, main_events = [], {}, {}, []
    for number in range(start, start + count):
        slug = f"{EVENT_SLUG_PREFIX}{number}"
        if main_events and rng.random() < 0.2:  # a side event, the day after its main event
            parent = rng.choice(main_events)
            parent_of[slug] = parent.slug
            starts_at = parent.starts_at + timedelta(days=1)
            upcoming = starts_at > now
        else:
            upcoming = rng.random() < 0.25
            days = rng.randint(3, 365) if upcoming else -rng.randint(3, 365 * 12)
            starts_at = (now + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
        event_format = rng.choice(EventFormat.values)
        topic = rng.choice(topics)
        events.append(
            Event(
                title=f"{topic} ({number})",
                slug=slug,
                summary=f"{topic}: practitioners from developing countries compare what works.",
                description=f"{topic}.\n\nA generated event for the benchmark.",
                status=Status.PUBLISHED,
                published_at=min(now, starts_at) - timedelta(days=30),
                kind=EventKind.SIDE_EVENT if slug in parent_of else rng.choice(kinds),
                starts_at=starts_at.astimezone(UTC),
                ends_at=(starts_at + timedelta(hours=rng.choice([2, 3, 8, 48]))).astimezone(UTC),
                time_zone=rng.choice(["America/New_York", "Africa/Nairobi", "Asia/Bangkok"]),
                date_precision=DatePrecision.TIME,
                format=event_format,
                country_id=None if event_format == EventFormat.ONLINE else rng.choice(countries),
                registration_enabled=upcoming,
                capacity=rng.choice([None, 50, 100, 300]) if upcoming else None,
                waiting_list=True,
            )
        )
        if slug not in parent_of:
            main_events.append(events[-1])
        themes_of[slug] = rng.sample(themes, k=min(len(themes), rng.randint(1, 3)))
    with transaction.atomic():
        Event.objects.bulk_create(events, batch_size=500)
        created = dict(
            Event.objects.filter(slug__in=[event.slug for event in events]).values_list(
                "slug", "pk"
            )
        )
        Event.themes.through.objects.bulk_create(
            [
                Event.themes.through(event_id=created[slug], theme_id=theme)
                for slug, chosen in themes_of.items()
                for theme in chosen
            ],
            batch_size=1000,
        )
        for slug, parent_slug in parent_of.items():
            Event.objects.filter(slug=slug).update(parent_id=created[parent_slug])
        registrations = []
        statuses = list(RegistrationStatus.values)
        for event in events:
            if not event.registration_enabled:
                continue
            for person in range(rng.randint(0, 60)):
                status = rng.choice(statuses)
                registrations.append(
                    Registration(
                        event_id=created[event.slug],
                        name=f"Participant {person}",
                        email=f"participant{person}@example.org",
                        consented_at=now,
                        status=status,
                        confirmed_at=now if status == RegistrationStatus.CONFIRMED else None,
                    )
                )
        Registration.objects.bulk_create(registrations, batch_size=1000)
        # bulk_create and update() skip the signals that keep the search index.
        refresh_search_index(Event.objects.filter(pk__in=created.values()))
    send_content_changed()


def generate_publications(count, seed=20261012):
    """`count` published publications, slugs vol-publication-<n>: every kind, issued from 1978
    to this year (an exact date for about half), mostly in English, each from one or two
    publishers with one to three themes and goals and a source; about one in three related to
    one to three case studies, one in five to an event; a document elsewhere or a note saying
    why the portal has none (the generated ones have no file)."""
    import random
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from core.signals import send_content_changed
    from events.models import Event
    from initiatives.models import Initiative
    from publications.models import Language, Publication, PublicationKind
    from publishing.models import Status
    from publishing.search import refresh_search_index
    from taxonomy.models import SDG, Organisation, Source, Theme

    rng = random.Random(seed)  # noqa: S311 (sample data, not secrets)
    now = timezone.now()
    organisations = list(Organisation.objects.values_list("pk", flat=True))
    themes = list(Theme.objects.values_list("pk", flat=True))
    sdgs = list(SDG.objects.values_list("pk", flat=True))
    sources = list(Source.objects.values_list("pk", flat=True))
    initiatives = list(Initiative.objects.published().values_list("pk", flat=True)[:5000])
    events = list(Event.objects.published().values_list("pk", flat=True))
    languages = [Language.ENGLISH] * 7 + list(Language.values)
    subjects = [
        "South-South cooperation for food security",
        "Triangular cooperation in health",
        "Knowledge sharing among developing countries",
        "Financing South-South cooperation",
        "Climate adaptation through South-South partnerships",
        "Digital transformation in the Global South",
        "Measuring the impact of South-South cooperation",
        "Technical cooperation among developing countries",
    ]
    start = Publication.objects.filter(slug__startswith=PUBLICATION_SLUG_PREFIX).count() + 1
    publications, relations = [], {}
    for number in range(start, start + count):
        slug = f"{PUBLICATION_SLUG_PREFIX}{number}"
        kind = rng.choice(PublicationKind.values)
        year = rng.randint(1978, now.year)
        issued_on = (
            date(year, rng.randint(1, 12), rng.randint(1, 28)) if rng.random() < 0.5 else None
        )
        if issued_on and issued_on > now.date():
            issued_on = None
        subject = rng.choice(subjects)
        elsewhere = rng.random() < 0.6
        publications.append(
            Publication(
                title=f"{subject}: {PublicationKind(kind).label.lower()} {year} ({number})",
                slug=slug,
                summary=f"{subject}: what developing countries learned, and how they shared it.",
                description=f"{subject}.\n\nA generated publication for the benchmark.",
                status=Status.PUBLISHED,
                published_at=now - timedelta(days=rng.randint(1, 365 * 5)),
                kind=kind,
                year=year,
                issued_on=issued_on,
                language=rng.choice(languages),
                external_url=f"https://example.org/publications/{number}" if elsewhere else "",
                document_note="" if elsewhere else "The portal may not share this document.",
            )
        )
        relations[slug] = {
            "publishers": rng.sample(organisations, k=min(len(organisations), rng.randint(1, 2))),
            "themes": rng.sample(themes, k=min(len(themes), rng.randint(1, 3))),
            "sdgs": rng.sample(sdgs, k=min(len(sdgs), rng.randint(1, 3))),
            "sources": rng.sample(sources, k=min(len(sources), 1)),
            "initiatives": (
                rng.sample(initiatives, k=min(len(initiatives), rng.randint(1, 3)))
                if rng.random() < 1 / 3
                else []
            ),
            "events": rng.sample(events, k=min(len(events), 1)) if rng.random() < 0.2 else [],
        }
    with transaction.atomic():
        Publication.objects.bulk_create(publications, batch_size=500)
        created = dict(Publication.objects.filter(slug__in=relations).values_list("slug", "pk"))
        for field in ("publishers", "themes", "sdgs", "sources", "initiatives", "events"):
            through = getattr(Publication, field).through
            target = getattr(Publication, field).field.m2m_reverse_field_name()
            through.objects.bulk_create(
                [
                    through(publication_id=created[slug], **{f"{target}_id": pk})
                    for slug, chosen in relations.items()
                    for pk in chosen[field]
                ],
                batch_size=1000,
            )
        # bulk_create skips the signals that keep the search index.
        refresh_search_index(Publication.objects.filter(pk__in=created.values()))
    send_content_changed()


def choose_pages():
    """The addresses measured, chosen from the data so that each filter finds something."""
    from django.db.models import Count

    from events.un_day import ensure_next_un_day
    from initiatives.models import CountryRole, Initiative, InitiativeCountry
    from publications.models import Publication
    from taxonomy.models import Region

    detail = (
        Initiative.objects.published()
        .filter(country_roles__role=CountryRole.BENEFICIARY, sdgs__isnull=False)
        .order_by("-published_at")
        .first()
    )
    if detail is None:
        sys.exit("No published case study with a beneficiary country and a goal to measure.")
    country = detail.country_roles.filter(role=CountryRole.BENEFICIARY).first().country
    top_region = Region.objects.get(path=country.region.path.split("/")[0] + "/")
    sdg = detail.sdgs.order_by("number").first()
    words = sorted(re.findall(r"[^\W\d_]{5,}", detail.title), key=len, reverse=True)
    word = words[0].lower() if words else "cooperation"
    # The publication with the most related case studies and events, the busiest country.
    publication = (
        Publication.objects.published()
        .annotate(related=Count("initiatives", distinct=True) + Count("events", distinct=True))
        .order_by("-related", "-year", "slug")
        .first()
    )
    if publication is None:
        sys.exit("No published publication to measure.")
    busiest = (
        InitiativeCountry.objects.filter(initiative__in=Initiative.objects.published())
        .values("country__iso2")
        .annotate(roles=Count("pk"))
        .order_by("-roles", "country__iso2")
        .first()
    )
    # Page 50 of the list, or its last page when it has fewer.
    far_page = max(1, min(50, Initiative.objects.published().count() // 20))
    return {
        "ceiling": "/bench/ceiling/",
        "home": "/",
        "list": "/initiatives/",
        "filtered": f"/initiatives/?region={top_region.slug}&sdg={sdg.number}",
        "search": f"/initiatives/?q={word}",
        # One country with one modality; the same word with a letter typed twice, which the
        # full-text search does not find and the close matches (pg_trgm) do; a page far in.
        "country-modality": f"/initiatives/?country={country.iso2}&modality={detail.modality}",
        "typo": f"/initiatives/?q={word[:3]}{word[2:]}",
        "page-far": f"/initiatives/?page={far_page}",
        "detail": detail.get_absolute_url(),
        # The upcoming events and the page of the next UN Day, with its registration form.
        "events": "/events/",
        "event": ensure_next_un_day().get_absolute_url(),
        "publications": "/publications/",
        "publication": publication.get_absolute_url(),
        "country": f"/countries/{busiest['country__iso2']}/",
        # A word nearly everything holds: every type has results to count and rank.
        "site-search": "/search/?q=cooperation",
        # The read API: the same list, filter and case study as JSON.
        "api-list": "/api/v1/case-studies/",
        "api-filtered": f"/api/v1/case-studies/?region={top_region.slug}&sdg={sdg.number}",
        "api-detail": f"/api/v1/case-studies/{detail.slug}/",
    }


def cache_seconds(name):
    """PAGE_CACHE_SECONDS of the server a page's row is measured on."""
    return int(CACHE_SECONDS) if name.endswith(CACHED_SUFFIX) else 0


def count_queries(pages):
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    client = Client()
    counts = {}
    for name, url in pages.items():
        with override_settings(PAGE_CACHE_SECONDS=cache_seconds(name)):
            client.get(url)  # warm caches the way a running server has them
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}")
        counts[name] = len(queries)
    return counts


def fetch(url, compressed):
    headers = {"Accept-Encoding": "gzip"} if compressed else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (http on loopback)
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.read()


def page_weights(bases, pages):
    """HTML bytes raw and compressed, and compressed with the page's own CSS and JS."""
    weights = {}
    for name, path in pages.items():
        base = bases[name]
        raw = fetch(base + path, compressed=False)
        packed = fetch(base + path, compressed=True)
        assets = re.findall(
            rb'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"|<script[^>]+src="([^"]+)"', raw
        )
        asset_bytes = 0
        for href, src in assets:
            asset_bytes += len(fetch(base + (href or src).decode(), compressed=True))
        weights[name] = {
            "raw": len(raw),
            "gzip": len(packed),
            "with_assets": len(packed) + asset_bytes,
        }
    return weights


def free_port():
    """A loopback port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(port, *options, stdout=None, env=None, app="sscportal.wsgi", probe="/health/"):
    """gunicorn (gunicorn.conf.py) serving `app` (the portal unless told otherwise) on loopback
    with `options` (default: 2 sync workers, as the ceiling is measured) and the environment
    changed by `env`; returns once `probe` answers."""
    options = options or ("--workers", "2")
    command = [str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), app, *options]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    # The portal's gunicorn settings, without the access log and without replacing workers
    # half-way through a measurement.
    environment = {
        **os.environ,
        "GUNICORN_ACCESS_LOG": "",
        "GUNICORN_MAX_REQUESTS": "0",
        **(env or {}),
    }
    server = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=stdout)  # noqa: S603
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with status {server.returncode}")
        try:
            fetch(f"http://127.0.0.1:{port}{probe}", compressed=False)
            return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    sys.exit(f"gunicorn did not answer on {probe} within 30 s")


def wrk(url, duration, threads, connections):
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        url,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    summary = json.loads(output.strip().splitlines()[-1])
    if summary["non_2xx"] or summary["socket_errors"]:
        print(f"  warning: {url}: {summary['non_2xx']} non-2xx, {summary['socket_errors']} errors")
    summary["rps"] = summary["requests"] / (summary["duration_us"] / 1e6)
    return summary


def measure(urls, rounds, duration, connections):
    """wrk on each of `urls` (name: full address), in turn within each round."""
    load = {name: [] for name in urls}
    alone = {name: [] for name in urls}
    names = list(urls)
    for name in names:  # warm-up: every worker has imported, compiled, connected and cached
        wrk(urls[name], 1, 1, 2)
    for round_number in range(rounds):
        order = names[round_number % len(names) :] + names[: round_number % len(names)]
        print(f"round {round_number + 1}/{rounds}: {', '.join(order)}", flush=True)
        for name in order:
            load[name].append(wrk(urls[name], duration, 2, connections))
            settle(load[name][-1])
            alone[name].append(wrk(urls[name], max(1, duration // 2), 1, 1))
            settle(alone[name][-1])
    return load, alone


def settle(summary):
    """Wait while the server finishes the requests wrk left queued when it stopped (a sync
    worker only notices a closed connection when it answers), so that they do not slow the
    next measurement: at most about the slowest request's time."""
    time.sleep(min(summary["p99_us"] / 1e6, 10))


def median(runs, key):
    return statistics.median(run[key] for run in runs)


def machine_description():
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def report(pages, load, alone, queries, weights, database, connections):
    import django
    from django.conf import settings

    from events.models import Event
    from initiatives.models import Initiative
    from publications.models import Publication

    ceiling = median(load["ceiling"], "rps")
    bare = median(load[BARE], "rps")
    width = max(len(name) for name in load)
    print()
    print(f"SSC Portal benchmark, {date.today().isoformat()}")
    print(f"Machine: {machine_description()}, Django {django.get_version()}")
    print(
        f"Database: {database}; {Initiative.objects.count()} case studies, "
        f"{Initiative.objects.published().count()} published; "
        f"{Event.objects.published().count()} events, "
        f"{Event.objects.published().upcoming().count()} upcoming; "
        f"{Publication.objects.published().count()} publications"
    )
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(
        "gunicorn: 2 sync workers per server, devtools.bench_settings (DEBUG off); "
        f"cache {backend}; wrk on loopback"
    )
    print(f"Medians of {len(load['ceiling'])} alternating rounds per page.")
    print()
    header = (
        f"{'page':<{width}} {'req/s':>7} {'ceiling':>8} {'bare':>7} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7} {'alone p95':>9} {'SQL':>4} {'HTML':>8} {'gzip':>7} {'+CSS/JS':>8}"
    )
    print(header)
    print("-" * len(header))
    for name in load:
        rps = median(load[name], "rps")
        if name in weights:
            sizes = (
                f"{queries[name]:>4} {weights[name]['raw']:>8} {weights[name]['gzip']:>7} "
                f"{weights[name]['with_assets']:>8}"
            )
        else:
            sizes = f"{'-':>4} {'-':>8} {'-':>7} {'-':>8}"
        print(
            f"{name:<{width}} {rps:>7.0f} {rps / ceiling:>7.1%} {rps / bare:>7.1%} "
            f"{median(load[name], 'p50_us') / 1000:>7.1f} "
            f"{median(load[name], 'p95_us') / 1000:>7.1f} "
            f"{median(load[name], 'p99_us') / 1000:>7.1f} "
            f"{median(alone[name], 'p95_us') / 1000:>9.1f} {sizes}"
        )
    print()
    print("Addresses:")
    for name, url in pages.items():
        print(f"  {name:<{width}} {url}")
    print(
        f"req/s and p50/p95/p99 under load (wrk -t2 -c{connections}); 'alone p95' with one client "
        "(wrk -t1 -c1): the server time of a request; bytes are of the response body."
    )
    print(
        "'ceiling': share of the portal's /bench/ceiling/ (its whole middleware stack, no "
        "database or template); 'bare': share of a default Django project's constant view "
        f"({BARE}). Rows ending in {CACHED_SUFFIX}: anonymous requests answered from the page "
        f"cache (PAGE_CACHE_SECONDS={CACHE_SECONDS}); the others without it (PAGE_CACHE_SECONDS=0)."
    )


def profile(page_name, pages, repeat=200):
    from django.test import Client, override_settings

    if page_name not in pages:
        sys.exit(f"No page {page_name!r}: choose one of {', '.join(pages)}")
    client = Client()
    url = pages[page_name]
    with override_settings(PAGE_CACHE_SECONDS=cache_seconds(page_name)):
        for _ in range(20):
            client.get(url)
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for _ in range(repeat):
            client.get(url)
        profiler.disable()
    elapsed = (time.perf_counter() - started) / repeat
    print(f"{page_name} {url}: {elapsed * 1000:.2f} ms per request in-process (with profiler)")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=DEFAULT_CASES)
    parser.add_argument("--events", type=int, default=DEFAULT_EVENTS)
    parser.add_argument("--publications", type=int, default=DEFAULT_PUBLICATIONS)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=4, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--cached",
        default=DEFAULT_CACHED,
        help=f"pages also measured from the page cache, comma-separated (default {DEFAULT_CACHED})",
    )
    parser.add_argument(
        "--only",
        metavar="PAGES",
        help="measure only these pages (comma-separated, e.g. home-cached,event), the ceilings too",
    )
    parser.add_argument(
        "--words",
        metavar="WORDS",
        help="also the case-study list searched for each of these words (comma-separated), "
        "each a page of its own, 'search:WORD'",
    )
    parser.add_argument("--profile", metavar="PAGE", help="print a profile of one page instead")
    parser.add_argument("--skip-prepare", action="store_true", help="use the database as it is")
    args = parser.parse_args()

    if not shutil.which("wrk") and not args.profile:
        sys.exit("wrk not found: install Debian's wrk package (`make bench` does).")
    configure_environment()
    database = os.environ["DATABASE_URL"]
    if database.startswith(("postgres://", "postgresql://")):
        ensure_postgresql_database(database)

    import django

    django.setup()
    if not args.skip_prepare:
        prepare_database(args.cases, args.events, args.publications)
    pages = choose_pages()
    for word in (args.words or "").split(","):
        if word.strip():
            pages[f"search:{word.strip()}"] = f"/initiatives/?{urlencode({'q': word.strip()})}"
    cached = [name.strip() for name in args.cached.split(",") if name.strip()]
    unknown = [name for name in cached if name not in pages or name == "ceiling"]
    if unknown:
        sys.exit(f"--cached: no page {', '.join(unknown)}")
    pages.update({f"{name}{CACHED_SUFFIX}": pages[name] for name in cached})
    if args.profile:
        profile(args.profile, pages)
        return
    if args.only:
        only = {name.strip() for name in args.only.split(",") if name.strip()}
        if only - set(pages):
            sys.exit(f"--only: no page {', '.join(sorted(only - set(pages)))}")
        pages = {name: path for name, path in pages.items() if name in only | {"ceiling"}}

    queries = count_queries(pages)
    servers = {}
    try:
        for kind, env, app, probe in (
            ("uncached", {"PAGE_CACHE_SECONDS": "0"}, "sscportal.wsgi", "/health/"),
            ("cached", {"PAGE_CACHE_SECONDS": CACHE_SECONDS}, "sscportal.wsgi", "/health/"),
            (BARE, {"DJANGO_SETTINGS_MODULE": "devtools.bench_bare"}, BARE_APP, BARE_PATH),
        ):
            port = free_port()
            servers[kind] = (start_gunicorn(port, env=env, app=app, probe=probe), port)
        bases = {
            name: f"http://127.0.0.1:{servers['cached' if cache_seconds(name) else 'uncached'][1]}"
            for name in pages
        }
        weights = page_weights(bases, pages)
        urls = {BARE: f"http://127.0.0.1:{servers[BARE][1]}{BARE_PATH}"}
        urls.update({name: bases[name] + path for name, path in pages.items()})
        load, alone = measure(urls, args.rounds, args.duration, args.connections)
    finally:
        for server, _port in servers.values():
            server.terminate()
            server.wait(timeout=30)
    label = database.split("@")[-1].split("?")[0]
    report(pages, load, alone, queries, weights, label, args.connections)


if __name__ == "__main__":
    main()
