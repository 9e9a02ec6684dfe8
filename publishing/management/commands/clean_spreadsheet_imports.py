import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from publishing.spreadsheet_jobs import clean_up


class Command(BaseCommand):
    help = (
        "Delete the spreadsheets that wait in the media storage for a confirmation that has not "
        "come within --hours (an abandoned preview), close the long imports left waiting that "
        "long, and forget the imports older than --days. Schedule it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24, help="default: 24")
        parser.add_argument("--days", type=int, default=30, help="default: 30")

    def handle(self, *args, **options):
        now = timezone.now()
        files, closed, forgotten = clean_up(
            files_before=now - datetime.timedelta(hours=options["hours"]),
            jobs_before=now - datetime.timedelta(days=options["days"]),
        )
        self.stdout.write(
            f"Deleted {files} waiting spreadsheet files, closed {closed} imports left waiting, "
            f"forgot {forgotten} past imports."
        )
