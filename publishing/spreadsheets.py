"""Case studies, events and publications in and out of spreadsheets (CSV and XLSX), with
django-import-export: the columns people fill in, the rules every import keeps, and the wording
of row errors.

The rules (see also `PublishableResource`):

- A row is found by its slug (made from the title when the cell is empty). A row whose record is
  published is refused: an import never changes a live page. Every record an import creates or
  changes arrives in review, without a publication date, whatever a "status" column says.
- All or nothing: the admin imports in one transaction and writes nothing when any row fails
  (publishing.admin_spreadsheets).
- Row numbers are those the spreadsheet shows: the header is row 1, the first record row 2.
- A cell with several values separates them with semicolons (or line breaks): "Kenya; Brazil".
- Formula injection: on export, a text cell that a spreadsheet would read as a formula (it starts
  with = + - @, a tab or a carriage return) gets a leading apostrophe, as the registrant CSV
  does (events/admin.py). So that an export reads back unchanged, a cell that already starts
  with apostrophes before such a character gets one more; on import, one apostrophe is removed
  from a cell that starts with apostrophes followed by such a character. Any other text, with
  or without an apostrophe, is read as it is.
"""

import datetime
import re
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources
from import_export.instance_loaders import CachedInstanceLoader
from import_export.resources import Diff

from .content import deferred_indexing
from .models import Status

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPED_FORMULA = re.compile(r"^'+[=+\-@\t\r]")
SEPARATOR = re.compile(r"[;\n\r]+")


def neutralise(text):
    """The text as an export writes it: a spreadsheet shows it, never evaluates it."""
    if text.startswith(FORMULA_STARTS) or ESCAPED_FORMULA.match(text):
        return f"'{text}"
    return text


def restore(text):
    """The text an export neutralised, as it was; any other text unchanged."""
    return text[1:] if ESCAPED_FORMULA.match(text) else text


def cell_text(value):
    """A cell as text: numbers from spreadsheets without their ".0", dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return restore(str(value).strip())


def split_cell(value):
    """The values of a cell that holds several: "Kenya; Brazil" -> ["Kenya", "Brazil"]."""
    return [part.strip() for part in SEPARATOR.split(cell_text(value)) if part.strip()]


class Column(fields.Field):
    """A column of the spreadsheet and the record's attribute it holds. `parse()` reads a cell
    (raising ValueError with what is wrong), `render()` writes one."""

    is_relation = False

    def __init__(self, attribute, column_name, *, required=False):
        super().__init__(attribute=attribute, column_name=column_name)
        self.required = required

    def parse(self, value):
        return cell_text(value)

    def render(self, value):
        return neutralise("" if value is None else str(value))

    def clean(self, row, **kwargs):
        value = self.parse(row.get(self.column_name))
        if self.required and value in (None, "", []):
            raise ValueError(_("missing %(column)s") % {"column": self.column_name})
        return value

    def export(self, instance, **kwargs):
        return self.render(self.get_value(instance))


class YearColumn(Column):
    """2019, "2019", 2019.0 (a number cell) or a date cell."""

    def parse(self, value):
        if isinstance(value, datetime.date):
            return value.year
        text = cell_text(value)
        if not text:
            return None
        if re.fullmatch(r"\d{4}(?:\.0+)?", text):
            return int(float(text))
        raise ValueError(_("“%(value)s” is not a year") % {"value": text})

    def render(self, value):
        return "" if value is None else str(value)


DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y", "%B %d, %Y"]


def parse_date(value):
    """A date as people write it: 2024-09-12, 12/09/2024 (day first), 12.09.2024,
    12 September 2024, September 12, 2024, or a spreadsheet's date cell."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = " ".join(cell_text(value).split())
    if not text:
        return None
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(_("“%(value)s” is not a date (write it as 2024-09-12)") % {"value": text})


class DateColumn(Column):
    def parse(self, value):
        return parse_date(value)

    def render(self, value):
        return value.isoformat() if value else ""


class DecimalColumn(Column):
    def parse(self, value):
        text = cell_text(value).replace(",", "").replace(" ", "")
        if not text:
            return None
        try:
            return Decimal(text)
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number") % {"value": text}) from None

    def render(self, value):
        return "" if value is None else f"{value:f}"


