"""The case-study admin, used through its own URLs as an editor would."""

import io
import json
from datetime import UTC, datetime, timedelta
from html import unescape
from html.parser import HTMLParser

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import formats, timezone
from PIL import Image

from devtools.samples import autocomplete, management_form
from initiatives.models import (
    CountryRole,
    Initiative,
    InitiativeCountry,
    Modality,
    OrganisationRole,
)
from publishing.models import Status

from .admin_forms import case_study_form, country_row

# The action's confirmation page, answered: the step is taken with this comment.
CONFIRMED = {"post": "yes", "comment": "Checked against the sources."}
CHANGELIST = "admin:initiatives_initiative_changelist"
ADD = "admin:initiatives_initiative_add"


def change_url(initiative):
    return reverse("admin:initiatives_initiative_change", args=[initiative.pk])


def listed(response):
    """The case studies on a changelist page, in order."""
    assert response.status_code == 200
    return [initiative.title for initiative in response.context["cl"].result_list]


def png_bytes(size=(4, 3)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, "PNG")
    return buffer.getvalue()


class FormControls(HTMLParser):
    """The attributes of every named <select> and <input> of a page, by name."""

    def __init__(self, html):
        super().__init__()
        self.controls = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"select", "input"} and "name" in attrs:
            self.controls.setdefault(attrs["name"], attrs)


# --- The changelist ------------------------------------------------------------------------


def test_changelist_shows_title_modality_countries_status_and_publication_date(
    admin_client, make_initiative, countries
):
    published_at = datetime(2026, 3, 4, 10, 30, tzinfo=UTC)
    make_initiative(
        "Colombian experts in Kenya",
        modality=Modality.TRIANGULAR,
        published_at=published_at,
        countries={
            countries["kenya"]: CountryRole.BENEFICIARY,
            countries["colombia"]: CountryRole.PROVIDER,
        },
    )

    response = admin_client.get(reverse(CHANGELIST))

    html = response.content.decode()
    assert listed(response) == ["Colombian experts in Kenya"]
    assert "Colombian experts in Kenya" in html
    assert '<td class="field-modality">Triangular</td>' in html
    assert '<td class="field-country_list">Colombia, Kenya</td>' in html
    assert '<td class="field-publication_state">Published</td>' in html
    shown_date = formats.localize(timezone.template_localtime(published_at))
    assert f'<td class="field-published_at nowrap">{shown_date}</td>' in html


def test_changelist_names_a_country_once_when_it_has_two_roles(
    admin_client, make_initiative, countries
):
    initiative = make_initiative(countries={countries["chile"]: CountryRole.PROVIDER})
    InitiativeCountry.objects.create(
        initiative=initiative, country=countries["chile"], role=CountryRole.FACILITATOR
    )

    html = admin_client.get(reverse(CHANGELIST)).content.decode()

    assert '<td class="field-country_list">Chile</td>' in html


def test_changelist_filters_by_status(admin_client, make_initiative):
    make_initiative("A published case")
    make_initiative("A draft case", status=Status.DRAFT)
    make_initiative("A case in review", status=Status.IN_REVIEW)

    response = admin_client.get(reverse(CHANGELIST), {"status__exact": Status.DRAFT})

    assert listed(response) == ["A draft case"]


def test_changelist_filters_by_modality(admin_client, make_initiative):
    make_initiative("A bilateral case", modality=Modality.BILATERAL)
    make_initiative("A triangular case", modality=Modality.TRIANGULAR)

    response = admin_client.get(reverse(CHANGELIST), {"modality__exact": Modality.TRIANGULAR})

    assert listed(response) == ["A triangular case"]


def test_region_filter_includes_cases_in_its_sub_regions_through_countries_or_regions(
    admin_client, make_initiative, countries, regions
):
    make_initiative(
        "Through a West African country",
        countries={countries["sierra_leone"]: CountryRole.BENEFICIARY},
    )
    make_initiative("Through a named sub-region", regions=[regions["eastern_africa"]])
    make_initiative("Named at the top", regions=[regions["africa"]])
    make_initiative("In Asia", countries={countries["cambodia"]: CountryRole.PROVIDER})
    make_initiative("In the Caribbean", regions=[regions["caribbean"]])

    response = admin_client.get(reverse(CHANGELIST), {"region": "africa"})

    assert sorted(listed(response)) == [
        "Named at the top",
        "Through a West African country",
        "Through a named sub-region",
    ]


