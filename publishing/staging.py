"""Staged edits to published records: changes the public does not see until a publisher
approves them.

Saving the change form of a published record (publishing/admin.py) saves nothing of the record:
the form's and every formset's data, as the browser posted it, goes into the record's one
`PendingRevision` (uploads are kept in storage under `pending/`). The change form then shows
those values again, so that the author can go on working on them. A publisher approves the
revision (replayed through the same admin form and formsets, validated again, saved in one
transaction: one `content_changed`, one refresh of the search index, one `Transition`) or
discards it. Replaying in a transaction that is rolled back, with every signal held, gives the
preview of the public page as it will look.

Why the posted data rather than a copy of the record: the admin form is what knows how a
case study's countries with their roles, an event's times in its own time zone or a
publication's checked PDF become rows; replaying the form keeps those rules in one place, and a
revision that no longer fits (a country deleted meanwhile) fails as the form would, with its
messages.
"""

import copy
import posixpath
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.forms.formsets import TOTAL_FORM_COUNT, all_valid
from django.http import QueryDict
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from core.signals import content_changed_held, send_content_changed

from . import history
from .content import index_refresh_held, refresh_records
from .models import PendingRevision, StepKind, Transition

# What a posted change form holds besides the record's data: the CSRF token and the buttons.
NOT_STORED = frozenset(
    {
        "csrfmiddlewaretoken",
        "_save",
        "_continue",
        "_addanother",
        "_saveasnew",
        "_submit_for_review",
        "_publish_now",
    }
)
PENDING_DIRECTORY = "pending"


def pending_revision(record):
    """The record's pending revision, or None."""
    return (
        PendingRevision.objects.filter(
            content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk
        )
        .select_related("author")
        .first()
    )


def pending_revisions(model):
    """{record id: revision} of every pending revision of `model`."""
    return {
        revision.object_id: revision
        for revision in PendingRevision.objects.filter(
            content_type=ContentType.objects.get_for_model(model)
        ).select_related("author")
    }


# --- Saving a revision ------------------------------------------------------------------------
def stage(record, *, request, form, comment):
    """Keep what the change form of `record` posted as its pending revision (replacing the one
    it had), and the uploads in storage. The record itself is left as it is."""
    data = {name: values for name, values in request.POST.lists() if name not in NOT_STORED}
    files = {}
    for name, uploads in request.FILES.lists():
        files[name] = [keep_upload(upload) for upload in uploads]
    content_type = ContentType.objects.get_for_model(type(record))
    with transaction.atomic():
        old = (
            PendingRevision.objects.select_for_update()
            .filter(content_type=content_type, object_id=record.pk)
            .first()
        )
        if old is not None:
            # An upload not sent again is still part of the revision, as the form shows it.
            files = {**old.files, **files}
            stale = [
                upload["path"]
                for name, uploads in old.files.items()
                if files.get(name) is not uploads
                for upload in uploads
            ]
            transaction.on_commit(lambda: forget_uploads(stale))
        if old is not None:
            # The form showed the old revision's values, made from the live record of then.
            based_on = old.based_on
        else:
            based_on = (
                type(record)
                ._base_manager.filter(pk=record.pk)
                .values_list("updated_at", flat=True)
                .get()
            )
        # update_or_create: two saves at once leave one revision, the later, and no error.
        revision, _created = PendingRevision.objects.update_or_create(
            content_type=content_type,
            object_id=record.pk,
            defaults={
                "data": data,
                "files": files,
                "fields": list(form.base_fields),
                "comment": comment,
                "author": request.user,
                "created_at": timezone.now(),
                "based_on": based_on,
            },
        )
        return revision


def keep_upload(upload):
    extension = posixpath.splitext(upload.name)[1].lower()[:10]
    path = default_storage.save(f"{PENDING_DIRECTORY}/{uuid.uuid4().hex}{extension}", upload)
    return {"path": path, "name": upload.name, "content_type": upload.content_type or ""}


