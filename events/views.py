import logging
import math
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from django.views.generic import DetailView

from core.client import client_ip_for_limits
from core.content_language import with_translations
from core.page_cache import depends_on, independent_of, public_page
from core.rate_limit import Limit
from initiatives.models import related_case_studies
from publishing.views import FilteredListView, PublishedDetailMixin

from . import privacy, services, tokens
from .calendar import event_calendar, events_calendar
from .calendar_links import google_calendar_url, outlook_calendar_url
from .filters import EventFilter
from .forms import RegistrationForm
from .models import Event, Registration, RegistrationState, RegistrationStatus

logger = logging.getLogger(__name__)

UPCOMING, PAST = "upcoming", "past"
# The most events one calendar feed lists.
FEED_LIMIT = 200


# The event texts a list or a card never shows.
UNSHOWN_FIELDS = ("description", "source_note", "search_text", "search_vector")


class EventListView(FilteredListView):
    """Upcoming events, or past ones with ?when=past: `when` chooses the list, it is no filter."""

    model = Event
    filterset_class = EventFilter
    download_url_name = "events:list_download"
    # Which events are to come changes with the clock, not with content: counted afresh.
    keep_count = False
    # A card says whether registration is open, and "waiting list" once the event is full: a
    # change that sends content_changed (services.places_changed); the moments registration
    # opens and closes show within PORTAL_CHOICE_CACHE_SECONDS.
    card_template = "includes/event_card.html"
    card_name = "event"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.when = PAST if request.GET.get("when") == PAST else UPCOMING

    def filter_data(self):
        data = self.request.GET.copy()
        data.pop("when", None)
        return data

    def base_queryset(self):
        events = super().base_queryset()
        return events.past() if self.when == PAST else events.upcoming()

    def for_cards(self, queryset):
        return (
            queryset.with_confirmed_count()
            .select_related("country", "parent")
            .defer(
                *with_translations(
                    Event, "description", "source_note", "search_text", "search_vector"
                )
            )
        )

    def card_variant(self):
        return self.when  # a card of a past event says nothing of registration

    def clear_url(self):
        list_url = reverse("events:list")
        return f"{list_url}?when={PAST}" if self.when == PAST else list_url

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        list_url = reverse("events:list")
        context.update(
            when=self.when,
            list_title=_("Past events") if self.when == PAST else _("Upcoming events"),
            upcoming_url=list_url,
            past_url=f"{list_url}?when={PAST}",
        )
        return context


def event_detail_queryset(events):
    return (
        events.with_confirmed_count()
        .select_related("country", "parent")
        .prefetch_related(
            "organisers",
            "themes",
            "sdgs",
            "sources",
            related_case_studies(),
            Prefetch(
                "side_events",
                queryset=Event.objects.published()
                .select_related("country")
                .defer(
                    *with_translations(
                        Event, "description", "source_note", "search_text", "search_vector"
                    )
                )
                .order_by("starts_at", "title"),
            ),
        )
    )


def country_events_url(event):
    """The event list narrowed to the event's country (and to past events once it has ended):
    where the event page links the country's name. Empty for an event with no country."""
    if not event.country_id:
        return ""
    query = {"country": event.country.iso2}
    if event.has_ended():
        query["when"] = PAST
    return f"{reverse('events:list')}?{urlencode(query)}"


class EventDetailView(PublishedDetailMixin, DetailView):
    model = Event
    preview_messages = {
        "scheduled": gettext_lazy("This event is scheduled: it becomes public on %(date)s."),
        "unpublished": gettext_lazy("This event is not public yet (status: %(status)s)."),
    }
    form = None

    def get_queryset(self):
        return event_detail_queryset(self.get_base_queryset())

    def get(self, request, *args, **kwargs):
        # The places left change with every registration confirmed or cancelled: the cached
        # page is retired alone (services.places_changed), not all content. The part's version
        # is read before the places are counted.
        part = services.places_part(kwargs["slug"])
        depends_on(request, part)
        response = super().get(request, *args, **kwargs)
        if self.object.capacity is None:
            independent_of(request, part)  # no limit: the page shows no count
        return response

    def registration_context(self, event):
        """What the registration section (includes/event_registration.html) reads: whether
        registration is open, the places left and the form. The event has its confirmed count
        (EventQuerySet.with_confirmed_count)."""
        state = event.registration_state(confirmed_count=event.confirmed_count)
        context = {
            "event": event,
            "registration_state": state,
            "registration_open": state == RegistrationState.OPEN,
        }
        if state == RegistrationState.OPEN:
            context["form"] = self.form or RegistrationForm()
            context["places_left"] = (
                None if event.capacity is None else max(event.capacity - event.confirmed_count, 0)
            )
        return context

    def live_parts(self, names):
        """The registration section, for a page written around its kept parts: one query, for
        the event's registration fields and its confirmed places."""
        event = (
            Event.objects.published()
            .with_confirmed_count()
            .only(*REGISTRATION_FIELDS, "time_zone")
            .filter(slug=self.kwargs["slug"])
            .first()
        )
        if event is None:
            return None
        self.object = event
        html = render_to_string(
            "includes/event_registration.html", self.registration_context(event), self.request
        )
        return {"registration": html}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.object
        context.update(self.registration_context(event))
        context["parent"] = event.parent if event.parent and event.parent.is_published() else None
        context["country_events_url"] = country_events_url(event)
        # Once the event has ended, the lists its page links to show past events.
        context["past"] = f"&when={PAST}" if event.has_ended() else ""
        # Web calendars beside the .ics file, while there is still something to attend.
        if not (context["is_preview"] or event.is_cancelled or event.has_ended()):
            base_url = self.request.build_absolute_uri("/")[:-1]
            context["web_calendars"] = [
                ("Google Calendar", google_calendar_url(event, base_url)),
                ("Outlook", outlook_calendar_url(event, base_url)),
            ]
        return context


