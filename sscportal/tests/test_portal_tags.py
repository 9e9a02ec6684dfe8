"""The portal's own template tags and filters (sscportal/templatetags/portal.py)."""

import base64
import hashlib
from pathlib import Path

from django.conf import settings
from django.template import Context, Template
from django.test import Client, override_settings
from django.utils import translation

from initiatives.models import Initiative
from sscportal.templatetags.portal import source_citations, website_link
from taxonomy.models import Country, Organisation, Source


def test_the_country_page_link_names_the_country_to_screen_readers_only():
    country = Country(name="Côte d'Ivoire <b>", iso2="CI")

    with translation.override("en"):
        rendered = Template("{% load portal %}({% country_page_link country %})").render(
            Context({"country": country})
        )

    assert rendered == (
        '(<a href="/countries/CI/"><span class="visually-hidden">Côte d&#x27;Ivoire &lt;b&gt;: '
        "</span>country page</a>)"
    )


def test_an_organisation_is_linked_to_its_website_when_it_has_one():
    organisation = Organisation(
        name="Ministry <of> Health", acronym="MoH", website="https://x.org/?a=1&b=2"
    )
    assert website_link(organisation) == (
        '<a href="https://x.org/?a=1&amp;b=2" rel="noopener">Ministry &lt;of&gt; Health (MoH)</a>'
    )
    assert website_link(Organisation(name="R&D Agency")) == "R&amp;D Agency"


ONLINE = Source(title="Report <1>", url="https://x.org/?a=1&b=2", publisher="UN & Co", year=2021)
PRINTED = Source(title="Field notes", publisher="", year=None)


def test_the_sources_are_cited_in_one_sentence():
    # Each in <bdi>, in its own direction whatever the page's.
    assert source_citations([ONLINE, PRINTED]) == (
        '<bdi><a href="https://x.org/?a=1&amp;b=2" rel="noopener"><cite>Report &lt;1&gt;</cite>'
        "</a>, UN &amp; Co (2021)</bdi>; <bdi><cite>Field notes</cite></bdi>"
    )


def test_the_publishers_can_be_left_out():
    assert source_citations([ONLINE], publisher=False) == (
        '<bdi><a href="https://x.org/?a=1&amp;b=2" rel="noopener"><cite>Report &lt;1&gt;</cite>'
        "</a> (2021)</bdi>"
    )


def test_no_sources_cite_nothing():
    assert source_citations([]) == ""


SECTION = '{% load portal %}{% text_section "results" _("Results") record "results" %}'


def test_a_text_section_puts_the_text_in_escaped_paragraphs_under_its_heading():
    record = Initiative(results="Two <b>hundred</b>\n\nhectares & more")
    with translation.override("en"):
        rendered = Template(SECTION).render(Context({"record": record}))
    assert rendered == (
        '<section aria-labelledby="results"><h2 id="results">Results</h2>'
        "<div><p>Two &lt;b&gt;hundred&lt;/b&gt;</p>\n\n<p>hectares &amp; more</p></div></section>"
    )


def test_a_text_section_not_in_the_pages_language_says_it_is_english():
    record = Initiative(results="Two hundred hectares.")
    with translation.override("ar"):
        rendered = Template(SECTION).render(Context({"record": record}))
    assert '<div lang="en" dir="ltr"><p>Two hundred hectares.</p></div>' in rendered


def test_no_text_no_section():
    rendered = Template(SECTION).render(Context({"record": Initiative(results="")}))
    assert rendered == ""


@override_settings(WHITENOISE_USE_FINDERS=True)
def test_the_script_tag_loads_the_file_deferred_with_its_integrity_hash():
    content = (Path(settings.BASE_DIR) / "static" / "js" / "local-time.js").read_bytes()
    digest = base64.b64encode(hashlib.sha384(content).digest()).decode()

    rendered = Template('{% load portal %}{% script "js/local-time.js" %}').render(Context())

    assert rendered == (
        f'<script src="/static/js/local-time.js" integrity="sha384-{digest}" defer></script>'
    )
    # WhiteNoise serves exactly the bytes hashed (it reads its settings when a new client first
    # loads the middleware).
    response = Client().get("/static/js/local-time.js")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/javascript")
    assert b"".join(response.streaming_content) == content


def test_every_public_page_loads_the_script(client, db):
    script = Template('{% load portal %}{% script "js/local-time.js" %}').render(Context())
    for url in ["/", "/fr/", "/about/", "/events/", "/no-such-page/"]:
        response = client.get(url)
        assert script in response.content.decode(), url
