"""`manage.py generate_volume --initiatives N`: many realistic case studies for benchmarks (see
devtools.volume). Generated rows have `vol-` slugs; `--clear` removes them."""

import secrets
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from tqdm import tqdm

from core.signals import send_content_changed
from devtools import volume


class Command(BaseCommand):
    help = "Generate N realistic case studies for benchmarks (after load_portal_content)."

    def add_arguments(self, parser):
        add = parser.add_argument
        add("--initiatives", type=int, default=0, metavar="N", help="How many to add.")
        add("--seed", type=int, help="The same seed, the same case studies (default: drawn).")
        add("--batch-size", type=int, default=2000, metavar="B", help="Rows per transaction.")
        add("--clear", action="store_true", help="First delete generated rows (organisations too).")
        add("--no-search-index", action="store_true", help="Faster; the search will miss them.")

    def handle(self, *args, initiatives, seed, batch_size, clear, no_search_index, **options):
        say = self.stdout.write if options["verbosity"] else (lambda message: None)
        if initiatives < 0 or batch_size < 1:
            raise CommandError("--initiatives must be 0 or more and --batch-size 1 or more.")
        if not (initiatives or clear):
            raise CommandError("Give --initiatives N (or --clear to remove generated rows).")
        started = time.monotonic()
        if clear:
            cases, links, organisations = volume.clear(batch_size)
            say(
                f"Deleted {cases:,} generated case studies, {links:,} rows linking them and "
                f"{organisations:,} generated organisations in {time.monotonic() - started:.1f}s."
            )
        if not initiatives:
            return
        if missing := volume.missing_taxonomy():
            raise CommandError(f"No {', '.join(missing)}: run `manage.py load_portal_content`.")
        seed = secrets.randbelow(2**31) if seed is None else seed
        generator, started = volume.Volume(seed), time.monotonic()
        say(
            f"Seed {seed}; {generator.new_organisations} organisations created. Generating "
            f"{initiatives:,} case studies from vol-{generator.number:07d}, {batch_size:,} per "
            f"transaction, on {connection.vendor}."
        )
        # A progress bar on a terminal, for runs of several batches.
        bar = options["verbosity"] and initiatives > batch_size and sys.stderr.isatty()
        with tqdm(total=initiatives, unit=" case studies", disable=not bar) as progress:
            for done in range(0, initiatives, batch_size):
                size = min(batch_size, initiatives - done)
                generator.write(size, index=not no_search_index)
                progress.update(size)
        send_content_changed()  # bulk_create sends no signal: caches built from content reload
        elapsed = time.monotonic() - started
        links = ", ".join(f"{total:,} {name}" for name, total in generator.totals.items())
        say(
            self.style.SUCCESS(
                f"Generated {initiatives:,} case studies in {elapsed:.1f}s "
                f"({initiatives / elapsed:,.0f}/s), with links: {links}."
            )
        )
