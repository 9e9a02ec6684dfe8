from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from events.un_day import ensure_next_un_day
from publishing.content import registered

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


def portal_fixtures():
    """The starting content, in loading order: files are numbered so that reference data comes
    before the records that point at it."""
    return sorted(FIXTURES_DIR.glob("*.json"))


class Command(BaseCommand):
    help = (
        "Load the portal's starting content from fixtures/. Records are matched on their natural "
        "keys, so running it again updates them in place and creates nothing twice."
    )

    def handle(self, *args, **options):
        fixtures = portal_fixtures()
        for fixture in fixtures:
            call_command("loaddata", str(fixture), verbosity=0)
            if options["verbosity"] >= 2:
                self.stdout.write(f"loaded {fixture.name}")
        # loaddata saves raw rows, which the search index does not follow: rebuild it once.
        indexed = [
            f"{content.refresh_index(content.model._base_manager.all())} {content.plural}"
            for content in registered()
        ]
        # The next UN Day for South-South Cooperation, open for registration; kept as it is if
        # it is already there, so loading again changes nothing.
        un_day = ensure_next_un_day()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {len(fixtures)} fixture files; indexed {', '.join(indexed).lower()}; "
                f"next UN Day for South-South Cooperation: {un_day.slug}."
            )
        )