# What a registration reads of its event: whether it is open, and where its page is.
REGISTRATION_FIELDS = (
    "slug",
    "status",
    "published_at",
    "starts_at",
    "ends_at",
    "is_cancelled",
    "registration_enabled",
    "registration_opens_at",
    "registration_closes_at",
    "capacity",
    "waiting_list",
)


class RegisterView(EventDetailView):
    """POST only: the registration form on an event's page."""

    http_method_names = ["post"]
    page_cache = False
    keep_parts = False  # a form sent back with its errors is this visitor's alone

    def can_preview(self):
        return False  # nobody registers for a draft, staff included

    def post(self, request, *args, **kwargs):
        # Only what the decision needs: the page's texts, links and lists are read again only
        # to show the form with its mistakes.
        event = get_object_or_404(
            self.get_base_queryset().only(*REGISTRATION_FIELDS), slug=kwargs["slug"]
        )
        if event.registration_state() != RegistrationState.OPEN:
            # The page says why (closed, full, cancelled, ...).
            return redirect_status(event.get_absolute_url(), 303)
        form = RegistrationForm(request.POST)
        if not form.is_valid():
            self.form = form
            self.object = event = self.get_object()
            response = self.render_to_response(self.get_context_data(object=event))
            response.status_code = 400
            return response
        data = form.cleaned_data
        # Counted once the form is valid (a mistake costs nothing: it sends no e-mail), and
        # before anything is stored or sent.
        refused = refuse_over_limit(request, event, data["email"])
        if refused is not None:
            return refused
        services.register(
            event=event,
            name=data["name"],
            email=data["email"],
            organisation=data["organisation"],
            country=data["country"],
            language=request.LANGUAGE_CODE,
        )
        # The same answer whether or not the address was already registered: the page must not
        # tell anyone who has registered.
        return redirect_status(reverse("events:registered", args=[event.slug]), 303)

    def http_method_not_allowed(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])


def refuse_over_limit(request, event, email):
    """The 429 page when this registration would pass one of the limits on registrations from
    one client address or for one e-mail domain (settings), else None. Both stop a flood of
    sign-ups, and of the e-mails they send, from one machine or at one organisation's mailboxes.
    """
    window = settings.REGISTRATION_LIMIT_WINDOW
    domain = email.rsplit("@", 1)[-1]
    checks = [
        (
            "client",
            Limit("registration-client", settings.REGISTRATION_LIMIT_PER_CLIENT, window),
            client_ip_for_limits(request) or "unknown",
        ),
        (
            "domain",
            Limit("registration-domain", settings.REGISTRATION_LIMIT_PER_DOMAIN, window),
            domain,
        ),
    ]
    for reason, limit, key in checks:
        retry_after = limit.hit(key)
        if retry_after is not None:
            logger.warning("Registration for %s refused: over the %s limit", event.slug, reason)
            context = {
                "event": event,
                "reason": reason,
                "domain": domain,
                "minutes": math.ceil(retry_after / 60),
            }
            response = render(request, "events/too_many_registrations.html", context, status=429)
            response["Retry-After"] = str(retry_after)
            return private(response)
    return None


def redirect_status(to, status, **kwargs):
    response = redirect(to, **kwargs)
    response.status_code = status
    return response


