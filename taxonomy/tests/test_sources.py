"""A source as editors enter it in the admin: a reference with its date, its address and the day
the address was last checked, kept consistent."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from taxonomy.models import Source

pytestmark = pytest.mark.django_db

ADD_URL = "admin:taxonomy_source_add"


def reference(**fields):
    return {
        "title": "Good practices in South-South and triangular cooperation",
        "slug": "good-practices",
        "publisher": "UNOSSC",
        "year": "",
        "published_on": "",
        "url": "",
        "accessed_on": "",
        "note": "",
        **fields,
    }


def errors(response):
    assert response.status_code == 200, "the form should come back with its errors"
    return response.context["adminform"].form.errors


def test_an_address_needs_the_day_it_was_last_checked(admin_client):
    response = admin_client.post(
        reverse(ADD_URL), reference(url="https://www.unsouthsouth.org/report/")
    )

    assert errors(response) == {"accessed_on": ["Give the day the address was last checked."]}
    assert not Source.objects.exists()


def test_an_access_date_without_an_address_is_refused(admin_client):
    response = admin_client.post(reverse(ADD_URL), reference(accessed_on="2026-11-20"))

    assert list(errors(response)) == ["accessed_on"]


def test_an_access_date_in_the_future_is_refused(admin_client):
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = admin_client.post(
        reverse(ADD_URL),
        reference(url="https://example.org/", accessed_on=tomorrow.isoformat()),
    )

    assert list(errors(response)) == ["accessed_on"]


def test_the_day_of_publication_must_be_in_the_year_given(admin_client):
    response = admin_client.post(
        reverse(ADD_URL), reference(year="2018", published_on="2019-03-20")
    )

    assert errors(response) == {"published_on": ["The date is not in the year given above."]}


def test_a_note_citing_a_seed_number_is_refused_with_a_clear_message(admin_client):
    response = admin_client.post(
        reverse(ADD_URL), reference(note="The UN page (003) gives another date.")
    )

    (message,) = errors(response)["note"]
    assert "Name the source by its title" in message
    assert "“(003)”" in message


def test_a_complete_reference_is_saved_and_its_year_follows_its_date(admin_client):
    response = admin_client.post(
        reverse(ADD_URL),
        reference(
            published_on="2018-09-12",
            url="www.unsouthsouth.org/report/",
            accessed_on="2026-11-20",
            note="Published for the UN Day; M49 code 013 is Central America.",
        ),
    )

    assert response.status_code == 302
    source = Source.objects.get()
    assert (source.year, source.published_on, source.accessed_on) == (
        2018,
        date(2018, 9, 12),
        date(2026, 11, 20),
    )
    # Editors paste addresses without a scheme: read as https://.
    assert source.url == "https://www.unsouthsouth.org/report/"


def test_odd_dates_get_a_form_error_not_a_server_error(admin_client):
    response = admin_client.post(
        reverse(ADD_URL),
        reference(published_on="31/02/2018", url="https://example.org/", accessed_on="yesterday"),
    )

    assert set(errors(response)) == {"published_on", "accessed_on"}


def test_the_change_list_shows_the_dates(admin_client):
    Source.objects.create(
        title="Report",
        slug="report",
        published_on=date(2018, 9, 12),
        url="https://example.org/",
        accessed_on=date(2026, 11, 20),
    )

    response = admin_client.get(reverse("admin:taxonomy_source_changelist"))

    assert response.status_code == 200
    assert [str(source) for source in response.context["cl"].result_list] == ["Report (2018)"]
