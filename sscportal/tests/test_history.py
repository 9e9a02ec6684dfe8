"""The history of changes, through the admin's own pages: the change form records versions, the
History page says what each changed, and any version can be restored."""

import re
from html import unescape

import pytest
from django.urls import reverse
from reversion.models import Version

from initiatives.models import CountryRole, InitiativeCountry
from publishing.models import Status

from .html_forms import as_post_data, form_fields


def admin_url(record, view, *args):
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[record.pk, *args])


def versions(record):
    return list(Version.objects.get_for_object(record).order_by("pk"))


def change_form(client, record, **changes):
    """Post the record's change form as a browser would, with `changes`; returns the response."""
    page = client.get(admin_url(record, "change"))
    assert page.status_code == 200
    form_id = f"{record._meta.model_name}_form"
    data = as_post_data(form_fields(page.content.decode(), form_id=form_id), **changes)
    data.pop("_saveasnew", None)
    data.pop("_addanother", None)
    return client.post(admin_url(record, "change"), data)


def text(response):
    """The page's text, tags taken out, spaces collapsed."""
    content = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", unescape(content))


def version_section(response, version):
    """The HTML of the History page's section on `version`."""
    html = response.content.decode()
    start = html.index(f'id="version-{version.pk}"')
    end = html.find('<section class="history-version', start)
    return html[start : end if end != -1 else len(html)]


def roles(initiative):
    return {
        (row.country.name, row.role)
        for row in InitiativeCountry.objects.filter(initiative=initiative).select_related("country")
    }


# --- A case study's countries ------------------------------------------------------------------


@pytest.fixture
def case_study(make_initiative, countries, source):
    return make_initiative(
        "Seed banks in the Sahel",
        status=Status.DRAFT,
        countries={
            countries["kenya"]: CountryRole.BENEFICIARY,
            countries["colombia"]: CountryRole.PROVIDER,
        },
        sources=[source],
        challenge="Farmers lost their seeds to drought every other year.",
    )


def change_countries(client, case_study, countries):
    """Add Chile as provider, make Kenya a facilitator, take Colombia out."""
    page = client.get(admin_url(case_study, "change"))
    fields = form_fields(page.content.decode(), form_id="initiative_form")
    rows = {
        value: name.removesuffix("-id")
        for name, value in fields
        if name.startswith("country_roles-") and name.endswith("-id") and value
    }
    kenya = rows[str(InitiativeCountry.objects.get(country=countries["kenya"]).pk)]
    colombia = rows[str(InitiativeCountry.objects.get(country=countries["colombia"]).pk)]
    data = as_post_data(
        fields,
        **{
            f"{kenya}-role": CountryRole.FACILITATOR,
            f"{colombia}-DELETE": "on",
            "country_roles-2-country": str(countries["chile"].pk),
            "country_roles-2-role": CountryRole.PROVIDER,
            "challenge": "Farmers lost their seeds to drought every third year.",
        },
    )
    response = client.post(admin_url(case_study, "change"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""


def test_changing_a_case_studys_countries_records_a_version_with_its_country_rows(
    admin_client, case_study, countries
):
    change_countries(admin_client, case_study, countries)

    recorded = versions(case_study)
    # The record as it was (it had no version yet), then as it became.
    assert len(recorded) == 2
    assert recorded[0].revision.comment == "First recorded version."
    assert recorded[1].revision.user.username == "admin"
    rows = Version.objects.filter(revision=recorded[1].revision).exclude(pk=recorded[1].pk)
    assert sorted(row.object_repr for row in rows) == ["Chile (Provider)", "Kenya (Facilitator)"]


def test_history_page_shows_the_countries_and_roles_before_and_after(
    admin_client, case_study, countries
):
    change_countries(admin_client, case_study, countries)
    latest = versions(case_study)[-1]

    response = admin_client.get(admin_url(case_study, "history"))

    assert response.status_code == 200
    section = version_section(response, latest)
    assert "Countries and roles" in section
    assert '<del><span class="visually-hidden">removed: </span>Colombia (Provider)</del>' in section
    assert '<del><span class="visually-hidden">removed: </span>Kenya (Beneficiary)</del>' in section
    assert '<ins><span class="visually-hidden">added: </span>Chile (Provider)</ins>' in section
    assert '<ins><span class="visually-hidden">added: </span>Kenya (Facilitator)</ins>' in section
    # A long text as a word diff, under its label.
    assert "Challenge" in section
    assert '<del><span class="visually-hidden">removed: </span>other</del>' in section
    assert '<ins><span class="visually-hidden">added: </span>third</ins>' in section
    # The change form's "History" button leads here.
    change_page = admin_client.get(admin_url(case_study, "change"))
    assert f'href="{admin_url(case_study, "history")}"' in change_page.content.decode()


def test_restoring_the_earlier_version_brings_the_countries_and_roles_back(
    admin_client, case_study, countries
):
    change_countries(admin_client, case_study, countries)
    assert roles(case_study) == {("Chile", "provider"), ("Kenya", "facilitator")}
    first = versions(case_study)[0]
    restore_url = admin_url(case_study, "restore", first.pk)

    confirm = admin_client.get(restore_url)
    assert confirm.status_code == 200
    assert 'value="Yes, restore this version"' in confirm.content.decode()
    assert "Colombia (Provider)" in text(confirm)
    response = admin_client.post(restore_url)

    assert response.status_code == 302
    assert response["Location"] == admin_url(case_study, "change")
    assert roles(case_study) == {("Colombia", "provider"), ("Kenya", "beneficiary")}
    case_study.refresh_from_db()
    assert case_study.challenge == "Farmers lost their seeds to drought every other year."
    recorded = versions(case_study)
    assert len(recorded) == 3
    assert recorded[-1].revision.comment.startswith("Restored the version of ")
    assert recorded[-1].revision.comment.endswith(" by the portal")
    assert recorded[-1].revision.user.username == "admin"
    history = admin_client.get(admin_url(case_study, "history"))
    assert "Restored the version of" in text(history)
