"""E-mail to the publishers when something is submitted for review, sent in the background.

A submission (publishing/workflow.py) queues `tell_publishers` once its transaction has
committed; the worker (`manage.py db_worker`) sends it, so a slow mail server never holds up
the editor. The recipients are the active users who may publish the type (directly, through a
group, or as superusers) and have an e-mail address.
"""

import logging

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mass_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from .models import Status, publish_permission

logger = logging.getLogger(__name__)


def queue_review_request(model_label, pks, submitter_id):
    """Queue the e-mail; never raises: the submission stands even when the queue cannot take
    the e-mail (the record is in the publishers' queue all the same)."""
    try:
        tell_publishers.enqueue(model_label, pks, submitter_id)
    except Exception:  # noqa: BLE001 - the committed submission must not fail
        logger.exception("Could not queue the review e-mail for %s %s", model_label, pks)


def publishers_of(model):
    """Active users with an e-mail address who may publish records of `model`."""
    app_label, codename = publish_permission(model).split(".")
    permission = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).first()
    may_publish = Q(is_superuser=True)
    if permission is not None:
        may_publish |= Q(user_permissions=permission) | Q(groups__permissions=permission)
    return (
        get_user_model()
        .objects.filter(may_publish, is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


@task()
def tell_publishers(model_label, pks, submitter_id):
    """Send each publisher one e-mail naming the records still in review; returns how many
    e-mails went."""
    model = apps.get_model(model_label)
    records = list(
        model._base_manager.filter(pk__in=pks, status=Status.IN_REVIEW)
        .only("pk", "title")
        .order_by("title")
    )
    if not records:
        return 0
    submitter = get_user_model().objects.filter(pk=submitter_id).first()
    context = {
        "records": [
            {
                "title": record.title,
                "url": settings.PORTAL_BASE_URL
                + reverse(
                    f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
                    args=[record.pk],
                ),
            }
            for record in records
        ],
        "type": model._meta.verbose_name_plural,
        "submitter": (submitter.get_full_name() or submitter.get_username()) if submitter else "",
        "queue_url": settings.PORTAL_BASE_URL
        + reverse("admin:publishing_awaitingreview_changelist"),
    }
    subject = _("In review: %(title)s") % {"title": records[0].title}
    if len(records) > 1:
        subject = _("In review: %(count)d %(type)s") % {
            "count": len(records),
            "type": model._meta.verbose_name_plural,
        }
    body = render_to_string("publishing/email/review_request.txt", context)
    recipients = [
        user.email for user in publishers_of(model) if submitter is None or user.pk != submitter.pk
    ]
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients]
    return send_mass_mail(messages, fail_silently=False)
