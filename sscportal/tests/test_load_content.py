"""`load_portal_content` run again over a portal in use: what staff wrote stays as they left it,
the reference data is refreshed, and only what was never loaded is created."""

import json
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from events.models import Event
from initiatives.models import CooperationForm, Initiative, InitiativeCountry
from publications.models import Publication
from sscportal.management.commands.load_portal_content import portal_fixtures
from sscportal.models import AboutSection, KeyFigure, SeededRecord
from taxonomy.management.commands.build_taxonomy_fixtures import TARGETS_FIXTURE
from taxonomy.models import SDG, Country, Organisation, Region, Source, Theme

CASE_STUDY = "cuba-ebola-west-africa"
CONTENT_MODELS = [
    Initiative,
    InitiativeCountry,
    Event,
    Publication,
    KeyFigure,
    AboutSection,
    Theme,
    CooperationForm,
    Organisation,
    Source,
]


class FormFields(HTMLParser):
    """What a browser would post for a page's form `form_id`, as it is: each named input,
    checked box, selected option and textarea."""

    def __init__(self, html, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.data = form_id, False, {}
        self.select = self.textarea = None
        self.feed(html)

    def add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "name" not in attrs and tag != "option":
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.add(attrs["name"], attrs.get("value", "on"))
            elif kind not in {"submit", "button", "file", "image", "reset"}:
                self.add(attrs["name"], attrs.get("value", ""))
        elif tag == "select":
            self.select = attrs["name"]
            self.data.setdefault(self.select, [])
        elif tag == "option" and self.select and "selected" in attrs:
            self.add(self.select, attrs.get("value", ""))
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.add(self.textarea, "")

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            # Browsers drop the one line break that follows <textarea>.
            values = self.data[self.textarea]
            values[-1] = values[-1].removeprefix("\n")
            self.textarea = None
        elif tag == "form":
            self.inside = False


def admin_form(client, url, form_id):
    page = client.get(url)
    assert page.status_code == 200
    return FormFields(page.content.decode(), form_id).data


def load():
    call_command("load_portal_content", verbosity=0)


@pytest.fixture
def loaded(db):
    load()


def fixture_slugs(name):
    records = json.loads((settings.BASE_DIR / "fixtures" / name).read_text(encoding="utf-8"))
    return [record["fields"]["slug"] for record in records if "slug" in record["fields"]]


def counts():
    return {model._meta.label: model.objects.count() for model in CONTENT_MODELS}


def test_a_case_study_edited_in_the_admin_keeps_its_title_and_themes(loaded, staff_client):
    client = staff_client("view_initiative", "change_initiative", "publish_initiative")
    case_study = Initiative.objects.get(slug=CASE_STUDY)
    url = reverse("admin:initiatives_initiative_change", args=[case_study.pk])
    themes = list(Theme.objects.exclude(initiatives=case_study).order_by("pk")[:2])
    summary, solution = case_study.summary, case_study.solution
    data = admin_form(client, url, "initiative_form")
    data["title"] = ["Cuban doctors against Ebola in West Africa"]
    data["themes"] = [str(theme.pk) for theme in themes]
    data["_publish_now"] = ["Save and publish now"]  # it is published: else the change waits

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    case_study.refresh_from_db()
    assert case_study.title == "Cuban doctors against Ebola in West Africa"
    assert set(case_study.themes.all()) == set(themes)
    assert (case_study.summary, case_study.solution) == (summary, solution)
    countries = list(case_study.country_roles.values_list("country__iso2", "role"))

    load()

    case_study.refresh_from_db()
    assert case_study.title == "Cuban doctors against Ebola in West Africa"
    assert set(case_study.themes.all()) == set(themes)
    assert list(case_study.country_roles.values_list("country__iso2", "role")) == countries


def test_edits_to_every_kind_of_content_are_kept(loaded):
    event = Event.objects.exclude(slug__startswith="un-day-for-south-south-cooperation-20")
    event = event.order_by("pk").first()
    publication = Publication.objects.order_by("pk").first()
    figure, section = KeyFigure.objects.first(), AboutSection.objects.first()
    theme, organisation = Theme.objects.first(), Organisation.objects.first()
    source = Source.objects.first()
    Event.objects.filter(pk=event.pk).update(title="Edited event")
    event.sources.clear()
    Publication.objects.filter(pk=publication.pk).update(summary="Edited summary.")
    KeyFigure.objects.filter(pk=figure.pk).update(value="Edited value", is_shown=False)
    section.sources.set([source])
    Theme.objects.filter(pk=theme.pk).update(name="Edited theme", sort_order=999)
    Organisation.objects.filter(pk=organisation.pk).update(website="https://example.org/")
    Source.objects.filter(pk=source.pk).update(note="Edited note.")

    load()

    assert Event.objects.get(pk=event.pk).title == "Edited event"
    assert not event.sources.exists()
    assert Publication.objects.get(pk=publication.pk).summary == "Edited summary."
    assert KeyFigure.objects.filter(pk=figure.pk, value="Edited value", is_shown=False).exists()
    assert list(section.sources.all()) == [source]
    assert Theme.objects.filter(pk=theme.pk, name="Edited theme", sort_order=999).exists()
    assert Organisation.objects.get(pk=organisation.pk).website == "https://example.org/"
    assert Source.objects.get(pk=source.pk).note == "Edited note."


def test_reference_data_changed_in_the_database_is_refreshed_from_the_fixtures(loaded):
    Country.objects.filter(iso2="BR").update(name="Brasil", m49_code="999", is_ldc=True)
    SDG.objects.filter(number=13).update(title="Something else", colour="#000000")
    Region.objects.filter(m49_code="002").update(name="Afrique")

    load()

    brazil = Country.objects.get(iso2="BR")
    assert (brazil.name, brazil.m49_code, brazil.is_ldc) == ("Brazil", "076", False)
    goal = SDG.objects.get(number=13)
    assert (goal.title, goal.colour) == (
        "Take urgent action to combat climate change and its impacts",
        "#3F7E44",
    )
    assert Region.objects.get(m49_code="002").name == "Africa"


def test_running_twice_creates_nothing_twice(loaded):
    before = counts()
    seeded = SeededRecord.objects.count()

    load()

    assert counts() == before
    assert SeededRecord.objects.count() == seeded
    assert before["initiatives.Initiative"] == 6
    assert before["initiatives.InitiativeCountry"] == 11


def test_a_seeded_record_staff_deleted_stays_deleted(loaded):
    Initiative.objects.get(slug=CASE_STUDY).delete()
    KeyFigure.objects.order_by("pk").first().delete()
    figures = KeyFigure.objects.count()

    load()

    assert not Initiative.objects.filter(slug=CASE_STUDY).exists()
    assert KeyFigure.objects.count() == figures


def test_restore_deleted_brings_a_deleted_seeded_record_back_with_its_rows(loaded):
    Initiative.objects.get(slug=CASE_STUDY).delete()

    call_command("load_portal_content", "--restore-deleted", verbosity=0)

    case_study = Initiative.objects.get(slug=CASE_STUDY)
    assert case_study.country_roles.exists()
    assert case_study.sources.exists()


def test_a_fixture_record_never_loaded_is_created_with_its_links_and_rows(loaded):
    """As when a new release of the portal adds a case study to fixtures/."""
    Initiative.objects.get(slug=CASE_STUDY).delete()
    SeededRecord.objects.filter(model="initiatives.initiative").delete()
    others = {
        slug: Initiative.objects.filter(slug=slug).values_list("title", flat=True).get()
        for slug in fixture_slugs("20_initiatives.json")
        if slug != CASE_STUDY
    }
    Initiative.objects.exclude(slug=CASE_STUDY).update(title="Edited")

    load()

    case_study = Initiative.objects.get(slug=CASE_STUDY)
    assert case_study.title == "Cuba's support to West Africa in the fight against Ebola"
    assert case_study.country_roles.count() >= 1
    assert case_study.sources.exists()
    assert case_study.search_text
    assert others and set(
        Initiative.objects.exclude(slug=CASE_STUDY).values_list("title", flat=True)
    ) == {"Edited"}
    assert SeededRecord.objects.filter(model="initiatives.initiative").count() == 6


def test_a_database_loaded_before_the_record_of_seeds_is_taken_as_it_is(loaded):
    """A portal whose content was loaded before the seeds were recorded: nothing is created
    again, and from then on what staff delete stays deleted."""
    SeededRecord.objects.all().delete()
    before = counts()

    load()

    assert counts() == before
    Theme.objects.order_by("pk").first().delete()
    load()
    assert Theme.objects.count() == before["taxonomy.Theme"] - 1


def test_the_sdg_targets_load_after_the_goals_they_name():
    names = [path.name for path in portal_fixtures()]

    assert (
        names.index("03_sdgs.json") < names.index(TARGETS_FIXTURE) < names.index("04_themes.json")
    )
