"""One declaration per content type: what it is, what it is found by, and what changes it.

Each content app declares its type once, in its AppConfig.ready(), with `register(Content(...))`.
From that declaration alone this module keeps two things current:

- the search index (publishing/search.py): saving a record, or one of its parts (a case study's
  country roles), changing its many-to-many links from either side, or renaming something whose
  name is in its index, refreshes the records concerned. A type may also keep filter keys (a
  case study's `filter_keys`, what its list filters read), refreshed with the index: by the
  same saves and link changes, and by a change to what the keys are made of elsewhere (a
  region moved under another, a country's region);
- the `content_changed` signal (core/signals.py): sent whenever the public could see a change: a
  record saved or deleted, its parts saved, its links changed, or the reference data its pages
  and filters show saved or deleted. Caches built from content (the filter choices) listen to it.

It also puts the type, with its parts, under version control (publishing/history.py).

The site search (publishing/site_search.py) lists the registered types in the order they
were registered, which is the order of INSTALLED_APPS.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import partial
from types import ModuleType

from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone
from django.utils.text import capfirst

from core.choice_cache import note_due_moment
from core.signals import send_content_changed

_registry = {}
# The index refreshes held back in this context (index_refresh_held, deferred_indexing):
# {(type label, database alias): {pk, ...}}, or None when they are made at once.
_held_refreshes = ContextVar("index_refresh_held", default=None)


@dataclass(frozen=True)
class Content:
    # A Publishable model with the search index fields `search_text` and `search_vector`.
    model: type
    # The app's module that says what a record is found by: `build_search_text(record)`, the
    # words besides its title and summary, and `index_reads(queryset)`, which loads what that
    # reads (only(), select_related(), prefetch_related()).
    index: ModuleType
    # How records that match equally well are ordered.
    ranked_order: tuple
    # What a result of the site search shows besides its title, slug, summary and date.
    result_fields: tuple = ()
    # Fields whose saving can change the search text; saving only others (update_fields)
    # leaves the index as it is. None: any save refreshes it.
    indexed_fields: frozenset | None = None
    # {model: name of its foreign key to the record}: rows that are part of a record.
    parts: dict = field(default_factory=dict)
    # Many-to-many fields whose targets' names are in the search text.
    linked: tuple = ()
    # Further many-to-many fields that the filter keys (`index.build_filter_keys`) read.
    keyed_links: tuple = ()
    # {model: (fields, [lookups from the record to it])}: saving one with any of these fields
    # changed refreshes the records that reach it, whose filter keys are made of those fields.
    keyed: dict = field(default_factory=dict)
    # {model: [lookups from the record to it]}: renaming one refreshes the records naming it.
    named: dict = field(default_factory=dict)
    # Further models the public sees on this type's pages or filters (beyond `named`).
    shows: tuple = ()
    # Links (a many-to-many field or a foreign key) to records with a `name` in every language
    # (a country): the words of their names are among those a mistyped word is corrected to
    # (publishing/search.py), "Kenia" to "kenya", which finds the case studies in Kenya.
    close_names: tuple = ()

    @property
    def label_key(self):
        return self.model._meta.label

    @property
    def code(self):
        """The value of ?type= for this type in the site search."""
        return self.model._meta.model_name

    @property
    def label(self):
        return capfirst(self.model._meta.verbose_name)

    @property
    def plural(self):
        return capfirst(self.model._meta.verbose_name_plural)

    def search_text(self, record):
        return self.index.build_search_text(record)

    def index_reads(self, queryset):
        return self.index.index_reads(queryset)

    def refresh_index(self, queryset, batch_size=1000):
        """Rebuild the search index of the records in `queryset`; returns how many."""
        from .search import refresh_search_index

        return refresh_search_index(queryset, batch_size=batch_size)


def register(content):
    """Declare a content type and connect what keeps its index and the caches current."""
    _registry[content.model._meta.label] = content
    _connect_index(content)
    _connect_changes(content)
    from .history import register_history  # reversion's models: only once the apps are ready

    register_history(content)
    post_delete.connect(
        _forget_pending_changes,
        sender=content.model,
        dispatch_uid=f"pending-{content.label_key}",
    )


def _forget_pending_changes(sender, instance, **kwargs):
    """A deleted record's pending revision (publishing/staging.py) goes with it."""
    from .staging import superseded

    superseded(instance)


