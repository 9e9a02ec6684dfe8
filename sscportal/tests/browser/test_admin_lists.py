"""The admin's lists of case studies, events and publications give titles room (static/css/
admin.css) on a desktop and on a phone, without widening the page."""

import pytest

LISTS = [
    "/admin/initiatives/initiative/",
    "/admin/events/event/",
    "/admin/publications/publication/",
]
# The title column's least width (16rem; 11rem on a phone) at 16px a rem, and each width.
MIN_TITLE_WIDTH = {1280: 256, 360: 176}

MEASURE = """() => {
    const box = selector => document.querySelector(selector).getBoundingClientRect();
    return {
        title: box("#result_list tbody .field-title").width,
        page: document.documentElement.scrollWidth,
        lastColumn: box("#result_list thead th:last-child").right,
        results: box(".results").right,
    };
}"""


@pytest.fixture
def signed_in(page, portal_content, django_user_model):
    django_user_model.objects.create_superuser("curator", password="a-long-test-password")
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    return page


def test_list_titles_have_room_at_1280_and_360_pixels(signed_in, subtests):
    page = signed_in
    for width, least in MIN_TITLE_WIDTH.items():
        page.set_viewport_size({"width": width, "height": 800})
        for url in LISTS:
            with subtests.test(msg=f"{url} at {width}px"):
                assert page.goto(url).status == 200
                sizes = page.evaluate(MEASURE)
                assert sizes["title"] >= least, sizes
                assert sizes["page"] <= width, sizes  # the list scrolls in its box instead
                if width == 1280:
                    # Every column of the widest list, the events', fits beside the filters.
                    assert sizes["lastColumn"] <= sizes["results"] + 1, sizes
