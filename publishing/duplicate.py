"""Duplicate a record as a new draft: the admin's "Duplicate" action on every content type.

The copy has every field of the original, every many-to-many link, the rows of links with a
role (a case study's countries and organisations with their roles) and its other parts (a
publication's language editions), under the title
"<title> (copy)" and a slug of its own. It is a draft without a publication date, and it takes
nothing that belongs to the original alone: an event's registrations and side events stay with
the original. The image and the PDF are shared with the original, not copied: the portal never
deletes a stored file, and uploading another one to the copy leaves the original's as it is.
"""

from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .content import content_for
from .models import Status


def unique_slug(model, slug):
    """`<slug>-copy`, or `<slug>-copy-2`, ... whichever no record of `model` has yet."""
    max_length = model._meta.get_field("slug").max_length
    number = 1
    while True:
        suffix = "-copy" if number == 1 else f"-copy-{number}"
        candidate = f"{slug[: max_length - len(suffix)]}{suffix}"
        if not model._base_manager.filter(slug=candidate).exists():
            return candidate
        number += 1


def copy_rows(model, foreign_key, record, copy):
    """New rows of `model` like those whose `foreign_key` is `record`, pointing at `copy`."""
    rows = list(model._base_manager.filter(**{foreign_key: record}))
    for row in rows:
        row.pk = None
        row._state.adding = True
        setattr(row, foreign_key, copy)
    model._base_manager.bulk_create(rows)


@transaction.atomic
def duplicate(record):
    """A new draft copy of `record` (see the module's docstring), saved and indexed."""
    model = type(record)
    copy = model._base_manager.get(pk=record.pk)
    copy.pk = None
    copy._state.adding = True
    title_field = model._meta.get_field("title")
    copy.title = gettext("%(title)s (copy)") % {"title": record.title}
    copy.title = copy.title[: title_field.max_length]
    copy.slug = unique_slug(model, record.slug)
    copy.status = Status.DRAFT
    copy.published_at = None
    copy.save()
    for field in model._meta.many_to_many:
        through = field.remote_field.through
        if through._meta.auto_created:
            getattr(copy, field.name).set(getattr(record, field.name).all())
            continue
        # A link with more than its two ends (a role): copy its rows, pointing at the copy.
        copy_rows(through, field.m2m_field_name(), record, copy)
    # The parts that are not links (a publication's language editions): their rows too.
    content = content_for(model)
    links = {field.remote_field.through for field in model._meta.many_to_many}
    for part, foreign_key in content.parts.items():
        if part not in links:
            copy_rows(part, foreign_key, record, copy)
    # bulk_create sends no signal: index the copy as it now is.
    content.refresh_index(model._base_manager.filter(pk=copy.pk))
    return copy


@admin.action(description=_("Duplicate as a new draft"), permissions=["add"])
def duplicate_selected(modeladmin, request, queryset):
    """The admin action: one copy per selected record. A single copy opens in its change form."""
    originals = list(queryset.order_by("pk"))
    copies = [duplicate(record) for record in originals]
    for copy in copies:
        # In the history as added by this member of staff: it is among their drafts.
        modeladmin.log_addition(request, copy, [{"added": {}}])
    if len(copies) == 1:
        [original], [copy] = originals, copies
        opts = copy._meta
        modeladmin.message_user(
            request,
            _("This is a new draft copied from “%(title)s”. Check its title and address.")
            % {"title": original.title},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[copy.pk])
        )
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d record duplicated as a draft.",
            "%(count)d records duplicated as drafts.",
            len(copies),
        )
        % {"count": len(copies)},
        messages.SUCCESS,
    )
    return None
