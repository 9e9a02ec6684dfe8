"""The staff guide (docs/staff.md) is a page of the admin, linked from the newsroom, for staff
only, and every link inside it leads somewhere."""

import re

import pytest
from django.urls import reverse

from sscportal.staff_guide import GUIDE

pytestmark = pytest.mark.django_db

GUIDE_URL = "/admin/guide/"


def test_the_newsroom_links_to_the_guide(admin_client):
    home = admin_client.get(reverse("admin:index"))
    assert f'href="{GUIDE_URL}"' in home.content.decode()


def test_staff_read_the_guide_rendered_with_its_headings(admin_client):
    page = admin_client.get(GUIDE_URL)

    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<h1") == 1
    assert "<h1>SSC Portal: the staff guide</h1>" in html
    for heading in re.findall(r"^## (.+)$", GUIDE.read_text(), flags=re.M):
        assert heading in html, heading
    assert "<table>" in html  # who may do what


def test_the_guides_contents_lead_to_its_headings(admin_client):
    page = admin_client.get(GUIDE_URL).content.decode()
    html = page.split('class="staff-guide">', 1)[1]
    ids = set(re.findall(r'<h[1-6] id="([^"]+)"', html))
    anchors = set(re.findall(r'href="#([^"]+)"', html))
    assert anchors and anchors <= ids, anchors - ids


def test_visitors_are_sent_to_sign_in(client):
    response = client.get(GUIDE_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_readme_links_to_the_guide():
    from django.conf import settings

    readme = (settings.BASE_DIR / "README.md").read_text()
    assert "](docs/staff.md)" in readme


def test_every_file_the_guide_links_to_is_served_beside_it(admin_client):
    page = admin_client.get(GUIDE_URL).content.decode()
    html = page.split('class="staff-guide">', 1)[1]
    links = [
        href
        for href in re.findall(r'href="([^"#]+)"', html)
        if not href.startswith(("http:", "https:", "mailto:"))
    ]
    assert "examples/case-studies.csv" in links
    for link in links:
        response = admin_client.get(GUIDE_URL + link)
        assert response.status_code == 200, link
        body = b"".join(response.streaming_content)
        assert body == (GUIDE.parent / link).read_bytes(), link


@pytest.mark.parametrize("name", ["../staff.md", "secrets.txt", "..%2Fstaff.md", "%00"])
def test_only_the_example_files_are_served(admin_client, name):
    assert admin_client.get(GUIDE_URL + "examples/" + name).status_code == 404