def forget_uploads(paths):
    for path in paths:
        default_storage.delete(path)


def uploads_of(revision):
    return [upload for uploads in revision.files.values() for upload in uploads]


# --- Replaying it -----------------------------------------------------------------------------
def posted_data(revision):
    data = QueryDict(mutable=True)
    for name, values in revision.data.items():
        data.setlist(name, values)
    data._mutable = False
    return data


def posted_files(revision):
    files = MultiValueDict()
    for name, uploads in revision.files.items():
        opened = []
        for upload in uploads:
            with default_storage.open(upload["path"]) as stored:
                content = stored.read()
            opened.append(SimpleUploadedFile(upload["name"], content, upload["content_type"]))
        files.setlist(name, opened)
    return files


def replay_request(request, revision):
    """`request` as if it had posted the revision's data: the admin's forms read it from there."""
    replayed = copy.copy(request)
    replayed.method = "POST"
    replayed.POST = posted_data(revision)
    replayed._files = posted_files(revision)
    replayed.replaying_revision = revision
    return replayed


@dataclass
class Replay:
    request: object
    form: object
    formsets: list
    valid: bool
    errors: list = field(default_factory=list)


def build_replay(model_admin, request, record, revision):
    """The admin's form and formsets of `record` bound to the revision's data, as the author's
    form was (fields the author could not set are left out), and validated."""
    replayed = replay_request(request, revision)
    with model_admin.form_context(replayed, str(record.pk)):
        form_class = model_admin.get_form(replayed, record, change=True, fields=revision.fields)
        form = form_class(replayed.POST, replayed.FILES, instance=record)
        formsets, _inlines = model_admin._create_formsets(replayed, form.instance, change=True)
        # Only the formsets the author's form had (their management form was posted).
        formsets = [
            formset
            for formset in formsets
            if f"{formset.prefix}-{TOTAL_FORM_COUNT}" in replayed.POST
        ]
        form_valid = form.is_valid()
        formsets_valid = all_valid(formsets)  # validates every one, for every message
    replay = Replay(replayed, form, formsets, form_valid and formsets_valid)
    if not replay.valid:
        replay.errors = error_lines(form, formsets)
    return replay


def error_lines(form, formsets):
    """The form's and formsets' errors as sentences, each naming its field."""
    lines = []

    def add(errors, bound_form, where=""):
        for name, messages in errors.items():
            if name == "__all__":
                label = where
            elif name in bound_form.fields:
                label = f"{where}{bound_form.fields[name].label or name}"
            else:
                label = f"{where}{name}"
            for message in messages:
                lines.append(f"{label}: {message}" if label else str(message))

    add(form.errors, form)
    for formset in formsets:
        title = str(formset.model._meta.verbose_name_plural).capitalize()
        for number, inline_form in enumerate(formset.forms, start=1):
            add(inline_form.errors, inline_form, f"{title}, {_('row')} {number}, ")
        for message in formset.non_form_errors():
            lines.append(f"{title}: {message}")
    return lines or [_("The form could not be validated.")]


def save_replay(model_admin, replay, *, admin_hooks):
    """Save the replayed form and formsets; with `admin_hooks`, through the admin's own
    save_model and save_related, as a posted change form is."""
    request, form, formsets = replay.request, replay.form, replay.formsets
    if admin_hooks:
        record = model_admin.save_form(request, form, change=True)
        model_admin.save_model(request, record, form, True)
        model_admin.save_related(request, form, formsets, True)
        message = model_admin.construct_change_message(request, form, formsets, False)
        model_admin.log_change(request, record, message)
        return record
    record = form.save()
    for formset in formsets:
        formset.instance = record
        formset.save()
    return record


@contextmanager
def nothing_escapes():
    """Signals of change and index refreshes held; yields (senders, {label: ids}) held."""
    with content_changed_held() as senders, index_refresh_held() as refreshes:
        yield senders, refreshes


