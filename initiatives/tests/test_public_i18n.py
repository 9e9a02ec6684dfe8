"""Languages, text direction, the language menu, and the page structure every public page shares:
landmarks, a skip link, and no inline styles or scripts."""

from html.parser import HTMLParser

import pytest
from django.utils import translation

from initiatives.models import CountryRole

pytestmark = pytest.mark.django_db

JSON_LD = "application/ld+json"
LANGUAGE_CODES = ["ar", "zh-hans", "en", "fr", "ru", "es"]
LANGUAGE_NAMES = {
    "ar": "العربيّة",
    "zh-hans": "简体中文",
    "en": "English",
    "fr": "français",
    "ru": "Русский",
    "es": "español",
}


class Page(HTMLParser):
    """The tags of a page, with their attributes, and the text inside <script> and <style>
    (JSON-LD aside: a data block that browsers never run, so no CSP concern)."""

    def __init__(self, content):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self._inside = None
        self.inline_code = []
        self.feed(content)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style") and dict(attrs).get("type") != JSON_LD:
            self._inside = tag

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == self._inside:
            self._inside = None

    def handle_data(self, data):
        if self._inside and data.strip():
            self.inline_code.append((self._inside, data))

    def find(self, tag, **attrs):
        return [
            found
            for name, found in self.tags
            if name == tag and all(found.get(key) == value for key, value in attrs.items())
        ]

    def html_element(self):
        (html,) = self.find("html")
        return html

    def language_links(self):
        """{code: address} of the language menus (the header's and the footer's link alike)."""
        return {attrs["hreflang"]: attrs["href"] for attrs in self.find("a") if "hreflang" in attrs}


def page_of(response):
    assert response.status_code == 200
    return Page(response.content.decode())


@pytest.fixture(autouse=True)
def english_afterwards():
    """A request activates its language in this thread; leave English for the next test."""
    yield
    translation.activate("en")


@pytest.fixture
def case(make_initiative, make_theme, countries, regions, sdgs, source):
    return make_initiative(
        "Demining expertise",
        slug="demining-expertise",
        countries={
            countries["cambodia"]: CountryRole.PROVIDER,
            countries["colombia"]: CountryRole.BENEFICIARY,
        },
        regions=[regions["south_america"]],
        themes=[make_theme("Peace")],
        sdgs=[sdgs[16]],
        sources=[source],
        challenge="Landmines.",
        featured=True,
    )


# --- Language and direction --------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/ar/", "/ar/initiatives/", "/ar/initiatives/demining-expertise/", "/ar/about/"]
)
def test_arabic_pages_are_marked_arabic_and_right_to_left(client, case, path):
    html = page_of(client.get(path)).html_element()

    assert (html["lang"], html["dir"]) == ("ar", "rtl")


@pytest.mark.parametrize(
    "path", ["/", "/initiatives/", "/initiatives/demining-expertise/", "/about/"]
)
def test_english_pages_have_no_prefix_and_are_marked_english_left_to_right(client, case, path):
    html = page_of(client.get(path)).html_element()

    assert (html["lang"], html["dir"]) == ("en", "ltr")


@pytest.mark.parametrize(
    ("prefix", "lang"), [("fr", "fr"), ("es", "es"), ("ru", "ru"), ("zh-hans", "zh-hans")]
)
def test_other_languages_are_marked_with_their_code_left_to_right(client, case, prefix, lang):
    html = page_of(client.get(f"/{prefix}/initiatives/")).html_element()

    assert (html["lang"], html["dir"]) == (lang, "ltr")


def test_french_case_study_list_is_marked_french(client, case):
    html = page_of(client.get("/fr/initiatives/")).html_element()

    assert html == {"lang": "fr", "dir": "ltr"}


@pytest.mark.parametrize("header", ["ar", "fr-FR,fr;q=0.9", "zh-Hans", "x" * 600 + ";q=1"])
def test_an_unprefixed_page_is_english_whatever_the_browser_asks_for(client, case, header):
    response = client.get("/initiatives/", HTTP_ACCEPT_LANGUAGE=header)

    html = page_of(response).html_element()
    assert (html["lang"], html["dir"]) == ("en", "ltr")
    assert response["Content-Language"] == "en"


def test_a_prefixed_page_says_its_language_in_the_headers(client, case):
    assert client.get("/ar/initiatives/")["Content-Language"] == "ar"
    assert client.get("/zh-hans/initiatives/demining-expertise/")["Content-Language"] == "zh-hans"


def test_an_arabic_page_that_is_not_found_is_still_arabic_and_right_to_left(client):
    response = client.get("/ar/initiatives/no-such-case/")

    assert response.status_code == 404
    html = Page(response.content.decode()).html_element()
    assert (html["lang"], html["dir"]) == ("ar", "rtl")


def test_the_filters_work_the_same_in_arabic(client, case, make_initiative):
    make_initiative("Elsewhere")

    response = client.get("/ar/initiatives/", {"region": "americas", "sdg": "16"})

    assert response.status_code == 200
    assert [i.title for i in response.context["object_list"]] == ["Demining expertise"]


