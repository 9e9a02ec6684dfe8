"""The admin's home page: what needs doing in the newsroom, above the list of apps.

Counts by status, my drafts, what awaits review, what is scheduled, the coming events with their
places, and what others changed recently. Each part is one query whatever the amount of content
(the lists merge the three content types in one UNION), and shows only the content types the
member of staff may see.
"""

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.db.models import CharField, Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import capfirst

from events.models import Event
from initiatives.models import Initiative
from publications.models import Publication
from publishing.models import Status

CONTENT_MODELS = (Initiative, Event, Publication)
LIST_LENGTH = 8
UPCOMING_EVENTS = 5
RECENT_CHANGES = 10
ROW_FIELDS = ("pk", "title", "status", "published_at", "updated_at", "model_label")


def dashboard(site, request):
    """The dashboard's template context."""
    now = timezone.now().replace(microsecond=0)
    visible = [
        model
        for model in CONTENT_MODELS
        if site.is_registered(model)
        and site.get_model_admin(model).has_view_or_change_permission(request)
    ]
    context = {
        "status_counts": [status_counts(model, now) for model in visible],
        "my_drafts": rows(my_drafts(model, request.user) for model in visible),
        "awaiting_review": rows(
            (model.objects.filter(status=Status.IN_REVIEW) for model in visible), "-updated_at"
        ),
        "scheduled": rows(
            (
                model.objects.filter(status=Status.PUBLISHED, published_at__gt=now)
                for model in visible
            ),
            "published_at",
        ),
        "recent_changes": recent_changes(site, request),
        "upcoming_events": None,  # None: the member of staff may not see events
    }
    if Event in visible:
        context["upcoming_events"] = upcoming_events(site.get_model_admin(Event), request, now)
    return context


def changelist_url(model, **params):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def status_counts(model, now):
    """One row of the status table: the model and, per status, its count and filtered list."""
    when = now.isoformat()
    scheduled = Q(status=Status.PUBLISHED, published_at__gt=now)
    counts = model.objects.aggregate(
        draft=Count("pk", filter=Q(status=Status.DRAFT)),
        review=Count("pk", filter=Q(status=Status.IN_REVIEW)),
        published=Count("pk", filter=Q(status=Status.PUBLISHED) & ~scheduled),
        scheduled=Count("pk", filter=scheduled),
    )
    filters = {
        "draft": {"status__exact": Status.DRAFT},
        "review": {"status__exact": Status.IN_REVIEW},
        "published": {"status__exact": Status.PUBLISHED, "published_at__lte": when},
        "scheduled": {"status__exact": Status.PUBLISHED, "published_at__gt": when},
    }
    return {
        "name": capfirst(model._meta.verbose_name_plural),
        "url": changelist_url(model),
        "cells": [
            {"count": counts[key], "url": changelist_url(model, **filters[key])}
            for key in ("draft", "review", "published", "scheduled")
        ],
    }


def log_entries(model):
    """The admin's log entries of the record OuterRef("pk") of `model`."""
    opts = model._meta
    return LogEntry.objects.filter(
        content_type__app_label=opts.app_label,
        content_type__model=opts.model_name,
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
    )


def my_drafts(model, user):
    """Drafts `user` added, or changed last, in the admin."""
    entries = log_entries(model)
    last_editor = (
        entries.filter(action_flag__in=[ADDITION, CHANGE])
        .order_by("-action_time", "-pk")
        .values("user_id")[:1]
    )
    return (
        model.objects.filter(status=Status.DRAFT)
        .annotate(last_editor=Subquery(last_editor))
        .filter(Q(last_editor=user.pk) | Exists(entries.filter(action_flag=ADDITION, user=user)))
    )


def rows(querysets, ordering="-updated_at"):
    """The first LIST_LENGTH records of the querysets together (one UNION query), each with its
    type's name and the address of its change form."""
    parts = [
        queryset.annotate(
            model_label=Value(queryset.model._meta.label_lower, output_field=CharField())
        )
        .order_by()
        .values(*ROW_FIELDS)
        for queryset in querysets
    ]
    if not parts:
        return []
    combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    models = {model._meta.label_lower: model for model in CONTENT_MODELS}
    found = list(combined.order_by(ordering, "title")[:LIST_LENGTH])
    for row in found:
        opts = models[row["model_label"]]._meta
        row["kind"] = capfirst(opts.verbose_name)
        row["url"] = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row["pk"]])
    return found


def upcoming_events(event_admin, request, now):
    """The coming events (any status) with the figures of the events list: confirmed / capacity,
    waiting list, unconfirmed (EventAdmin's columns, from its queryset's counts)."""
    events = event_admin.get_queryset(request).filter(ends_at__gte=now).order_by("starts_at")
    return [
        {
            "title": event.title,
            "url": reverse("admin:events_event_change", args=[event.pk]),
            "status": event.get_status_display(),
            "start": event_admin.start(event),
            "places": event_admin.places(event),
            "waitlisted": event_admin.waitlisted(event),
            "pending": event_admin.pending(event),
        }
        for event in events[:UPCOMING_EVENTS]
    ]


def recent_changes(site, request):
    """The latest log entries of other staff, on what this member of staff may see."""
    visible = Q()
    for model, model_admin in site._registry.items():
        if model_admin.has_view_or_change_permission(request):
            opts = model._meta
            visible |= Q(
                content_type__app_label=opts.app_label, content_type__model=opts.model_name
            )
    if not visible:
        return []
    return list(
        LogEntry.objects.filter(visible)
        .exclude(user=request.user)
        .select_related("user", "content_type")
        .order_by("-action_time")[:RECENT_CHANGES]
    )
