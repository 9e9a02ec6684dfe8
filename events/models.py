"""Events (observances, conferences, panels, side events, ...) and the registrations for them.

An event keeps its start and end as aware datetimes (stored in UTC) together with the time zone
it is held in, so that every page, e-mail and calendar file can give its time as the organisers
do ("09:00-11:00 New York time"). The rules of registration live in services.py.
"""

import zoneinfo
from functools import cache

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.content_language import translated
from initiatives.models import Initiative
from publishing.models import (
    Illustrated,
    Publishable,
    PublishableManager,
    PublishedQuerySet,
)
from taxonomy.models import SDG, Country, Organisation, Source, Theme

# Canonical "Area/City" zone names (plus UTC): not aliases such as US/Eastern or Etc/GMT+5,
# whose sign is the reverse of what people expect.
ZONE_AREAS = {
    "Africa",
    "America",
    "Antarctica",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
}


@cache
def time_zone_names():
    zones = zoneinfo.available_timezones()
    return frozenset(name for name in zones if name.split("/", 1)[0] in ZONE_AREAS) | {"UTC"}


def time_zone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(time_zone_names())]


def validate_time_zone(value):
    if value not in time_zone_names():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


class EventKind(models.TextChoices):
    OBSERVANCE = "observance", _("Observance")
    CONFERENCE = "conference", _("Conference")
    HIGH_LEVEL_PANEL = "panel", _("High-level panel")
    SIDE_EVENT = "side-event", _("Side event")
    COMMITTEE_SESSION = "committee", _("Committee session")
    EXPO = "expo", _("Expo")
    MEETING = "meeting", _("Meeting")
    WEBINAR = "webinar", _("Webinar")


class EventFormat(models.TextChoices):
    IN_PERSON = "in-person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class DatePrecision(models.TextChoices):
    TIME = "time", _("Exact times")
    DAY = "day", _("Dates only (all day)")
    MONTH = "month", _("Month only")


class EventQuerySet(PublishedQuerySet):
    def upcoming(self, now=None):
        """Events that have not ended yet, soonest first."""
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at", "title")

    def past(self, now=None):
        """Events that have ended, latest first."""
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at", "title")

    def with_confirmed_count(self):
        """Adds the confirmed count alone: what a page or a card of the event reads."""
        return self.annotate(confirmed_count=registrations_in(RegistrationStatus.CONFIRMED))

    def with_registration_counts(self):
        """Adds confirmed, waitlisted and pending counts, in the same query: each a count
        of the event's registrations in that status (registration_queue_idx), made for the
        events the query returns alone, not for every event it sorts, as a GROUP BY of all
        registrations would."""
        return self.annotate(
            confirmed_count=registrations_in(RegistrationStatus.CONFIRMED),
            waitlisted_count=registrations_in(RegistrationStatus.WAITLISTED),
            pending_count=registrations_in(RegistrationStatus.PENDING),
        )


def registrations_in(status):
    """The number of the event's registrations in `status`, as a subquery."""
    counted = (
        Registration.objects.filter(event=OuterRef("pk"), status=status)
        .order_by()
        .values("event")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted), 0)


class EventManager(PublishableManager.from_queryset(EventQuerySet)):
    pass


class RegistrationState(models.TextChoices):
    """Why the registration form is, or is not, offered on an event's page."""

    OPEN = "open", _("Registration is open.")
    NOT_REQUIRED = "none", _("No registration is needed for this event.")
    NOT_YET_OPEN = "not-yet-open", _("Registration has not opened yet.")
    CLOSED = "closed", _("Registration is closed.")
    FULL = "full", _("The event is full and has no waiting list.")
    CANCELLED = "cancelled", _("The event has been cancelled.")
    PAST = "past", _("The event has taken place.")


