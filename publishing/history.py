"""The history of every change to content: versions, what changed between two, and restore.

django-reversion keeps the versions. A change is one revision: who, when, a comment, and a
version of the record (its fields and its many-to-many links) with a version of each row that is
part of it, the `parts` of its content declaration (a case study's countries with their roles,
its organisations with theirs). `publishing.content.register()` puts every content type under
version control from that declaration, so a new type needs nothing more.

Versions are recorded by the admin's forms (publishing/history_admin.py), by the admin actions
through `record_change()`, and by `load_portal_content` through `record_baseline()`. Anything
else that changes content on a staff member's behalf records it with `record_change()` too:
`queryset.update()` sends no signal, so nothing would be recorded otherwise.
"""

import datetime
import difflib
import json
import re
import zoneinfo
from dataclasses import dataclass, field

import reversion
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from .models import may_publish

# Never versioned: the search index and the filter keys (a case study's) are rebuilt from the rest.
NOT_VERSIONED = ("search_text", "search_vector", "filter_keys")
# Versioned and restored, not shown in a diff: they change with every save or follow another.
NOT_SHOWN = {"created_at", "updated_at", "image_width", "image_height", "document_size"}
# Kept as they are on a restore: a restore is a new change, made now.
NOT_RESTORED = {"id", "created_at", "updated_at"}
# Fields of the publishing workflow: restored only by someone who may publish.
PUBLISHING_FIELDS = ("status", "published_at")
# Texts at least this long are shown as a word diff rather than before and after in full.
LONG_TEXT = 80
# Records read, or looked up, at a time (SQLite limits the parameters of a query).
CHUNK = 500


# --- Registration ----------------------------------------------------------------------------
_parts = {}  # {record model: {part model: name of its foreign key to the record}}


def register_history(content):
    """Put a declared content type, and the rows that are part of its records, under version
    control; a version of a record then holds its part rows too (they are "followed")."""
    model = content.model
    follow = []
    for part, foreign_key in content.parts.items():
        follow.append(part._meta.get_field(foreign_key).remote_field.get_accessor_name())
        if not reversion.is_registered(part):
            reversion.register(part)
    if not reversion.is_registered(model):
        reversion.register(model, exclude=NOT_VERSIONED, follow=follow)
    _parts[model] = dict(content.parts)


def has_history(model):
    return model in _parts


def parts_of(model):
    return _parts.get(model, {})


# --- Recording -------------------------------------------------------------------------------
def _records(objects):
    """The records of `objects` (a queryset, or records) as they are stored now."""
    if isinstance(objects, models.QuerySet):
        return list(objects.order_by("pk"))
    objects = list(objects)
    if not objects:
        return []
    manager = type(objects[0])._base_manager
    pks = [record.pk for record in objects]
    return [
        record
        for start in range(0, len(pks), CHUNK)
        for record in manager.filter(pk__in=pks[start : start + CHUNK]).order_by("pk")
    ]


def record_change(objects, user, comment):
    """Record a version of each of `objects` (records of one content type, or a queryset of
    them) as now stored, by `user` (None for the portal itself), with `comment`.

    Call it after the change, e.g. after a `queryset.update()`. Pass the records changed, not a
    queryset filtered on what the change altered (it would find other records afterwards).
    Each record gets a revision of its own, so that reading one record's history never reads
    the rows of the others changed with it."""
    records = _records(objects)
    user = user if user is not None and user.is_authenticated else None
    with transaction.atomic():
        for record in records:
            with reversion.create_revision():
                reversion.set_user(user)
                reversion.set_comment(str(comment))
                reversion.add_to_revision(record)


def unversioned(records):
    """Those of `records` (of one model) that have no version yet."""
    if not records:
        return []
    model = type(records[0])
    versions = Version.objects.get_for_model(model)
    if len(records) <= CHUNK:
        versions = versions.filter(object_id__in=[str(record.pk) for record in records])
    versioned = set(versions.values_list("object_id", flat=True).distinct())
    return [record for record in records if str(record.pk) not in versioned]


def record_baseline(objects, comment=None):
    """Record a first version of those of `objects` that have none yet, as they are stored now.

    Records made before versions were kept, or loaded as they are by load_portal_content, have
    none: call this before changing them, so that what they were can be seen and restored."""
    missing = unversioned(_records(objects))
    if missing:
        record_change(missing, None, comment or _("First recorded version."))
    return len(missing)