def test_links_inside_an_arabic_page_stay_in_arabic(client, case):
    page = page_of(client.get("/ar/initiatives/"))
    hrefs = {attrs["href"] for attrs in page.find("a")}

    assert "/ar/initiatives/demining-expertise/" in hrefs
    assert "/ar/about/" in hrefs
    # The site search in the header, then the list's filters.
    assert [form["action"] for form in page.find("form")] == ["/ar/search/", "/ar/initiatives/"]


# --- The language menu -------------------------------------------------------------------------


def test_the_language_menu_offers_the_six_un_languages_in_their_own_names(client, case):
    page = page_of(client.get("/initiatives/"))

    links = [attrs for attrs in page.find("a") if "hreflang" in attrs]
    # The header's menu and the footer's, each the six languages in the same order.
    assert [attrs["hreflang"] for attrs in links] == LANGUAGE_CODES * 2
    assert all(attrs["lang"] == attrs["hreflang"] for attrs in links)
    assert LANGUAGE_NAMES["ar"] in client.get("/initiatives/").content.decode()
    for name in LANGUAGE_NAMES.values():
        assert name in client.get("/").content.decode()


def test_the_language_menu_links_to_the_same_filtered_list_in_each_language(client, case):
    page = page_of(client.get("/initiatives/?region=africa&sdg=16"))

    assert page.language_links() == {
        "ar": "/ar/initiatives/?region=africa&sdg=16",
        "zh-hans": "/zh-hans/initiatives/?region=africa&sdg=16",
        "en": "/initiatives/?region=africa&sdg=16",
        "fr": "/fr/initiatives/?region=africa&sdg=16",
        "ru": "/ru/initiatives/?region=africa&sdg=16",
        "es": "/es/initiatives/?region=africa&sdg=16",
    }


def test_the_language_menu_of_an_arabic_case_study_links_to_it_in_each_language(client, case):
    page = page_of(client.get("/ar/initiatives/demining-expertise/"))

    assert page.language_links() == {
        code: ("" if code == "en" else f"/{code}") + "/initiatives/demining-expertise/"
        for code in LANGUAGE_CODES
    }


def test_the_language_menu_marks_the_current_language(client, case):
    page = page_of(client.get("/fr/about/"))

    language_links = [attrs for attrs in page.find("a") if "hreflang" in attrs]
    current = [attrs["hreflang"] for attrs in language_links if "aria-current" in attrs]
    assert current == ["fr", "fr"]  # in the header's menu and in the footer's


@pytest.mark.parametrize("code", LANGUAGE_CODES)
def test_every_language_link_leads_to_the_page_in_that_language(client, case, code):
    links = page_of(client.get("/initiatives/?sdg=16")).language_links()

    response = client.get(links[code])

    html = page_of(response).html_element()
    assert html["lang"] == code
    assert html["dir"] == ("rtl" if code == "ar" else "ltr")
    assert [i.title for i in response.context["object_list"]] == ["Demining expertise"]


def test_the_language_links_of_the_home_page_lead_to_each_home_page(client, case):
    page = page_of(client.get("/"))

    assert page.language_links() == {
        code: "/" if code == "en" else f"/{code}/" for code in LANGUAGE_CODES
    }


# --- Page structure ----------------------------------------------------------------------------

PUBLIC_PAGES = [
    "/",
    "/initiatives/",
    "/initiatives/?region=africa&theme=nope&year_from=abc",
    "/initiatives/demining-expertise/",
    "/about/",
    "/ar/",
    "/ar/initiatives/",
    "/ar/initiatives/demining-expertise/",
    "/ar/about/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_has_a_skip_link_and_the_landmarks(client, case, path):
    page = page_of(client.get(path))

    first_link = page.find("a")[0]
    assert first_link["href"] == "#main"
    assert len(page.find("main", id="main")) == 1
    assert page.find("header")
    assert page.find("nav")
    assert page.find("footer")
    assert len(page.find("h1")) == 1


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_have_no_inline_styles_or_scripts(client, case, path):
    page = page_of(client.get(path))

    assert [tag for tag, attrs in page.tags if "style" in attrs] == []
    assert page.find("style") == []
    assert [
        attrs
        for attrs in page.find("script")
        if "src" not in attrs and attrs.get("type") != JSON_LD
    ] == []
    assert page.inline_code == []
    event_handlers = [
        (tag, name) for tag, attrs in page.tags for name in attrs if name.startswith("on")
    ]
    assert event_handlers == []


def test_a_not_found_page_has_the_landmarks_and_no_inline_code(client):
    response = client.get("/initiatives/no-such-case/")

    assert response.status_code == 404
    page = Page(response.content.decode())
    assert page.find("main", id="main")
    assert page.find("a")[0]["href"] == "#main"
    assert [tag for tag, attrs in page.tags if "style" in attrs] == []
    assert page.inline_code == []