@translated("title", "summary", "description")
class Event(Illustrated, Publishable):
    kind = models.CharField(_("kind"), max_length=12, choices=EventKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("main event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="side_events",
        help_text=_("For a side event: the event it belongs to."),
    )
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="America/New_York",
        validators=[validate_time_zone],
        help_text=_(
            "The time zone the organisers give times in, e.g. America/New_York for "
            "“New York time”. Start and end are entered and shown in it."
        ),
    )
    date_precision = models.CharField(
        _("how exact the dates are"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.TIME,
        help_text=_(
            "When the sources give only the days, or only the month, say so: the pages and "
            "calendar files then show no invented times."
        ),
    )
    annual = models.BooleanField(
        _("observed every year"),
        default=False,
        help_text=_("For observances held on the same date every year."),
    )
    format = models.CharField(
        _("format"), max_length=10, choices=EventFormat.choices, default=EventFormat.IN_PERSON
    )
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    online_url = models.URLField(
        _("online link"),
        max_length=500,
        blank=True,
        help_text=_("Where to join online. Shown only to people whose place is confirmed."),
    )
    recording_url = models.URLField(_("recording"), max_length=500, blank=True)
    organisers = models.ManyToManyField(
        Organisation, verbose_name=_("organisers"), blank=True, related_name="events"
    )
    initiatives = models.ManyToManyField(
        Initiative, verbose_name=_("related case studies"), blank=True, related_name="events"
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), blank=True, related_name="events"
    )
    sdgs = models.ManyToManyField(
        SDG, verbose_name=_("Sustainable Development Goals"), blank=True, related_name="events"
    )
    sources = models.ManyToManyField(Source, verbose_name=_("sources"), related_name="events")
    source_note = models.TextField(
        _("note on the sources"),
        blank=True,
        help_text=_("Where the sources disagree or leave something out, say how."),
    )
    is_cancelled = models.BooleanField(
        _("cancelled"),
        default=False,
        help_text=_("The page stays online and says the event is cancelled."),
    )
    # Registration
    registration_enabled = models.BooleanField(
        _("registration"),
        default=False,
        help_text=_("Offer a registration form on the event's page."),
    )
    registration_opens_at = models.DateTimeField(
        _("registration opens"),
        null=True,
        blank=True,
        help_text=_("Leave empty to open registration as soon as the event is published."),
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes"),
        null=True,
        blank=True,
        help_text=_("Leave empty to keep registration open until the event starts."),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("Places that can be confirmed. Leave empty for no limit."),
    )
    waiting_list = models.BooleanField(
        _("waiting list"),
        default=True,
        help_text=_(
            "When the event is full, put people on a waiting list; they are given a place, in "
            "order, as others cancel."
        ),
    )
    # The search index (see search.py): kept up to date by the application, never edited.
    search_text = models.TextField(editable=False, blank=True, default="")
    search_vector = SearchVectorField(null=True, editable=False)

    objects = EventManager()

    class Meta:
        ordering = ["starts_at", "title"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        permissions = [("publish_event", _("Can publish, unpublish and schedule events"))]
        indexes = [
            models.Index(fields=["status", "published_at", "ends_at"], name="event_pub_idx"),
            models.Index(fields=["starts_at"], name="event_starts_idx"),
            # Created on PostgreSQL only (migration 0002): SQLite searches without it.
            GinIndex(fields=["search_vector"], name="event_search_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start"
            ),
            # PositiveIntegerField checks this on PostgreSQL and SQLite alike; say it anyway,
            # by name, since the registration rules depend on it.
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=0),
                name="event_capacity_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__isnull=True)
                | Q(registration_closes_at__gte=models.F("registration_opens_at")),
                name="event_registration_closes_after_opening",
            ),
        ]

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"slug": self.slug})

    def get_ics_url(self):
        return reverse("events:ics", kwargs={"slug": self.slug})

    def clean(self):
        errors = self.image_errors()
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("The event cannot end before it starts.")
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at < self.registration_opens_at
        ):
            errors["registration_closes_at"] = _("Registration cannot close before it opens.")
        if self.parent_id and self.pk:
            ancestor, seen = self.parent, {self.pk}
            while ancestor is not None:
                if ancestor.pk in seen:
                    errors["parent"] = _("An event cannot be part of itself.")
                    break
                seen.add(ancestor.pk)
                ancestor = ancestor.parent
        if errors:
            raise ValidationError(errors)

    # --- Time, as the organisers give it ------------------------------------------------------
    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_start(self):
        return self.starts_at.astimezone(self.zone)

    @property
    def local_end(self):
        return self.ends_at.astimezone(self.zone)

    @property
    def has_times(self):
        return self.date_precision == DatePrecision.TIME

    def has_ended(self, now=None):
        return self.ends_at < (now or timezone.now())

    # --- Registration -------------------------------------------------------------------------
    def registration_state(self, confirmed_count=None, now=None):
        """Whether the form is offered and, if not, why. `confirmed_count` saves a query when
        the caller has it (see EventQuerySet.with_confirmed_count)."""
        now = now or timezone.now()
        if self.is_cancelled:
            return RegistrationState.CANCELLED
        if self.has_ended(now):
            return RegistrationState.PAST
        if not self.registration_enabled:
            return RegistrationState.NOT_REQUIRED
        if self.registration_opens_at and now < self.registration_opens_at:
            return RegistrationState.NOT_YET_OPEN
        if now >= (self.registration_closes_at or self.starts_at):
            return RegistrationState.CLOSED
        if self.capacity is not None and not self.waiting_list:
            if (
                confirmed_count is None
            ):  # annotated by with_confirmed_count() or with_registration_counts()?
                confirmed_count = getattr(self, "confirmed_count", None)
            if confirmed_count is None:
                confirmed_count = self.registrations.filter(
                    status=RegistrationStatus.CONFIRMED
                ).count()
            if confirmed_count >= self.capacity:
                return RegistrationState.FULL
        return RegistrationState.OPEN


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for e-mail confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STATUSES = [
    RegistrationStatus.PENDING,
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
]