def test_region_filter_lists_each_case_once_when_several_countries_are_inside(
    admin_client, make_initiative, countries
):
    make_initiative(
        "Sierra Leone and Mali",
        countries={
            countries["sierra_leone"]: CountryRole.PROVIDER,
            countries["mali"]: CountryRole.BENEFICIARY,
        },
    )

    response = admin_client.get(reverse(CHANGELIST), {"region": "western-africa"})

    assert listed(response) == ["Sierra Leone and Mali"]
    assert response.context["cl"].result_count == 1


def test_region_filter_offers_every_region(admin_client, regions):
    response = admin_client.get(reverse(CHANGELIST))

    html = response.content.decode()
    for slug in ("africa", "sub-saharan-africa", "western-africa", "south-eastern-asia"):
        assert f"?region={slug}" in html


def test_changelist_filters_by_theme(admin_client, make_initiative, make_theme):
    health, food = make_theme("Health"), make_theme("Food security")
    make_initiative("A health case", themes=[health])
    make_initiative("A food case", themes=[food])

    response = admin_client.get(reverse(CHANGELIST), {"themes__id__exact": health.pk})

    assert listed(response) == ["A health case"]


def test_changelist_filters_by_sdg(admin_client, make_initiative, sdgs):
    make_initiative("Zero hunger", sdgs=[sdgs[2]])
    make_initiative("Good health", sdgs=[sdgs[3], sdgs[16]])

    response = admin_client.get(reverse(CHANGELIST), {"sdgs__id__exact": sdgs[16].pk})

    assert listed(response) == ["Good health"]


def test_search_finds_a_case_by_its_title(admin_client, make_initiative):
    make_initiative("Demining experts", summary="Experts travelled.")
    make_initiative("Food labelling", summary="Labels were designed.")

    response = admin_client.get(reverse(CHANGELIST), {"q": "demining"})

    assert listed(response) == ["Demining experts"]


def test_search_finds_a_case_by_its_summary(admin_client, make_initiative):
    make_initiative("First case", summary="Nutrition and corn diversification.")
    make_initiative("Second case", summary="Atrocity prevention.")

    response = admin_client.get(reverse(CHANGELIST), {"q": "corn"})

    assert listed(response) == ["First case"]


def test_search_finds_a_case_by_country_name_once_when_two_of_its_countries_match(
    admin_client, make_initiative, make_country
):
    guinea, guinea_bissau = make_country("Guinea", "GN"), make_country("Guinea-Bissau", "GW")
    make_initiative(
        "Two neighbours",
        summary="Two countries worked together.",
        countries={guinea: CountryRole.PROVIDER, guinea_bissau: CountryRole.BENEFICIARY},
    )
    make_initiative("Elsewhere", summary="Nothing to do with it.")

    response = admin_client.get(reverse(CHANGELIST), {"q": "guinea"})

    assert listed(response) == ["Two neighbours"]
    assert response.context["cl"].result_count == 1


# --- The add form ----------------------------------------------------------------------------


def test_add_form_fills_the_slug_in_from_the_title(admin_client):
    html = admin_client.get(reverse(ADD)).content.decode()

    marker = 'data-prepopulated-fields="'
    assert marker in html
    config = json.loads(unescape(html.split(marker, 1)[1].split('"', 1)[0]))
    assert {"id": "#id_slug", "dependency_ids": ["#id_title"]}.items() <= config[0].items()


@pytest.mark.parametrize(
    ("name", "model_name", "field_name"),
    [
        ("country_roles-0-country", "initiativecountry", "country"),
        ("organisation_roles-0-organisation", "initiativeorganisation", "organisation"),
        ("regions", "initiative", "regions"),
        ("sources", "initiative", "sources"),
    ],
)
def test_add_form_uses_autocomplete_widgets(admin_client, name, model_name, field_name):
    html = admin_client.get(reverse(ADD)).content.decode()

    control = FormControls(html).controls[name]
    assert control["class"] == "admin-autocomplete"
    assert control["data-ajax--url"] == reverse("admin:autocomplete")
    assert control["data-model-name"] == model_name
    assert control["data-field-name"] == field_name


def test_add_form_offers_the_inline_formsets_under_their_prefixes(admin_client):
    controls = FormControls(admin_client.get(reverse(ADD)).content.decode()).controls

    for prefix in ("country_roles", "organisation_roles"):
        assert controls[f"{prefix}-TOTAL_FORMS"]["value"] == "1"
        assert controls[f"{prefix}-INITIAL_FORMS"]["value"] == "0"


