"""The review workflow every content type shares: draft -> in review -> published, and back.

Editors (the change permission) submit a draft for review. Publishers (the type's own
`publish_<model>` permission, e.g. `initiatives.publish_initiative`) publish a draft or a
record in review, send a record in review back to draft, and unpublish a published one. Each
step is written down as a `Transition` with its comment, and a submission tells the publishers
by e-mail (publishing/tasks.py), from the task worker once the step has committed.

Steps change many records with `update()`, which sends no signal: they send `content_changed`
themselves, as every change the public may see must.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.signals import send_content_changed

from . import history as versions
from .models import Status, Transition
from .tasks import queue_review_request


@dataclass(frozen=True)
class Step:
    name: str
    sources: frozenset
    target: str
    needs_publish: bool
    # The action's label in the list's menu, the confirmation page's title and button.
    label: str
    title: str
    button: str


STEPS = {
    step.name: step
    for step in [
        Step(
            "submit_for_review",
            frozenset({Status.DRAFT}),
            Status.IN_REVIEW,
            needs_publish=False,
            label=_("Submit the selected drafts for review"),
            title=_("Submit for review"),
            button=_("Yes, submit for review"),
        ),
        Step(
            "publish",
            frozenset({Status.DRAFT, Status.IN_REVIEW}),
            Status.PUBLISHED,
            needs_publish=True,
            label=_("Publish the selected records"),
            title=_("Publish"),
            button=_("Yes, publish"),
        ),
        Step(
            "send_back",
            frozenset({Status.IN_REVIEW}),
            Status.DRAFT,
            needs_publish=True,
            label=_("Send the selected records back to draft"),
            title=_("Send back to draft"),
            button=_("Yes, send back"),
        ),
        Step(
            "unpublish",
            frozenset({Status.PUBLISHED}),
            Status.DRAFT,
            needs_publish=True,
            label=_("Unpublish the selected records (back to draft)"),
            title=_("Unpublish"),
            button=_("Yes, unpublish"),
        ),
    ]
}


def is_scheduled(record):
    """Published with a date still to come: the public sees it from then on."""
    return (
        record.status == Status.PUBLISHED
        and record.published_at is not None
        and record.published_at > timezone.now()
    )


def take_step(model, pks, step, *, user, comment):
    """Move the records of `model` with these ids that `step` applies to (the others are left
    as they are); returns the ids of those moved. Publishing dates a record now unless it has a
    date already (which may schedule it for later)."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            model._base_manager.select_for_update()
            .filter(pk__in=pks, status__in=step.sources)
            .order_by("pk")
            .values_list("pk", "status")
        )
        moved = [pk for pk, _status in rows]
        records = model._base_manager.filter(pk__in=moved)
        versions.record_baseline(list(records))  # a first version of a record that has none
        if step.target == Status.PUBLISHED:
            records.filter(published_at__isnull=True).update(published_at=now)
        records.update(status=step.target, updated_at=now)
        versions.record_change(
            list(records), user, f"{step.title}: {comment}" if comment else step.title
        )
        content_type = ContentType.objects.get_for_model(model)
        Transition.objects.bulk_create(
            Transition(
                content_type=content_type,
                object_id=pk,
                from_status=status,
                to_status=step.target,
                comment=comment,
                user=user,
                created_at=now,
            )
            for pk, status in rows
        )
        if moved and step.target == Status.IN_REVIEW:
            notify_publishers_on_commit(model, moved, user)
    if moved:
        send_content_changed(model)  # update() sends no signal
    return moved


def record_change(record, from_status, *, user, comment=""):
    """Write down a status change made on the record's own form (saved already), and tell the
    publishers when it puts the record in review."""
    if record.status == from_status:
        return None
    transition = Transition.objects.create(
        content_type=ContentType.objects.get_for_model(type(record)),
        object_id=record.pk,
        from_status=from_status,
        to_status=record.status,
        comment=comment,
        user=user,
    )
    if record.status == Status.IN_REVIEW:
        notify_publishers_on_commit(type(record), [record.pk], user)
    return transition


def history(record):
    """The record's steps, newest first."""
    return Transition.objects.filter(
        content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk
    ).select_related("user")


def notify_publishers_on_commit(model, pks, user):
    label = model._meta.label
    submitter = user.pk if user is not None else None
    transaction.on_commit(lambda: queue_review_request(label, list(pks), submitter))