# --- Approving, discarding, previewing ----------------------------------------------------------
@dataclass
class Outcome:
    done: bool
    conflict: bool = False
    errors: list = field(default_factory=list)
    record: object = None


def has_conflict(record, revision):
    """The live record was changed after the revision was based on it."""
    return record.updated_at != revision.based_on


def approve(model_admin, request, record_id, *, comment, overwrite=False):
    """Make the record's pending revision live, as one change: validated again, saved in one
    transaction, recorded as a Transition, one `content_changed` and one index refresh. A
    record changed since the revision was made is not overwritten unless `overwrite`."""
    model = model_admin.model
    with transaction.atomic():
        # Locks the row only: the admin's queryset may annotate, which FOR UPDATE refuses.
        model._base_manager.select_for_update().filter(pk=record_id).values_list("pk").get()
        record = model_admin.get_object(request, str(record_id))
        revision = (
            PendingRevision.objects.select_for_update()
            .filter(content_type=ContentType.objects.get_for_model(model), object_id=record_id)
            .first()
        )
        if revision is None:
            return Outcome(False, errors=[_("These changes were approved or discarded already.")])
        if has_conflict(record, revision) and not overwrite:
            return Outcome(False, conflict=True, record=record)
        before = record.status
        with nothing_escapes():
            replay = build_replay(model_admin, request, record, revision)
            if not replay.valid:
                return Outcome(False, errors=replay.errors, record=record)
            history.record_baseline([record])  # a record from before versions were kept
            record = save_replay(model_admin, replay, admin_hooks=True)
            history.record_change([record], request.user, _("Changes approved: %s") % comment)
        Transition.objects.create(
            content_type=revision.content_type,
            object_id=record.pk,
            from_status=before,
            to_status=record.status,
            kind=StepKind.CHANGES_APPROVED,
            comment=comment,
            user=request.user,
        )
        paths = [upload["path"] for upload in uploads_of(revision)]
        revision.delete()
        transaction.on_commit(lambda: forget_uploads(paths))
    refresh_records(model, [record.pk])
    send_content_changed(model)
    return Outcome(True, record=record)


def discard(model, record, *, user, comment):
    """Drop the record's pending revision, and say so in its history; the record is left as
    it is. False when there was none."""
    with transaction.atomic():
        revision = (
            PendingRevision.objects.select_for_update()
            .filter(content_type=ContentType.objects.get_for_model(model), object_id=record.pk)
            .first()
        )
        if revision is None:
            return False
        Transition.objects.create(
            content_type=revision.content_type,
            object_id=record.pk,
            from_status=record.status,
            to_status=record.status,
            kind=StepKind.CHANGES_DISCARDED,
            comment=comment,
            user=user,
        )
        paths = [upload["path"] for upload in uploads_of(revision)]
        revision.delete()
        transaction.on_commit(lambda: forget_uploads(paths))
    return True


def superseded(record):
    """The record was saved directly from a form that showed its pending revision (the revision
    is in it), or deleted: the revision goes, and its uploads."""
    revision = pending_revision(record)
    if revision is None:
        return
    paths = [upload["path"] for upload in uploads_of(revision)]
    revision.delete()
    transaction.on_commit(lambda: forget_uploads(paths))


class RolledBack(Exception):
    pass


def render_applied(model_admin, request, record, revision, render):
    """`render(applied record)` with the revision applied in a transaction that is then rolled
    back, every signal of change held (the caches and the search index never hear of it).
    Returns (what render returned, None), or (None, error lines) when it does not replay."""
    result = None
    errors = None
    try:
        with transaction.atomic(), nothing_escapes():
            replay = build_replay(model_admin, request, record, revision)
            if replay.valid:
                applied = save_replay(model_admin, replay, admin_hooks=False)
                result = render(applied)
            else:
                errors = replay.errors
            raise RolledBack
    except RolledBack:
        pass
    return result, errors
