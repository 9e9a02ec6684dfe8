from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.models import Count

from events.privacy import erase, expired_registrations, retention_cutoff


class Command(BaseCommand):
    help = (
        "Erase the name, e-mail, organisation and country of everyone registered for an event "
        "that ended more than REGISTRATION_RETENTION_DAYS days ago. The registrations stay, "
        "anonymised, so the counts hold. Schedule it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say how many registrations would be erased, and change nothing.",
        )

    def handle(self, *args, **options):
        cutoff = retention_cutoff()
        expired = expired_registrations()
        per_event = (
            expired.values("event__slug").annotate(count=Count("pk")).order_by("event__slug")
        )
        if options["verbosity"] >= 2:
            for row in per_event:
                self.stdout.write(f"{row['event__slug']}: {row['count']}")
        days = settings.REGISTRATION_RETENTION_DAYS
        scope = f"events that ended before {cutoff:%Y-%m-%d %H:%M} UTC ({days} days ago)"
        events = len(per_event)
        if options["dry_run"]:
            count = expired.count()
            self.stdout.write(
                f"Dry run: would erase {count} registrations of {events} {scope}; nothing changed."
            )
            return
        count = erase(expired)
        self.stdout.write(self.style.SUCCESS(f"Erased {count} registrations of {events} {scope}."))
