"""Error pages: a friendly 404 that helps the visitor on, a 500 that renders with the database
down and without a template context, and the 503 the portal's handler answers instead of a 500
when the database is out of reach."""

from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django.views.defaults import server_error
from pytest_django.asserts import assertContains

from initiatives.models import Initiative


def broken_view(request):
    """Fails the way a page does when the database goes away under it."""
    Initiative.objects.count()


def failing_view(request):
    raise ValueError("a fault of the page itself")


# For @pytest.mark.urls below: pages that fail, under the portal's own 500 handler.
urlpatterns = [path("broken/", broken_view), path("failing/", failing_view)]
handler500 = "sscportal.errors.server_error"

DATABASE_DOWN = mock.patch(
    "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection",
    side_effect=OperationalError("could not connect to server: Connection refused"),
)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/no-such-page/", "/initiatives/no-such-case-study/"])
def test_an_unknown_address_gets_a_friendly_404_with_ways_on(client, url):
    client.get(url)  # what a process loads once (the publication moments) is loaded
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code == 404
    assertContains(response, "Page not found", status_code=404)
    assertContains(response, "There is no page at this address.", status_code=404)
    for address in ("/", "/initiatives/", "/events/", "/publications/", "/about/"):
        assertContains(response, f'<li><a href="{address}">', status_code=404)
    assertContains(response, 'action="/search/"', status_code=404)
    assertContains(response, 'name="q"', status_code=404)
    # A 404 is cheap: bots ask for a lot of them.
    assert len(queries) <= 1


@pytest.mark.django_db
def test_the_404_page_speaks_the_visitors_language(client):
    response = client.get("/fr/no-such-page/")

    assert response.status_code == 404
    assertContains(response, '<html lang="fr"', status_code=404)
    assertContains(response, 'action="/fr/search/"', status_code=404)


def test_the_500_page_renders_with_the_database_down_and_no_context():
    request = RequestFactory().get("/anything/")

    with DATABASE_DOWN:
        with pytest.raises(OperationalError):  # the database really is out of reach
            connection.ensure_connection()
        response = server_error(request)

    assert response.status_code == 500
    content = response.content.decode()
    assert "Something went wrong on our side" in content
    assert "This is a server error (500)" in content
    assert "Please try again in a few minutes." in content
    assert '<a href="/">Go to the home page</a>' in content
    assert "<html lang=" in content


@pytest.mark.urls(__name__)
def test_a_page_that_fails_on_a_dead_database_answers_503_and_asks_to_come_back():
    client = Client(raise_request_exception=False)

    with DATABASE_DOWN:
        response = client.get("/broken/")

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "no-store" in response["Cache-Control"]
    assert b"Traceback" not in response.content
    assert b"server error (500)" not in response.content


@pytest.mark.urls(__name__)
def test_a_page_that_fails_for_another_reason_answers_with_the_500_page():
    client = Client(raise_request_exception=False)

    response = client.get("/failing/")

    assertContains(response, "This is a server error (500)", status_code=500)
