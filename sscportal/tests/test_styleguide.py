"""/styleguide/: the specimens of the visual language, for staff only; never indexed, not in the
sitemap; the colours and scales it shows are read from site.css itself."""

import pytest
from pytest_django.asserts import assertContains

from sscportal.styleguide import colour_specimens, custom_properties

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_the_admin_login(client):
    response = client.get("/styleguide/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/styleguide/")


def test_a_signed_in_visitor_who_is_not_staff_is_refused(client, django_user_model):
    user = django_user_model.objects.create_user("visitor", password="a-long-password-1")
    client.force_login(user)
    response = client.get("/styleguide/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_see_the_specimens(client, django_user_model):
    staff = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    client.force_login(staff)
    response = client.get("/styleguide/")
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    assertContains(response, '<meta name="robots" content="noindex">')
    for part in (
        'class="specimen-type step-3"',
        'class="specimen-space space-4"',
        '<span class="specimen-swatch swatch-brand"></span>',
        'class="button specimen-focus"',
        '<ul class="sdg-tiles">',
        'class="field field-invalid"',
        '<table class="data-table">',
    ):
        assertContains(response, part)
    assertContains(response, "This field is required.")


def test_the_styleguide_is_not_in_the_sitemap(client):
    sitemap = client.get("/sitemap-pages.xml").content.decode()
    assert "/styleguide/" not in sitemap


def test_the_colours_come_from_the_stylesheet_with_their_contrast():
    properties = custom_properties()
    assert properties["--brand"] == "#0b4f8a"
    assert properties["--space-4"] == "1rem"
    colours = {colour["name"]: colour for colour in colour_specimens()}
    assert colours["--ink"]["on_white"] > 15
    # Text colours pass AA on white.
    for name in ("--ink", "--muted", "--brand", "--brand-dark", "--focus", "--error"):
        assert colours[name]["on_white"] >= 4.5, name