class Registration(models.Model):
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="registrations"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), max_length=254)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    consented_at = models.DateTimeField(_("agreed to the privacy notice"))
    # The language of the pages the registrant used: their e-mails and calendar files are in it.
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.PENDING,
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    waitlisted_at = models.DateTimeField(_("put on the waiting list"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    last_email_at = models.DateTimeField(_("last e-mail sent"), null=True, blank=True)
    last_email_error = models.TextField(
        _("last e-mail error"),
        blank=True,
        help_text=_("Why the last e-mail could not be sent; empty when it was."),
    )
    erased_at = models.DateTimeField(
        _("personal data erased"),
        null=True,
        blank=True,
        help_text=_(
            "When the registrant's name, e-mail, organisation and country were erased, at their "
            "request or once the retention period was over. The row stays, so the counts hold."
        ),
    )

    class Meta:
        ordering = ["event", "created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        permissions = [("export_registration", _("Can export registrants to CSV"))]
        indexes = [
            models.Index(
                fields=["event", "status", "waitlisted_at"], name="registration_queue_idx"
            ),
        ]
        constraints = [
            # One active registration per address and event; a cancelled one may be followed
            # by a new one. E-mail addresses are stored lower-cased (see forms.py). Erased
            # registrations have no address left and keep their status.
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=~Q(status="cancelled") & Q(erased_at__isnull=True),
                name="registration_one_active_per_email",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[status.value for status in RegistrationStatus]),
                name="registration_status_known",
            ),
        ]

    def __str__(self):
        return f"{self.registrant} – {self.event}"

    @property
    def is_active(self):
        return self.status in ACTIVE_STATUSES

    @property
    def is_erased(self):
        return self.erased_at is not None

    @property
    def registrant(self):
        """The registrant's name, or what stands in for it once their data is erased."""
        return _("(erased)") if self.is_erased else self.name