@require_safe
def registered(request, slug):
    event = get_object_or_404(Event.objects.published(), slug=slug)
    context = {"event": event, "confirm_hours": settings.EVENTS_CONFIRM_LINK_MAX_AGE // 3600}
    return render(request, "events/registered.html", context)


def registration_from_token(token, purpose):
    pk = tokens.read_token(token, purpose)
    if pk is None:
        return None
    # The registrant's pages show the event's title, dates and links, never its long texts.
    unshown = [f"event__{name}" for name in with_translations(Event, *UNSHOWN_FIELDS)]
    return (
        Registration.objects.select_related("event", "event__country")
        .defer(*unshown)
        .filter(pk=pk)
        .first()
    )


def private(response):
    """A registrant's own page: never cached, never indexed."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def confirm(request, token):
    if request.method not in {"GET", "HEAD", "POST"}:
        return HttpResponseNotAllowed(["GET", "POST"])
    if request.method == "POST":
        return confirm_post(request, token)
    registration = registration_from_token(token, tokens.CONFIRM)
    if registration is None:
        return confirm_link_invalid(request, token)
    if registration.is_erased:
        return erased_page(request, registration)
    return private(
        render(
            request,
            "events/confirm.html",
            {"registration": registration, "event": registration.event},
        )
    )


def confirm_link_invalid(request, token):
    expired = tokens.is_expired(token, tokens.CONFIRM)
    response = render(
        request, "events/link_invalid.html", {"expired": expired}, status=410 if expired else 404
    )
    return private(response)


def confirm_post(request, token):
    """The button on the confirm page. The registration is read once, by the confirmation
    itself (services.confirm), which also leaves an erased one as it is."""
    pk = tokens.read_token(token, tokens.CONFIRM)
    if pk is None:
        return confirm_link_invalid(request, token)
    try:
        result = services.confirm(pk)
    except Registration.DoesNotExist:
        return confirm_link_invalid(request, token)
    registration = result.registration
    if result.outcome == services.Outcome.ERASED:
        registration.event = Event.objects.get(pk=registration.event_id)
        return erased_page(request, registration)
    messages.add_message(
        request,
        messages.ERROR if result.outcome in FAILED_CONFIRMATIONS else messages.SUCCESS,
        CONFIRM_MESSAGES[result.outcome],
    )
    manage_token = tokens.make_token(registration, tokens.MANAGE)
    return private(redirect_status(reverse("events:manage", args=[manage_token]), 303))


def manage(request, token):
    if request.method not in {"GET", "HEAD", "POST"}:
        return HttpResponseNotAllowed(["GET", "POST"])
    registration = registration_from_token(token, tokens.MANAGE)
    if registration is None:
        return private(render(request, "events/link_invalid.html", {"expired": False}, status=404))
    if registration.is_erased:
        # Nothing is left to see or change; a repeated request changes nothing either.
        return erased_page(request, registration)
    if request.method == "POST" and request.POST.get("action") == "erase":
        privacy.delete_my_data(registration.pk)
        return private(redirect_status(request.path, 303))
    if request.method == "POST":
        if request.POST.get("action") != "cancel":
            return private(
                render(request, "events/link_invalid.html", {"expired": False}, status=400)
            )
        result = services.cancel(registration.pk)
        if result.outcome == services.Outcome.CANCELLED:
            messages.success(
                request, _("Your registration is cancelled. Thank you for telling us.")
            )
        else:
            messages.info(request, _("This registration was already cancelled."))
        return private(redirect_status(request.path, 303))
    event = registration.event
    context = {
        "registration": registration,
        "event": event,
        "show_online_link": registration.status == RegistrationStatus.CONFIRMED
        and event.online_url
        and not event.is_cancelled,
        "can_cancel": registration.is_active and not event.has_ended(),
        # A cancelled registration is no appointment to put in a calendar.
        "show_calendar": registration.is_active and not event.is_cancelled,
        "confirm_token": tokens.make_token(registration, tokens.CONFIRM)
        if registration.status == RegistrationStatus.PENDING
        else None,
    }
    return private(render(request, "events/manage.html", context))


def erased_page(request, registration):
    context = {"event": registration.event, "privacy_url": reverse("privacy")}
    return private(render(request, "events/erased.html", context))


FAILED_CONFIRMATIONS = {
    services.Outcome.FULL,
    services.Outcome.ALREADY_CANCELLED,
    services.Outcome.EVENT_CANCELLED,
    services.Outcome.EVENT_PAST,
}
CONFIRM_MESSAGES = {
    services.Outcome.CONFIRMED: gettext_lazy(
        "Your place is confirmed. We have sent you an e-mail with the details."
    ),
    services.Outcome.WAITLISTED: gettext_lazy(
        "The event is full, so you are on the waiting list. We will e-mail you if a place frees up."
    ),
    services.Outcome.FULL: gettext_lazy("Sorry, the event is full and has no waiting list."),
    services.Outcome.ALREADY_CANCELLED: gettext_lazy(
        "This registration was cancelled; register again if you wish."
    ),
    services.Outcome.EVENT_CANCELLED: gettext_lazy("The event has been cancelled."),
    services.Outcome.EVENT_PAST: gettext_lazy("The event has already taken place."),
}


def calendar_response(content, filename):
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    patch_cache_control(response, public=True, max_age=300)
    return response


@public_page
@require_safe
def event_ics(request, slug):
    event = get_object_or_404(Event.objects.published().select_related("country"), slug=slug)
    return calendar_response(
        event_calendar(event, request.build_absolute_uri("/")[:-1]), f"{event.slug}.ics"
    )


@public_page
@require_safe
def upcoming_ics(request):
    events = Event.objects.published().upcoming().select_related("country")[:FEED_LIMIT]
    content = events_calendar(
        events, _("SSC Portal: upcoming events"), request.build_absolute_uri("/")[:-1]
    )
    return calendar_response(content, "ssc-portal-events.ics")