def registered():
    """The declared content types, in the order they were registered."""
    return list(_registry.values())


def content_for(model):
    """The declaration of `model`, the live class or a migration's historical one."""
    return _registry[model._meta.label]


@contextmanager
def index_refresh_held():
    """Within: the search index is not refreshed as records and their parts are saved; the dict
    yielded gathers {(type label, database alias): ids} of the records concerned, for the
    caller to refresh when it is done (publishing/staging.py), or never (a change rolled back)."""
    held = {}
    token = _held_refreshes.set(held)
    try:
        yield held
    finally:
        _held_refreshes.reset(token)


@contextmanager
def deferred_indexing():
    """Within it, the search index refreshes that saves ask for are collected, and made once
    for every record concerned on leaving: an import saves each record and each of its parts,
    and one refresh per save costs more than the import itself. Yields the collected
    {(type label, database alias): pks}; clear it to drop them (a dry run rolled back)."""
    with index_refresh_held() as held:
        yield held
    for (label, using), pks in held.items():
        _refresh(_registry[label], pks, using)


def refresh_records(model, pks):
    """Refresh the index of these records of `model` now, or when held, once it is let go."""
    _refresh(content_for(model), set(pks), "default")


def _refresh(content, pks, using):
    held = _held_refreshes.get()
    if held is not None:
        held.setdefault((content.label_key, using), set()).update(pks)
        return
    if pks:
        content.refresh_index(content.model._base_manager.using(using).filter(pk__in=pks))


def _connect_index(content):
    model, label = content.model, content.label_key

    def saved(sender, instance, raw, using, update_fields, **kwargs):
        if raw:  # loaddata: load_portal_content refreshes everything it loads
            return
        if (
            content.indexed_fields is not None
            and update_fields is not None
            and not content.indexed_fields.intersection(update_fields)
        ):
            return
        _refresh(content, [instance.pk], using)

    post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"index-{label}")

    for part, foreign_key in content.parts.items():

        def part_saved(sender, instance, raw, using, foreign_key=foreign_key, **kwargs):
            if not raw:
                _refresh(content, [getattr(instance, f"{foreign_key}_id")], using)

        post_save.connect(
            part_saved, sender=part, weak=False, dispatch_uid=f"index-{label}-{part._meta.label}"
        )

    through_fields = {}

    def links_changed(sender, instance, action, reverse, pk_set, using, **kwargs):
        link = through_fields[sender]
        if reverse and action == "pre_clear":
            # target.records.clear(): afterwards nothing says which records it had.
            rows = sender.objects.using(using).filter(
                **{link.m2m_reverse_field_name(): instance.pk}
            )
            instance._search_cleared = set(
                rows.values_list(f"{link.m2m_field_name()}_id", flat=True)
            )
        elif action in {"post_add", "post_remove", "post_clear"}:
            if not reverse:
                _refresh(content, [instance.pk], using)
            elif action == "post_clear":
                _refresh(content, instance.__dict__.pop("_search_cleared", set()), using)
            else:  # target.records.add(...): the records are in pk_set
                _refresh(content, pk_set, using)

    for name in dict.fromkeys((*content.linked, *content.keyed_links)):
        link = model._meta.get_field(name)
        through_fields[link.remote_field.through] = link
        m2m_changed.connect(
            links_changed,
            sender=link.remote_field.through,
            weak=False,
            dispatch_uid=f"index-{label}-{name}",
        )

    for other, lookups in content.named.items():
        pre_save.connect(_note_rename, sender=other, dispatch_uid=f"renaming-{other._meta.label}")

        def renamed(sender, instance, created, raw, using, lookups=lookups, **kwargs):
            if raw or created or not getattr(instance, "_renamed", True):
                return
            matches = Q()
            for lookup in lookups:
                matches |= Q(**{lookup: instance})
            naming = model._base_manager.using(using).filter(matches)
            _refresh(content, set(naming.values_list("pk", flat=True)), using)

        post_save.connect(
            renamed, sender=other, weak=False, dispatch_uid=f"index-{label}-{other._meta.label}"
        )

    for other, (fields, lookups) in content.keyed.items():
        pre_save.connect(
            partial(_note_key_change, fields=fields, label=label),
            sender=other,
            weak=False,
            dispatch_uid=f"keys-changing-{label}-{other._meta.label}",
        )

        def key_changed(sender, instance, created, raw, using, lookups=lookups, **kwargs):
            if raw or created or label not in getattr(instance, "_keys_changed", ()):
                return
            matches = Q()
            for lookup in lookups:
                matches |= Q(**{lookup: instance})
            concerned = model._base_manager.using(using).filter(matches)
            _refresh(content, set(concerned.values_list("pk", flat=True)), using)

        post_save.connect(
            key_changed, sender=other, weak=False, dispatch_uid=f"keys-{label}-{other._meta.label}"
        )