def test_adding_a_case_study_saves_it_with_its_countries_organisations_and_topics(
    admin_client, countries, regions, make_organisation, make_theme, sdgs, source
):
    jica = make_organisation("Japan International Cooperation Agency", "JICA")
    theme = make_theme("Peace and security")
    data = case_study_form(
        source,
        title="Cambodian deminers in Colombia",
        slug="cambodia-colombia-deminers",
        modality=Modality.TRIANGULAR,
        regions=[regions["south_america"].pk],
        themes=[theme.pk],
        sdgs=[sdgs[16].pk],
        start_year="2018",
        end_year="2020",
        **management_form("country_roles", 2),
        **country_row(0, countries["cambodia"], CountryRole.PROVIDER),
        **country_row(1, countries["colombia"], CountryRole.BENEFICIARY),
        **management_form("organisation_roles", 1),
        **{
            "organisation_roles-0-organisation": jica.pk,
            "organisation_roles-0-role": OrganisationRole.SUPPORTING,
        },
    )

    response = admin_client.post(reverse(ADD), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert response["Location"] == reverse(CHANGELIST)
    initiative = Initiative.objects.get(slug="cambodia-colombia-deminers")
    assert initiative.title == "Cambodian deminers in Colombia"
    assert initiative.status == Status.DRAFT
    assert initiative.published_at is None
    assert (initiative.start_year, initiative.end_year) == (2018, 2020)
    assert {(link.country.iso2, link.role) for link in initiative.country_roles.all()} == {
        ("KH", CountryRole.PROVIDER),
        ("CO", CountryRole.BENEFICIARY),
    }
    assert [(link.organisation, link.role) for link in initiative.organisation_roles.all()] == [
        (jica, OrganisationRole.SUPPORTING)
    ]
    assert list(initiative.regions.all()) == [regions["south_america"]]
    assert list(initiative.themes.all()) == [theme]
    assert list(initiative.sdgs.all()) == [sdgs[16]]
    assert list(initiative.sources.all()) == [source]


def test_adding_a_published_case_study_without_a_date_dates_it_now(admin_client, source):
    before = timezone.now()

    response = admin_client.post(reverse(ADD), case_study_form(source, status=Status.PUBLISHED))

    assert response.status_code == 302
    initiative = Initiative.objects.get(slug="brazil-rice-mali")
    assert initiative.status == Status.PUBLISHED
    assert before <= initiative.published_at <= timezone.now()
    assert initiative.is_published()


def test_editing_a_case_study_updates_it_and_its_country_rows(
    admin_client, make_initiative, countries, source
):
    initiative = make_initiative(
        "Old title",
        status=Status.DRAFT,
        countries={countries["chile"]: CountryRole.PROVIDER},
        sources=[source],
    )
    chile = initiative.country_roles.get()
    data = case_study_form(
        source,
        title="Chilean food labelling in Jamaica",
        slug=initiative.slug,
        summary="A new summary.",
        status=Status.IN_REVIEW,
        **management_form("country_roles", 2, initial=1),
        **country_row(
            0, countries["chile"], CountryRole.PROVIDER, initiative=initiative, row=chile
        ),
        **country_row(1, countries["jamaica"], CountryRole.BENEFICIARY, initiative=initiative),
    )

    response = admin_client.post(change_url(initiative), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    initiative.refresh_from_db()
    assert initiative.title == "Chilean food labelling in Jamaica"
    assert initiative.summary == "A new summary."
    assert initiative.status == Status.IN_REVIEW
    assert {(link.country.iso2, link.role) for link in initiative.country_roles.all()} == {
        ("CL", CountryRole.PROVIDER),
        ("JM", CountryRole.BENEFICIARY),
    }


def test_editing_can_remove_a_country_row(admin_client, make_initiative, countries, source):
    initiative = make_initiative(
        status=Status.DRAFT,
        countries={
            countries["chile"]: CountryRole.PROVIDER,
            countries["jamaica"]: CountryRole.BENEFICIARY,
        },
        sources=[source],
    )
    chile = initiative.country_roles.get(country=countries["chile"])
    jamaica = initiative.country_roles.get(country=countries["jamaica"])
    data = case_study_form(
        source,
        title=initiative.title,
        slug=initiative.slug,
        **management_form("country_roles", 2, initial=2),
        **country_row(
            0, countries["jamaica"], CountryRole.BENEFICIARY, initiative=initiative, row=jamaica
        ),
        **country_row(
            1,
            countries["chile"],
            CountryRole.PROVIDER,
            initiative=initiative,
            row=chile,
            delete=True,
        ),
    )

    response = admin_client.post(change_url(initiative), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert [link.country for link in initiative.country_roles.all()] == [countries["jamaica"]]


def test_end_year_before_start_year_is_a_form_error_and_nothing_is_stored(admin_client, source):
    response = admin_client.post(
        reverse(ADD), case_study_form(source, start_year="2020", end_year="2019")
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["end_year"] == ["The end year cannot be before the start year."]
    assert not Initiative.objects.exists()


def test_image_without_a_description_is_a_form_error_and_nothing_is_stored(
    admin_client, source, settings
):
    upload = SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png")

    response = admin_client.post(reverse(ADD), case_study_form(source, image=upload))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["image_alt"] == ["Describe the image for people who cannot see it."]
    assert not Initiative.objects.exists()
    assert not [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()]


def test_a_case_study_needs_a_source(admin_client, source):
    response = admin_client.post(reverse(ADD), case_study_form(source, sources=[]))

    assert response.status_code == 200
    assert "sources" in response.context["adminform"].form.errors
    assert not Initiative.objects.exists()


def test_an_invalid_country_row_is_reported_and_nothing_is_stored(admin_client, source):
    data = case_study_form(
        source,
        **management_form("country_roles", 1),
        **{"country_roles-0-country": "", "country_roles-0-role": CountryRole.PROVIDER},
    )

    response = admin_client.post(reverse(ADD), data)

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.prefix == "country_roles"
    assert "country" in formset.errors[0]
    assert not Initiative.objects.exists()


# --- Publish and unpublish actions -----------------------------------------------------------


def test_publish_action_publishes_drafts_and_dates_them_now(admin_client, make_initiative):
    draft = make_initiative("A draft", status=Status.DRAFT)
    in_review = make_initiative("In review", status=Status.IN_REVIEW)
    untouched = make_initiative("Not selected", status=Status.DRAFT)
    before = timezone.now()

    response = admin_client.post(
        reverse(CHANGELIST),
        {"action": "publish", "_selected_action": [draft.pk, in_review.pk], **CONFIRMED},
        follow=True,
    )

    assert "2 records published." in [str(message) for message in response.context["messages"]]
    for initiative in (draft, in_review):
        initiative.refresh_from_db()
        assert initiative.status == Status.PUBLISHED
        assert before <= initiative.published_at <= timezone.now()
        assert initiative.is_published()
    untouched.refresh_from_db()
    assert untouched.status == Status.DRAFT
    assert untouched.published_at is None
    assert list(Initiative.objects.published().order_by("title")) == [draft, in_review]


def test_publish_and_unpublish_actions_update_the_public_country_filter(
    admin_client, client, make_initiative, countries
):
    draft = make_initiative(
        status=Status.DRAFT, countries={countries["mali"]: CountryRole.BENEFICIARY}
    )
    option = '<option value="ML">Mali</option>'
    assert option not in client.get("/initiatives/").content.decode()

    admin_client.post(
        reverse(CHANGELIST), {"action": "publish", "_selected_action": [draft.pk], **CONFIRMED}
    )
    assert option in client.get("/initiatives/").content.decode()

    admin_client.post(
        reverse(CHANGELIST), {"action": "unpublish", "_selected_action": [draft.pk], **CONFIRMED}
    )
    assert option not in client.get("/initiatives/").content.decode()


def test_publish_action_keeps_a_future_publication_date_so_the_case_is_scheduled(
    admin_client, make_initiative
):
    later = (timezone.now() + timedelta(days=7)).replace(microsecond=0)
    scheduled = make_initiative("Scheduled", status=Status.DRAFT, published_at=later)

    admin_client.post(
        reverse(CHANGELIST), {"action": "publish", "_selected_action": [scheduled.pk], **CONFIRMED}
    )

    scheduled.refresh_from_db()
    assert scheduled.status == Status.PUBLISHED
    assert scheduled.published_at == later
    assert not scheduled.is_published()
    assert not Initiative.objects.published().exists()


def test_publish_action_leaves_published_cases_as_they_were(admin_client, make_initiative):
    published = make_initiative("Already out")
    original_date = published.published_at

    response = admin_client.post(
        reverse(CHANGELIST),
        {"action": "publish", "_selected_action": [published.pk], **CONFIRMED},
        follow=True,
    )

    published.refresh_from_db()
    assert published.published_at == original_date
    assert "0 records published." in [str(message) for message in response.context["messages"]]


def test_unpublish_action_returns_published_cases_to_draft(admin_client, make_initiative):
    published = make_initiative("Published")
    other = make_initiative("Stays published")

    response = admin_client.post(
        reverse(CHANGELIST),
        {"action": "unpublish", "_selected_action": [published.pk], **CONFIRMED},
        follow=True,
    )

    assert "1 record unpublished." in [str(message) for message in response.context["messages"]]
    published.refresh_from_db()
    assert published.status == Status.DRAFT
    assert not published.is_published()
    assert list(Initiative.objects.published()) == [other]


def test_an_editor_with_the_change_permission_cannot_publish(staff_client, make_initiative):
    client = staff_client("view_initiative", "change_initiative")
    draft = make_initiative(status=Status.DRAFT)

    response = client.post(
        reverse(CHANGELIST), {"action": "publish", "_selected_action": [draft.pk], **CONFIRMED}
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.published_at) == (Status.DRAFT, None)


def test_a_publisher_with_the_publish_permission_can_publish(staff_client, make_initiative):
    client = staff_client("view_initiative", "change_initiative", "publish_initiative")
    draft = make_initiative(status=Status.DRAFT)

    client.post(
        reverse(CHANGELIST), {"action": "publish", "_selected_action": [draft.pk], **CONFIRMED}
    )

    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED


def test_a_viewer_is_not_offered_the_publishing_actions(staff_client, make_initiative):
    client = staff_client("view_initiative")
    make_initiative()

    response = client.get(reverse(CHANGELIST))

    assert response.status_code == 200
    assert response.context["action_form"] is None
    assert 'value="publish"' not in response.content.decode()


@pytest.mark.parametrize("action", ["publish", "unpublish"])
def test_a_viewer_cannot_run_the_publishing_actions(staff_client, make_initiative, action):
    client = staff_client("view_initiative")
    draft = make_initiative("Draft", status=Status.DRAFT)
    published = make_initiative("Published")

    client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [draft.pk, published.pk], **CONFIRMED},
    )

    draft.refresh_from_db()
    published.refresh_from_db()
    assert (draft.status, draft.published_at) == (Status.DRAFT, None)
    assert published.status == Status.PUBLISHED


def test_a_viewer_sees_the_case_study_but_cannot_change_it(staff_client, make_initiative, source):
    client = staff_client("view_initiative")
    initiative = make_initiative("Read only", status=Status.DRAFT, sources=[source])

    page = client.get(change_url(initiative))
    response = client.post(
        change_url(initiative), case_study_form(source, title="Changed", slug=initiative.slug)
    )

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert response.status_code == 403
    initiative.refresh_from_db()
    assert initiative.title == "Read only"


def test_a_viewer_cannot_add_a_case_study(staff_client, source):
    client = staff_client("view_initiative")

    response = client.post(reverse(ADD), case_study_form(source))

    assert response.status_code == 403
    assert not Initiative.objects.exists()


# --- The change form -------------------------------------------------------------------------


def test_change_form_previews_the_image(admin_client, make_initiative):
    initiative = make_initiative(image_alt="Deminers at work")
    initiative.image.save("upload.png", ContentFile(png_bytes()))

    html = admin_client.get(change_url(initiative)).content.decode()

    assert (
        f'<img src="{initiative.image.url}" alt="Deminers at work" width="240" loading="lazy">'
        in html
    )


def test_change_form_says_when_there_is_no_image_yet(admin_client, make_initiative):
    initiative = make_initiative()

    html = admin_client.get(change_url(initiative)).content.decode()

    assert "No image yet." in html
    assert '<img src="/media/' not in html


def test_view_on_site_leads_to_the_public_page(admin_client, make_initiative):
    initiative = make_initiative("Cuba and Ebola", slug="cuba-ebola")
    content_type = ContentType.objects.get_for_model(Initiative)
    view_on_site = reverse("admin:view_on_site", args=[content_type.pk, initiative.pk])

    html = admin_client.get(change_url(initiative)).content.decode()
    response = admin_client.get(view_on_site)

    assert f'href="{view_on_site}"' in html
    assert response.status_code == 302
    assert response["Location"] == "http://testserver/initiatives/cuba-ebola/"
    public_page = admin_client.get(response["Location"])
    assert public_page.status_code == 200
    assert "Cuba and Ebola" in public_page.content.decode()


def test_autocomplete_finds_countries_for_the_country_rows(admin_client, countries):
    results = autocomplete(admin_client, "initiatives", "initiativecountry", "country", "ken")

    assert results == [{"id": str(countries["kenya"].pk), "text": "Kenya"}]


def test_autocomplete_finds_organisations_for_the_organisation_rows(
    admin_client, make_organisation
):
    fao = make_organisation("Food and Agriculture Organization", "FAO")
    make_organisation("United Nations Children's Fund", "UNICEF")

    results = autocomplete(
        admin_client, "initiatives", "initiativeorganisation", "organisation", "fao"
    )

    assert results == [{"id": str(fao.pk), "text": str(fao)}]