# --- Reading versions --------------------------------------------------------------------------
@dataclass
class Snapshot:
    """A record as one version holds it, or as it is now."""

    model: type
    fields: dict  # {field name: value, a primary key for a foreign key}
    links: dict  # {many-to-many field name: frozenset of primary keys}
    parts: dict = field(default_factory=dict)  # {part model: [part rows, unsaved instances]}

    @property
    def time_zone(self):
        """The zone the record's own times are given in (an event's), else the current one."""
        name = self.fields.get("time_zone")
        if name:
            try:
                return zoneinfo.ZoneInfo(name)
            except (ValueError, zoneinfo.ZoneInfoNotFoundError):
                pass
        return timezone.get_current_timezone()


def shown_fields(model):
    """The fields of `model` a diff compares, in the model's order."""
    return [
        model_field
        for model_field in model._meta.get_fields()
        if model_field.concrete
        and not model_field.auto_created
        and model_field.name not in NOT_VERSIONED
        and model_field.name not in NOT_SHOWN
        and not (
            model_field.many_to_many and not model_field.remote_field.through._meta.auto_created
        )
        and (model_field.editable or model_field.many_to_many)
    ]


def _split(model, instance, m2m_data):
    fields, links = {}, {}
    for model_field in shown_fields(model):
        if model_field.many_to_many:
            links[model_field.name] = frozenset(m2m_data.get(model_field.name, ()))
            continue
        value = getattr(instance, model_field.attname)
        if isinstance(value, datetime.datetime | datetime.time):
            # Versions are stored in JSON, to the millisecond: compare them so.
            value = value.replace(microsecond=value.microsecond // 1000 * 1000)
        fields[model_field.name] = value
    return fields, links


def snapshot_of_versions(version, part_versions):
    """The Snapshot of `version`, with the versions of its parts from the same revision."""
    model = version._model
    stored = version._object_version
    fields, links = _split(model, stored.object, stored.m2m_data or {})
    parts = {part: [] for part in parts_of(model)}
    for part_version in part_versions:
        parts.setdefault(part_version._model, []).append(part_version._object_version.object)
    return Snapshot(model, fields, links, parts)


def current_snapshot(record):
    """The Snapshot of `record` as stored now (one query per link and per kind of part)."""
    model = type(record)
    m2m = {
        model_field.name: list(getattr(record, model_field.name).values_list("pk", flat=True))
        for model_field in shown_fields(model)
        if model_field.many_to_many
    }
    fields, links = _split(model, record, m2m)
    parts = {
        part: list(part._base_manager.filter(**{foreign_key: record.pk}).order_by("pk"))
        for part, foreign_key in parts_of(model).items()
    }
    return Snapshot(model, fields, links, parts)


def versions_of(record):
    """The versions of `record`, newest first, with their revisions and authors."""
    return (
        Version.objects.get_for_object(record)
        .select_related("revision", "revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def part_versions_by_revision(model, record_pk, versions):
    """{revision id: [versions of the record's parts in that revision]}, in one query."""
    parts = parts_of(model)
    found = {version.revision_id: [] for version in versions}
    if not parts or not found:
        return found
    content_types = [_content_type(part) for part in parts]
    candidates = Version.objects.filter(
        revision_id__in=list(found), content_type__in=content_types
    ).order_by("pk")
    for part_version in candidates:
        part_model = part_version._model
        row = part_version._object_version.object
        if str(getattr(row, f"{parts[part_model]}_id")) == str(record_pk):
            found[part_version.revision_id].append(part_version)
    return found


def _content_type(model):
    return ContentType.objects.get_for_model(model)


# --- Showing values ----------------------------------------------------------------------------
class Names:
    """The records that snapshots name by primary key, loaded once per model, whatever the number
    of versions: {model: {pk: record}}."""

    def __init__(self, snapshots):
        wanted = {}
        for snapshot in snapshots:
            for model_field in shown_fields(snapshot.model):
                target = model_field.related_model
                if model_field.many_to_many:
                    wanted.setdefault(target, set()).update(snapshot.links[model_field.name])
                elif model_field.is_relation:
                    value = snapshot.fields[model_field.name]
                    if value is not None:
                        wanted.setdefault(target, set()).add(value)
            for part, rows in snapshot.parts.items():
                for part_field in _part_relations(part, snapshot.model):
                    wanted.setdefault(part_field.related_model, set()).update(
                        getattr(row, part_field.attname) for row in rows
                    )
        self.records = {
            target: target._base_manager.in_bulk(pks) if pks else {}
            for target, pks in wanted.items()
        }

    def name(self, model, pk):
        record = self.records.get(model, {}).get(pk)
        if record is None:
            return gettext("%(model)s %(pk)s (deleted since)") % {
                "model": capfirst(model._meta.verbose_name),
                "pk": pk,
            }
        return str(record)

    def part_name(self, row, record_model):
        """How a part row reads, e.g. "Brazil (Provider)", with its linked records loaded here."""
        for part_field in _part_relations(type(row), record_model):
            target = self.records.get(part_field.related_model, {}).get(
                getattr(row, part_field.attname)
            )
            if target is None:
                return self.name(part_field.related_model, getattr(row, part_field.attname))
            part_field.set_cached_value(row, target)
        return str(row)


def _part_relations(part, record_model):
    """The foreign keys of a part row other than the one to its record."""
    return [
        part_field
        for part_field in part._meta.concrete_fields
        if part_field.is_relation and part_field.related_model is not record_model
    ]


def _empty():
    return format_html('<span class="history-empty">{}</span>', gettext("(empty)"))


def show_value(model_field, value, names, zone):
    """A stored value as people read it."""
    if value is None or value == "":
        return _empty()
    if model_field.is_relation:
        return names.name(model_field.related_model, value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return gettext("Yes") if value else gettext("No")
    if isinstance(model_field, models.DateTimeField):
        moment = timezone.localtime(value, zone) if timezone.is_aware(value) else value
        return f"{formats.localize(moment)} ({moment.tzname()})"
    if isinstance(model_field, models.DateField):
        return formats.localize(value)
    if isinstance(model_field, models.FileField):
        return str(getattr(value, "name", value))
    return str(value)


# --- Diffs -------------------------------------------------------------------------------------
@dataclass
class Change:
    label: str
    before: str
    after: str


_WORDS = re.compile(r"(\s+)")


def _lines(text):
    return "\n".join(text.splitlines())


def word_diff(before, after):
    """The two texts as HTML, words taken out in <del> in the first and put in in <ins> in the
    second."""
    old, new = _WORDS.split(before or ""), _WORDS.split(after or "")
    removed, added = [], []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        old_text = "".join(old[old_start:old_end])
        new_text = "".join(new[new_start:new_end])
        if operation == "equal":
            removed.append(format_html("{}", old_text))
            added.append(format_html("{}", new_text))
            continue
        if old_text:
            removed.append(_marked("del", gettext("removed:"), old_text))
        if new_text:
            added.append(_marked("ins", gettext("added:"), new_text))
    return mark_safe("".join(removed)), mark_safe("".join(added))


def _marked(tag, announce, text):
    # <del> and <ins> are not announced by most screen readers: say it in words too.
    return format_html(
        '<{tag}><span class="visually-hidden">{announce} </span>{text}</{tag}>',
        tag=mark_safe(tag),
        announce=announce,
        text=text,
    )


def list_diff(before, after):
    """Two lists of names as HTML lists: names gone marked in the first, new ones in the
    second."""
    gone, new = set(before) - set(after), set(after) - set(before)

    def show(names, changed, tag, announce):
        if not names:
            return _empty()
        items = [
            _marked(tag, announce, name) if name in changed else format_html("{}", name)
            for name in sorted(names, key=str.casefold)
        ]
        return format_html(
            '<ul class="history-list">{}</ul>',
            format_html_join("", "<li>{}</li>", ((i,) for i in items)),
        )

    return show(before, gone, "del", gettext("removed:")), show(
        after, new, "ins", gettext("added:")
    )


def plain_list(names):
    if not names:
        return _empty()
    return format_html(
        '<ul class="history-list">{}</ul>',
        format_html_join("", "<li>{}</li>", ((name,) for name in sorted(names, key=str.casefold))),
    )


def diff(before, after, names):
    """[Change, ...] from Snapshot `before` to Snapshot `after`. Without `before` (a first
    version), what `after` holds: Changes with `before` None and plain values."""
    changes = []
    model = after.model
    for model_field in shown_fields(model):
        label = capfirst(model_field.verbose_name)
        if model_field.many_to_many:
            target = model_field.related_model
            new = [names.name(target, pk) for pk in after.links[model_field.name]]
            if before is None:
                if new:
                    changes.append(Change(label, None, plain_list(new)))
                continue
            if before.links[model_field.name] == after.links[model_field.name]:
                continue
            old = [names.name(target, pk) for pk in before.links[model_field.name]]
            changes.append(Change(label, *list_diff(old, new)))
            continue
        new = after.fields[model_field.name]
        if before is None:
            if new not in (None, ""):
                changes.append(
                    Change(label, None, show_value(model_field, new, names, after.time_zone))
                )
            continue
        old = before.fields[model_field.name]
        if old == new:
            continue
        if isinstance(old, str) and isinstance(new, str):
            old, new = _lines(old), _lines(new)
            if old == new:  # only line endings (a browser posts CR LF)
                continue
            if (
                old
                and new
                and (
                    isinstance(model_field, models.TextField)
                    or max(len(old), len(new)) >= LONG_TEXT
                )
            ):
                changes.append(Change(label, *word_diff(old, new)))
                continue
        shown_before = show_value(model_field, old, names, before.time_zone)
        shown_after = show_value(model_field, new, names, after.time_zone)
        if shown_before == shown_after:
            continue  # a change nobody reads, e.g. the seconds of a time
        changes.append(Change(label, shown_before, shown_after))
    for part in parts_of(model):
        label = capfirst(part._meta.verbose_name_plural)
        new = [names.part_name(row, model) for row in after.parts.get(part, [])]
        if before is None:
            if new:
                changes.append(Change(label, None, plain_list(new)))
            continue
        old = [names.part_name(row, model) for row in before.parts.get(part, [])]
        if sorted(old) != sorted(new):
            changes.append(Change(label, *list_diff(old, new)))
    return changes


# --- Restoring ---------------------------------------------------------------------------------
class RestoreError(Exception):
    """The version cannot be restored as it is (it names what no longer allows it)."""


def version_date(version):
    return formats.localize(timezone.localtime(version.revision.date_created))


def restore_comment(version):
    return _("Restored the version of %(date)s by %(user)s") % {
        "date": version_date(version),
        "user": author(version.revision),
    }


def author(revision):
    user = revision.user
    if user is None:
        return gettext("the portal")
    return user.get_full_name() or user.get_username()


@dataclass
class Restored:
    record: models.Model
    kept_publishing: bool  # the status and publication date were kept as they were
    left_out: list  # names of linked records deleted since the version


def restore(version, part_versions, *, user):
    """Bring the record of `version` back as the version holds it: its fields, its links and its
    parts; record that as a new version. Someone who may not publish keeps the record's current
    status and publication date. Raises RestoreError when the database refuses it."""
    model = version._model
    stored = version._object_version
    # Only what the version holds: a field added to the model since keeps its current value.
    held = set(json.loads(version.serialized_data)[0]["fields"])
    with transaction.atomic():
        record = model._base_manager.select_for_update().get(pk=version.object_id)
        kept = not may_publish(user, model)
        current = {name: getattr(record, name) for name in PUBLISHING_FIELDS}
        for model_field in model._meta.concrete_fields:
            if model_field.name in NOT_RESTORED or model_field.name not in held:
                continue
            setattr(record, model_field.attname, getattr(stored.object, model_field.attname))
        if kept:
            for name, value in current.items():
                setattr(record, name, value)
        left_out = []
        try:
            with transaction.atomic(), reversion.create_revision():
                reversion.set_user(user)
                reversion.set_comment(str(restore_comment(version)))
                record.save()
                for name, pks in (stored.m2m_data or {}).items():
                    target = model._meta.get_field(name).related_model
                    existing = set(
                        target._base_manager.filter(pk__in=pks).values_list("pk", flat=True)
                    )
                    left_out += [
                        gettext("%(model)s %(pk)s") % {"model": target._meta.verbose_name, "pk": pk}
                        for pk in pks
                        if pk not in existing
                    ]
                    getattr(record, name).set(existing)
                left_out += _restore_parts(record, part_versions)
                reversion.add_to_revision(record)  # with its parts as they now are
        except IntegrityError as error:
            raise RestoreError(str(error)) from error
    return Restored(record, kept, left_out)


def _restore_parts(record, part_versions):
    """Replace the record's part rows with those of the version: delete them all, then insert
    the version's (with their old ids), so no uniqueness rule sees two rows at once."""
    model = type(record)
    left_out = []
    for part, foreign_key in parts_of(model).items():
        part._base_manager.filter(**{foreign_key: record.pk}).delete()
    for part_version in part_versions:
        row = part_version._object_version.object
        part = type(row)
        missing = [
            part_field
            for part_field in _part_relations(part, model)
            if not part_field.related_model._base_manager.filter(
                pk=getattr(row, part_field.attname)
            ).exists()
        ]
        if missing:
            left_out.append(part_version.object_repr)
            continue
        setattr(row, f"{parts_of(model)[part]}_id", record.pk)
        row.save(force_insert=True)
    return left_out