def _note_key_change(sender, instance, raw, using, fields, label, **kwargs):
    """Before a record that filter keys are made of is saved: whether one of `fields` changes
    (a region's path, a country's region); its post_save refreshes the keys only then."""
    if raw or instance.pk is None:
        return
    stored = sender._base_manager.using(using).filter(pk=instance.pk).values(*fields).first()
    changed = stored is None or any(
        stored[name] != getattr(instance, sender._meta.get_field(name).attname) for name in fields
    )
    noted = instance.__dict__.setdefault("_keys_changed", set())
    if changed:
        noted.add(label)
    else:
        noted.discard(label)


def _note_rename(sender, instance, raw, using, **kwargs):
    """Before a record named in an index is saved: whether its name (its str(), as the indexes
    hold it) changes. Saving anything else about it (a theme's order, a country's groups)
    leaves every index as it is, and thousands of case studies may name one theme."""
    if raw or instance.pk is None:
        return
    stored = sender._base_manager.using(using).filter(pk=instance.pk).first()
    instance._renamed = stored is None or str(stored) != str(instance)


def _note_schedule(sender, instance, raw=False, **kwargs):
    """A record saved as published from a moment to come: what is kept for the content version
    changes at that moment (core/choice_cache.py's due epoch)."""
    moment = getattr(instance, "published_at", None)
    published = getattr(instance, "status", None) == "published"  # publishing.models.Status
    if not raw and published and moment and moment > timezone.now():
        note_due_moment(moment)


def _links_changed(sender, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        send_content_changed(sender)


def _connect_changes(content):
    """content_changed for every change the public could see. Deleting a part alone (a country
    link) sends nothing: a delete signal on it would make Django fetch and signal every link of
    every record it deletes; the admin, which deletes parts, sends it after saving them, and
    the choice cache's period covers the rest."""
    model = content.model
    # Before the change is sent: the processes that read the moments again have this one.
    post_save.connect(_note_schedule, sender=model, dispatch_uid=f"schedule-{model._meta.label}")
    for sender in (model, *content.named, *content.shows):
        uid = f"changed-{sender._meta.label}"
        post_save.connect(send_content_changed, sender=sender, dispatch_uid=uid)
        post_delete.connect(send_content_changed, sender=sender, dispatch_uid=f"{uid}-delete")
    for part in content.parts:
        post_save.connect(
            send_content_changed, sender=part, dispatch_uid=f"changed-{part._meta.label}"
        )
    for many_to_many in model._meta.many_to_many:
        through = many_to_many.remote_field.through
        m2m_changed.connect(
            _links_changed, sender=through, dispatch_uid=f"changed-{through._meta.label}"
        )
