"""Browser tests (Playwright driving Debian's Chromium) and the page types they share with the
HTML validity check.

PAGE_TYPES names every kind of public page once: the address to open and the status it answers
with; then each again in Arabic and Chinese (CHECKED_LANGUAGES). The accessibility tests open
each one in a browser; test_html_validity renders each one with Django's test client. Both
expect the starting content (`load_portal_content`).

An address is usually a string. A registrant's own pages need a signed link, which exists only
once there is a registration: their address is a `RegistrationLink`, which creates one in the
database the test has loaded and returns the link (`page_url`).

ADMIN_PAGE_TYPES names the admin pages staff work in, opened by a superuser: the dashboard, the
staff guide, the change form of each content type (an `AdminChangeLink` finds the record by
its slug) and the page of a long spreadsheet import (`AdminImportLink` makes one).

POSTED_PAGE_TYPES names the pages that answer a form's submission: the page with the form, the
form's action and the status of the answer. The accessibility test submits the form empty in
the browser; test_html_validity posts nothing to the action with Django's test client.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from events.un_day import UN_DAY_ZONE, next_un_day_year, un_day_slug


def _next_un_day_slug():
    """The next UN Day for South-South Cooperation, which `load_portal_content` creates with
    registration open (events.un_day.ensure_next_un_day)."""
    return un_day_slug(next_un_day_year(datetime.now(ZoneInfo(UN_DAY_ZONE)).date()))


NEXT_UN_DAY = f"/events/{_next_un_day_slug()}/"
# The 2021 commemoration's high-level panel, its three side events, and one of them.
PANEL_2021 = "/events/south-south-solidarity-high-level-panel-2021/"
SIDE_EVENT_2021 = "/events/launch-good-practices-made-in-africa-solutions/"
# A publication with related events (fixtures/40_publications.json).
PUBLICATION = "/publications/good-practices-made-in-africa-solutions/"
PUBLICATION_WITH_SYMBOL = "/publications/general-assembly-resolution-58-220/"


class RegistrationLink:
    """The signed link (events.tokens) of a new registration for the next UN Day, in a status."""

    def __init__(self, purpose, status, erased=False, language="en"):
        self.purpose, self.status, self.erased = purpose, status, erased
        self.language = language

    def __str__(self):
        return f"/events/registration/<{self.purpose} token, {self.status}>/"

    def __call__(self):
        from django.urls import reverse
        from django.utils import timezone, translation

        from events import tokens
        from events.models import Event, Registration

        now = timezone.now()
        registration = Registration.objects.create(
            event=Event.objects.get(slug=_next_un_day_slug()),
            name="Amina Diallo",
            email=f"amina.{self.purpose}.{self.status}.{self.language}@example.org",
            organisation="Ministry of Foreign Affairs",
            consented_at=now,
            status=self.status,
            confirmed_at=now if self.status == "confirmed" else None,
            language=self.language,
        )
        if self.erased:  # as "Delete my data" leaves it
            Registration.objects.filter(pk=registration.pk).update(
                name="", email="", organisation="", erased_at=now
            )
        name = "events:confirm" if self.purpose == tokens.CONFIRM else "events:manage"
        with translation.override(self.language):
            return reverse(name, args=[tokens.make_token(registration, self.purpose)])

    def in_language(self, language):
        return RegistrationLink(self.purpose, self.status, self.erased, language)


class LineageLink:
    """The page of a starting case study with a lineage: it replicates one starting case study
    and was adapted in another. The starting content records no replication, so the links are
    made in the database the test has loaded, never in the fixtures."""

    CHAIN = (
        "cuba-ebola-west-africa",
        "mexico-kenya-corn-diversification",
        "colombia-mesoamerica-hunger-reduction",
    )

    def __init__(self, language="en"):
        self.language = language

    def __str__(self):
        return f"/initiatives/{self.CHAIN[1]}/ (with replications)"

    def __call__(self):
        from django.utils import translation

        from initiatives.models import Initiative, Replication, ReplicationKind
        from taxonomy.models import Country

        origin, this, adaptation = (Initiative.objects.get(slug=slug) for slug in self.CHAIN)
        Replication.objects.get_or_create(
            origin=origin,
            derived=this,
            defaults={"country": Country.objects.get(iso2="KE"), "year": 2019, "note": "A note."},
        )
        Replication.objects.get_or_create(
            origin=this, derived=adaptation, defaults={"kind": ReplicationKind.ADAPTED}
        )
        with translation.override(self.language):
            return this.get_absolute_url()

    def in_language(self, language):
        return LineageLink(language)


class EditionsLink:
    """The page of a starting publication with language editions, one of them in Arabic (right
    to left). The starting content records no edition, so they are made in the database the test
    has loaded, never in the fixtures."""

    EDITIONS = {
        "ar": "ممارسات جيدة: حلول صنعت في أفريقيا",
        "fr": "Bonnes pratiques : des solutions conçues en Afrique",
    }

    def __init__(self, language="en"):
        self.language = language

    def __str__(self):
        return f"{PUBLICATION} (with editions)"

    def __call__(self):
        from django.utils import translation

        from publications.models import Publication, PublicationEdition

        publication = Publication.objects.get(slug=PUBLICATION.split("/")[2])
        for language, title in self.EDITIONS.items():
            PublicationEdition.objects.get_or_create(
                publication=publication,
                language=language,
                defaults={"title": title, "external_url": f"https://example.org/{language}/"},
            )
        with translation.override(self.language):
            return publication.get_absolute_url()

    def in_language(self, language):
        return EditionsLink(language)


class AdminChangeLink:
    """The admin change form of the record of `model` ("app_label.model_name") with `slug`."""

    def __init__(self, model, slug):
        self.model, self.slug = model, slug

    def __str__(self):
        return f"/admin/{self.model.replace('.', '/')}/<{self.slug}>/change/"

    def __call__(self):
        from django.apps import apps
        from django.urls import reverse

        model = apps.get_model(self.model)
        record = model.objects.get(slug=self.slug)
        return reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[record.pk]
        )


class AdminImportLink:
    """The page of a long spreadsheet import of case studies, made for the newest superuser (who
    alone may see it): `running` with its progress bar part way, or checked, with its preview
    and the confirm button."""

    def __init__(self, running):
        self.running = running

    def __str__(self):
        return "/admin/initiatives/initiative/import/<id>/"

    def __call__(self):
        from django.contrib.auth import get_user_model
        from django.contrib.contenttypes.models import ContentType
        from django.core.cache import cache
        from django.urls import reverse

        from initiatives.models import Initiative
        from publishing.models import ImportState, SpreadsheetImport
        from publishing.spreadsheet_jobs import progress_key

        changed = {"old": "Bilateral", "new": "Triangular", "changed": True}
        job = SpreadsheetImport.objects.create(
            content_type=ContentType.objects.get_for_model(Initiative),
            user=get_user_model().objects.filter(is_superuser=True).latest("pk"),
            file_name="0" * 32,
            original_name="case-studies.csv",
            format=0,
            rows=1200,
            state=ImportState.CHECKING if self.running else ImportState.READY,
            report={}
            if self.running
            else {
                "totals": {"new": 1199, "update": 1, "skip": 0},
                "headers": ["title", "modality"],
                "rows": [
                    {"number": 2, "type": "new", "cells": [{"new": "Seeds"}, {"new": "Bilateral"}]},
                    {"number": 3, "type": "update", "cells": [{"new": "Clinics"}, changed]},
                ],
            },
        )
        if self.running:
            cache.set(progress_key(job.pk), 480)
        return reverse("admin:initiatives_initiative_import_status", args=[job.pk])


def page_url(url):
    """The address to open: `url` itself, or the one a RegistrationLink makes (in the database
    the caller has loaded)."""
    return url() if callable(url) else url


PAGE_TYPES = {
    "home": ("/", 200),
    "about": ("/about/", 200),
    "privacy": ("/privacy/", 200),
    "open data": ("/open-data/", 200),
    "list": ("/initiatives/", 200),
    "list-filtered": ("/initiatives/?region=africa&sdg=3", 200),
    "list-form-error": ("/initiatives/?sdg=99&year_to=1800", 200),
    "list-bad-number": ("/initiatives/?year_from=abc", 200),
    "list-no-results": ("/initiatives/?q=xylophone", 200),
    "detail": ("/initiatives/cambodia-colombia-demining-experts/", 200),
    "detail-replicated": (LineageLink(), 200),
    "not-found": ("/initiatives/no-such-case-study/", 404),
    "events": ("/events/", 200),
    "events-past": ("/events/?when=past", 200),
    "events-filtered": ("/events/?when=past&kind=side-event", 200),
    "events-form-error": ("/events/?year=abc", 200),
    "event-open": (NEXT_UN_DAY, 200),
    "event-with-side-events": (PANEL_2021, 200),
    "side-event": (SIDE_EVENT_2021, 200),
    "event-registered": (f"{NEXT_UN_DAY}registered/", 200),
    "registration-confirm": (RegistrationLink("confirm", "pending"), 200),
    "registration-manage": (RegistrationLink("manage", "confirmed"), 200),
    "registration-manage-cancelled": (RegistrationLink("manage", "cancelled"), 200),
    "registration-erased": (RegistrationLink("manage", "cancelled", erased=True), 200),
    "publications": ("/publications/", 200),
    "publications-filtered": ("/publications/?kind=compendium", 200),
    "publications-form-error": ("/publications/?year_from=abc", 200),
    "publication": (PUBLICATION, 200),
    "publication-with-editions": (EditionsLink(), 200),
    # A UN document: its official text in the six languages.
    "publication-symbol": (PUBLICATION_WITH_SYMBOL, 200),
    "countries": ("/countries/", 200),
    "countries-by-role": ("/countries/?role=beneficiary", 200),
    "countries-unknown-role": ("/countries/?role=donor", 400),
    "country": ("/countries/CO/", 200),
    "country-empty": ("/countries/ZW/", 200),
    "goals": ("/sdgs/", 200),
    "goal": ("/sdgs/8/", 200),
    "goal-with-case-studies": ("/sdgs/3/", 200),
    "goal-not-found": ("/sdgs/18/", 404),
    "list-by-target": ("/initiatives/?target=3.d", 200),
    "search": ("/search/?q=cooperation", 200),
    "search-by-type": ("/search/?q=cooperation&type=event", 200),
    "search-no-results": ("/search/?q=xylophone", 200),
    "search-empty": ("/search/?q=", 200),
    "search-form-error": (f"/search/?q={'x' * 201}", 200),  # longer than the form takes
}

# Every page type again in Arabic (right to left) and Chinese: "ar-detail", "zh-hans-detail"...
CHECKED_LANGUAGES = ["ar", "zh-hans"]


def in_language(url, language):
    """`url` (an address or a RegistrationLink) on the pages of `language`."""
    if isinstance(url, RegistrationLink | LineageLink | EditionsLink):
        return url.in_language(language)
    return f"/{language}{url}"


PAGE_TYPES.update(
    {
        f"{language}-{name}": (in_language(url, language), status)
        for language in CHECKED_LANGUAGES
        for name, (url, status) in list(PAGE_TYPES.items())
    }
)

POSTED_PAGE_TYPES = {
    # The registration form sent empty: the event's page again, with the errors.
    "event-form-errors": (NEXT_UN_DAY, f"{NEXT_UN_DAY}register/", 400),
    **{
        f"{language}-event-form-errors": (
            f"/{language}{NEXT_UN_DAY}",
            f"/{language}{NEXT_UN_DAY}register/",
            400,
        )
        for language in CHECKED_LANGUAGES
    },
}

ADMIN_PAGE_TYPES = {
    "admin-dashboard": ("/admin/", 200),
    "admin-staff-guide": ("/admin/guide/", 200),
    "admin-case-study": (
        AdminChangeLink("initiatives.initiative", "cambodia-colombia-demining-experts"),
        200,
    ),
    "admin-event": (AdminChangeLink("events.event", _next_un_day_slug()), 200),
    "admin-publication": (
        AdminChangeLink("publications.publication", PUBLICATION.split("/")[2]),
        200,
    ),
    "admin-import-running": (AdminImportLink(running=True), 200),
    "admin-import-checked": (AdminImportLink(running=False), 200),
    # The style guide's specimens: a public page's layout, shown to staff only.
    "styleguide": ("/styleguide/", 200),
}