class ChoiceColumn(Column):
    """A choice by its code ("triangular") or its label ("Triangular"), in any case."""

    def __init__(self, attribute, column_name, choices, **kwargs):
        super().__init__(attribute, column_name, **kwargs)
        self.choices = choices

    def parse(self, value):
        text = cell_text(value)
        if not text:
            return ""
        wanted = " ".join(text.split()).casefold()
        for code, label in self.choices:
            if wanted in (str(code).casefold(), str(label).casefold()):
                return code
        raise ValueError(
            _("unknown %(column)s “%(value)s”: write one of %(codes)s")
            % {
                "column": self.column_name,
                "value": text,
                "codes": ", ".join(str(code) for code, label in self.choices),
            }
        )


class ForeignColumn(Column):
    """One record of a foreign key, by whatever `lookup` reads (taxonomy.lookups)."""

    def __init__(self, attribute, column_name, lookup, **kwargs):
        super().__init__(attribute, column_name, **kwargs)
        self.lookup = lookup

    def parse(self, value):
        text = cell_text(value)
        return self.lookup.find(text) if text else None

    def render(self, record):
        return "" if record is None else neutralise(self.lookup.label(record))


class LocalDateTimeColumn(Column):
    """A moment in the time zone of the row's `zone_column` ("2024-09-12 09:00", or a date
    alone: the start or the end of that day), written back the same way."""

    def __init__(self, attribute, column_name, *, zone_column, default_zone, end=False, **kw):
        super().__init__(attribute, column_name, **kw)
        self.zone_column, self.default_zone, self.end = zone_column, default_zone, end

    def zone(self, name):
        try:
            return zoneinfo.ZoneInfo(name or self.default_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(self.default_zone)  # the time zone column says what

    def clean(self, row, **kwargs):
        value = row.get(self.column_name)
        zone = self.zone(cell_text(row.get(self.zone_column)))
        if isinstance(value, datetime.datetime):
            moment = value
        else:
            text = " ".join(cell_text(value).replace("T", " ").split())
            if not text:
                if self.required:
                    raise ValueError(_("missing %(column)s") % {"column": self.column_name})
                return None
            moment = None
            for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"):
                try:
                    moment = datetime.datetime.strptime(text, pattern)
                    break
                except ValueError:
                    continue
            if moment is None:
                day = parse_date(text)
                moment = datetime.datetime.combine(
                    day, datetime.time(23, 59) if self.end else datetime.time(0, 0)
                )
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        return moment

    def export(self, instance, **kwargs):
        moment = self.get_value(instance)
        if moment is None:
            return ""
        local = moment.astimezone(self.zone(getattr(instance, "time_zone", None)))
        return local.strftime("%Y-%m-%d %H:%M:%S" if local.second else "%Y-%m-%d %H:%M")


class RelationColumn(Column):
    """Records of a many-to-many field, by whatever `lookup` reads (taxonomy.lookups)."""

    is_relation = True

    def __init__(self, attribute, column_name, lookup, *, relation=None, **kwargs):
        super().__init__(attribute, column_name, **kwargs)
        self.lookup = lookup
        self.relation = relation or attribute

    def parse(self, value):
        found, errors = [], []
        for text in split_cell(value):
            try:
                record = self.lookup.find(text)
            except ValueError as error:
                errors.append(str(error))
            else:
                if record not in found:
                    found.append(record)
        if errors:
            raise ValueError("; ".join(errors))
        return found

    def current(self, instance):
        return list(getattr(instance, self.relation).all()) if instance.pk else []

    def get_value(self, instance):
        # What an import has just written (for its preview), without reading it back.
        written = getattr(instance, "_spreadsheet_relations", {})
        if self.attribute in written:
            return written[self.attribute]
        return self.current(instance)

    def render(self, records):
        return neutralise("; ".join(self.lookup.label(record) for record in records))

    def write(self, instance, records, *, new=False):
        if new:
            getattr(instance, self.relation).add(*records)
        else:
            getattr(instance, self.relation).set(records)

    def differs(self, instance, records):
        return {record.pk for record in self.current(instance)} != {r.pk for r in records}


class RoleColumn(RelationColumn):
    """The records a relation holds in one role: "provider countries" are the rows of
    `country_roles` with role "provider". One column per role."""

    def __init__(self, attribute, column_name, lookup, *, through, target, role, **kwargs):
        super().__init__(attribute, column_name, lookup, relation=through, **kwargs)
        self.target, self.role = target, role

    def current(self, instance):
        if not instance.pk:
            return []
        links = getattr(instance, self.relation).all()  # prefetched for exports
        return [getattr(link, self.target) for link in links if link.role == self.role]

    def write(self, instance, records, *, new=False):
        links = getattr(instance, self.relation)
        present = set()
        if not new:
            wanted = {record.pk for record in records}
            links.filter(role=self.role).exclude(**{f"{self.target}__in": wanted}).delete()
            present = set(links.filter(role=self.role).values_list(f"{self.target}_id", flat=True))
        # In bulk, without a signal per link: the record's own save has already asked for its
        # index to be refreshed, once the import is written (PublishableResource.import_data).
        links.bulk_create(
            [
                links.model(**{links.field.name: instance, self.target: record, "role": self.role})
                for record in records
                if record.pk not in present
            ]
        )


@dataclass(frozen=True)
class DiffCell:
    """One cell of the preview: the value the row gives, and the stored one it replaces."""

    new: str
    old: str = ""
    changed: bool = False


class ChangesDiff(Diff):
    """The preview's cells as `DiffCell`s, which the preview's template shows: the new value,
    and the old one struck through where it changes (no inline styles, for the admin's
    Content-Security-Policy: static/css/spreadsheets.css)."""

    def as_html(self):
        cells = []
        for old, new in zip(self.left, self.right, strict=False):
            if self.new or old == new:
                cells.append(DiffCell(new=str(new)))
            else:
                cells.append(DiffCell(new=str(new), old=str(old), changed=True))
        return cells


class PublishableResource(resources.ModelResource):
    """What every content type's resource shares: records found by slug, published records
    refused, imported records in review, relations read and checked before anything is saved,
    and row errors named by row and column (`row_errors()`)."""

    slug = Column("slug", "slug")
    title = Column("title", "title", required=True)
    summary = Column("summary", "summary", required=True)

    class Meta:
        abstract = True
        import_id_fields = ["slug"]
        instance_loader_class = CachedInstanceLoader
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    #: Called with the number of each row once it is done (`spreadsheet_jobs.Progress`).
    progress = None

    def get_diff_class(self):
        return ChangesDiff

    def import_row(self, row, instance_loader, **kwargs):
        result = super().import_row(row, instance_loader, **kwargs)
        if self.progress is not None:
            self.progress(kwargs["row_number"])
        return result

    def import_data(self, dataset, dry_run=False, **kwargs):
        # The search index once per record, after the import is written; none for a dry run
        # or an import that failed (its transaction is rolled back).
        with deferred_indexing() as refreshes:
            result = super().import_data(dataset, dry_run=dry_run, **kwargs)
            if dry_run or result.has_errors() or result.has_validation_errors():
                refreshes.clear()
        return result

    # --- Before the rows ----------------------------------------------------------------------
    def before_import(self, dataset, **kwargs):
        self.seen_slugs = {}
        self.relations = {}
        if len(dataset) > settings.PORTAL_IMPORT_MAX_ROWS:
            raise ValueError(
                _("The file has %(rows)s rows: import at most %(limit)s at a time.")
                % {"rows": len(dataset), "limit": settings.PORTAL_IMPORT_MAX_ROWS}
            )
        dataset.headers = [cell_text(header).casefold() for header in dataset.headers or []]
        missing = [
            column.column_name
            for column in self.get_import_fields()
            if column.required and column.column_name not in dataset.headers
        ]
        if missing:
            raise ValueError(
                _("The file has no column “%(columns)s”: the first row names the columns.")
                % {"columns": "”, “".join(missing)}
            )
        # The slug as the record will have it, made from the title where the cell is empty:
        # the records are found by it (before the first row, in one query).
        slugs = [
            slugify(cell_text(row.get("slug")) or cell_text(row.get("title")))
            for row in dataset.dict
        ]
        if "slug" in dataset.headers:
            del dataset["slug"]
        dataset.append_col(slugs, header="slug")
        super().before_import(dataset, **kwargs)

    def before_import_row(self, row, **kwargs):
        slug = row.get("slug")
        line = kwargs["row_number"] + 1
        if slug and slug in self.seen_slugs:
            raise ValidationError(
                {
                    "slug": _("the slug “%(slug)s” is also in row %(row)s")
                    % {"slug": slug, "row": self.seen_slugs[slug]}
                }
            )
        self.seen_slugs[slug] = line

    def after_init_instance(self, instance, new, row, **kwargs):
        self.row_is_new = new
        if not new and instance.status == Status.PUBLISHED:
            raise ValidationError(
                _("“%(title)s” is published: change it in its form") % {"title": instance.title}
            )

    # --- Each row -----------------------------------------------------------------------------
    def relation_columns(self):
        return [column for column in self.get_import_fields() if column.is_relation]

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        self.relations = {}  # this row's alone, whatever became of the row before
        for column in self.get_import_fields():
            if column.column_name not in row or column.readonly:
                continue
            try:
                value = column.clean(row)
            except ValueError as error:
                errors[column.attribute] = ValidationError(str(error), code="invalid")
                continue
            if column.is_relation:
                self.relations[column.attribute] = value
            else:
                setattr(instance, column.attribute, value)
        # Whatever the file says: an import never publishes.
        instance.status = Status.IN_REVIEW
        instance.published_at = None
        if errors:
            raise ValidationError(errors)

    def row_checks(self, instance):
        """Errors by attribute that read better than the model's own; the model's are not
        repeated for these attributes."""
        return {}

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        checks = self.row_checks(instance)
        for attribute, message in checks.items():
            errors.setdefault(attribute, [ValidationError(message, code="invalid")])
        try:
            super().validate_instance(instance, errors, validate_unique)
        except ValidationError as error:
            found = error.error_dict
            for attribute in checks:  # the model's clean() says it again, less precisely
                found[attribute] = found[attribute][:1]
            if "title" in found and not instance.slug:
                found.pop("slug", None)  # made from the title: one error is enough
            raise ValidationError(found) from None

    def save_m2m(self, instance, row, **kwargs):
        for column in self.relation_columns():
            if column.attribute in self.relations:
                column.write(instance, self.relations[column.attribute], new=self.row_is_new)
        if self.relations:
            instance.links_saved()
        # For the preview: what the record's relations now are. A new record has none beyond
        # those its row gives.
        written = {column.attribute: [] for column in self.relation_columns()}
        instance._spreadsheet_relations = {
            **(written if self.row_is_new else {}),
            **self.relations,
        }

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or original is None or original.pk is None:
            return False
        for column in self.get_import_fields():
            if column.column_name not in row:
                continue
            if column.is_relation:
                if column.differs(original, self.relations.get(column.attribute, [])):
                    return False
            elif column.get_value(instance) != column.get_value(original):
                return False
        # An unchanged draft stays a draft: nothing of it is written.
        return True

    def after_import_row(self, row, row_result, **kwargs):
        self.relations = {}

    # --- Export -------------------------------------------------------------------------------
    def export_prefetch(self):
        """Relations to prefetch for an export, so that it costs a few queries in all."""
        return [
            column.relation
            for column in self.get_export_fields()
            if getattr(column, "is_relation", False)
        ]

    def iter_queryset(self, queryset):
        return super().iter_queryset(queryset.prefetch_related(*set(self.export_prefetch())))

    # --- Row errors ---------------------------------------------------------------------------
    def column_name(self, key):
        for column in self.get_import_fields():
            if column.attribute == key:
                return column.column_name
        try:
            return str(self._meta.model._meta.get_field(key).verbose_name)
        except Exception:  # noqa: BLE001 - a key that names no field: say it as it is
            return key


def describe(error, column):
    """One model validation error in words a row error uses."""
    if error.code in ("blank", "required", "null") and column:
        return _("missing %(column)s") % {"column": column}
    return " ".join(str(message) for message in error.messages)


def row_errors(resource, result):
    """Every problem of an import, one sentence each, in the order of the rows:
    "Row 7, “beneficiary countries”: unknown country “Kenia”"."""
    lines = [str(error.error) for error in result.base_errors]
    problems = []
    for invalid in result.invalid_rows:
        error = invalid.error
        found = error.error_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: [error]}
        for key, errors in found.items():
            column = None if key == NON_FIELD_ERRORS else resource.column_name(key)
            for error in errors:
                problems.append((invalid.number, column, describe(error, column)))
    for number, errors in result.row_errors():
        for error in errors:
            problems.append((number, None, str(error.error)))
    for number, column, message in sorted(problems, key=lambda problem: problem[0]):
        if column:
            lines.append(
                _("Row %(row)s, “%(column)s”: %(message)s")
                % {"row": number + 1, "column": column, "message": message}
            )
        else:
            lines.append(_("Row %(row)s: %(message)s") % {"row": number + 1, "message": message})
    return lines
