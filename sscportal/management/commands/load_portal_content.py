"""Load the starting content: refresh the reference data, create the content that is missing.

Two kinds of record are in fixtures/:

- **Reference data** published by outside authorities and generated from data/ (the UN M49
  regions and countries with their codes and LDC/LLDC/SIDS flags, the 17 SDGs and their 169
  targets, with their names in the six languages): loaded with `loaddata`, so a new release of
  the sources refreshes what the portal holds.
- **Content** that staff curate in the admin: case studies (with their country and organisation
  rows), events, publications, key figures, About sections, and the themes, forms of
  cooperation, organisations and sources they cite. A record is created once, the first time the
  command sees it, and `SeededRecord` notes it. After that the command leaves it alone: an edited
  record keeps its edits, links included, and a deleted one stays deleted (unless
  `--restore-deleted`). A record added to the fixtures later is created on the next run.
"""

import json
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.core.serializers.base import DeserializationError
from django.db import transaction

from events.un_day import ensure_next_un_day
from publishing.content import registered
from publishing.history import record_baseline
from sscportal.models import SeededRecord

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
# Refreshed from the fixtures on every run: staff do not edit these.
REFERENCE_MODELS = {"taxonomy.region", "taxonomy.country", "taxonomy.sdg", "taxonomy.sdgtarget"}


def portal_fixtures():
    """The starting content, in loading order: files are numbered so that reference data comes
    before the records that point at it."""
    return sorted(FIXTURES_DIR.glob("*.json"))


def fixture_models(path):
    return {record["model"].lower() for record in json.loads(path.read_text(encoding="utf-8"))}


def record_parts():
    """{label of a part model: name of its foreign key to the record it belongs to}, e.g. a case
    study's country rows: they are created with their record, never on their own."""
    return {
        part._meta.label_lower: foreign_key
        for content in registered()
        for part, foreign_key in content.parts.items()
    }


def links_saved(record):
    """Let a content record add the links its links imply (Publishable.links_saved)."""
    if hasattr(record, "links_saved"):
        record.links_saved()


class ContentLoader:
    def __init__(self, restore_deleted=False):
        self.restore_deleted = restore_deleted
        self.parts = record_parts()
        self.created = set()  # (model label, natural key) of the records created in this run
        self.counts = {"created": 0, "kept": 0, "deleted": 0}
        self.warnings = []

    def load(self, path):
        deferred = []
        for raw in json.loads(path.read_text(encoding="utf-8")):
            label = raw["model"].lower()
            if label in self.parts:
                # Deserializing a part reads the record it belongs to: skip it unless that
                # record was created now (staff may have changed, or deleted, its rows).
                parent_key = json.dumps(raw["fields"][self.parts[label]], ensure_ascii=False)
                parent_label = self.parent_label(label)
                if (parent_label, parent_key) not in self.created:
                    continue
            for loaded in serializers.deserialize("python", [raw], handle_forward_references=True):
                if self.load_record(loaded) and loaded.deferred_fields:
                    deferred.append(loaded)
        for loaded in deferred:
            try:
                loaded.save_deferred_fields()
            except (DeserializationError, ObjectDoesNotExist) as error:
                # It names a record staff have deleted: the new record goes without that link.
                self.warnings.append(f"{loaded.object}: {error}")
            links_saved(loaded.object)

    def parent_label(self, label):
        model = apps.get_model(label)
        return model._meta.get_field(self.parts[label]).related_model._meta.label_lower

    def load_record(self, loaded):
        """Create the record if it has never been loaded; True if it was created."""
        record = loaded.object
        label = record._meta.label_lower
        if label in self.parts:
            if loaded.deferred_fields:  # it names a record staff have deleted
                self.warnings.append(f"{record}: {', '.join(map(str, loaded.deferred_fields))}")
                return False
            loaded.save()
            return True
        key = json.dumps(record.natural_key(), ensure_ascii=False)
        seeded = SeededRecord.objects.filter(model=label, natural_key=key).exists()
        if record.pk is not None:  # found by its natural key: already in the database
            if not seeded:
                SeededRecord.objects.create(model=label, natural_key=key)
            self.counts["kept"] += 1
            return False
        if seeded and not self.restore_deleted:
            self.counts["deleted"] += 1
            return False
        loaded.save()
        if not loaded.deferred_fields:
            links_saved(record)
        self.created.add((label, key))
        if not seeded:
            SeededRecord.objects.create(model=label, natural_key=key)
        self.counts["created"] += 1
        return True


class Command(BaseCommand):
    help = (
        "Load the portal's starting content from fixtures/: refresh the reference data (M49 "
        "regions and countries, SDGs and their targets) and create the content records that have "
        "never been loaded. Records staff have edited or deleted are left as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--restore-deleted",
            action="store_true",
            help="Also create again the starting-content records that staff have deleted.",
        )

    def handle(self, *args, **options):
        fixtures = portal_fixtures()
        loader = ContentLoader(restore_deleted=options["restore_deleted"])
        with transaction.atomic():
            for fixture in fixtures:
                if fixture_models(fixture) <= REFERENCE_MODELS:
                    call_command("loaddata", str(fixture), verbosity=0)
                else:
                    loader.load(fixture)
                if options["verbosity"] >= 2:
                    self.stdout.write(f"loaded {fixture.name}")
        for warning in loader.warnings:
            self.stderr.write(f"Left out a link to a deleted record: {warning}")
        # Saved rows (raw, as loaddata does) are not followed by the search index: rebuild it.
        indexed = [
            f"{content.refresh_index(content.model._base_manager.all())} {content.plural}"
            for content in registered()
        ]
        # The next UN Day for South-South Cooperation, open for registration; kept as it is if
        # it is already there, so loading again changes nothing.
        un_day = ensure_next_un_day()
        # A first version of every record that has none (the records created now, and any made
        # before versions were kept), so that their history starts from what was loaded.
        versioned = sum(
            record_baseline(
                content.model._base_manager.all(),
                "First recorded version: the starting content, or the record as it was when "
                "versions began to be kept.",
            )
            for content in registered()
        )
        counts = loader.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {len(fixtures)} fixture files: reference data refreshed; "
                f"{counts['created']} content records created, {counts['kept']} kept as they "
                f"are, {counts['deleted']} deleted by staff left out; "
                f"indexed {', '.join(indexed).lower()}; "
                f"first versions recorded of {versioned} records; "
                f"next UN Day for South-South Cooperation: {un_day.slug}."
            )
        )
