"""The portal's own template tags."""

from django.template import Context, Template

from taxonomy.models import Country


def test_the_country_page_link_names_the_country_to_screen_readers_only():
    country = Country(name="Côte d'Ivoire <b>", iso2="CI")

    rendered = Template("{% load portal %}({% country_page_link country %})").render(
        Context({"country": country})
    )

    assert rendered == (
        '(<a href="/countries/CI/"><span class="visually-hidden">Côte d&#x27;Ivoire &lt;b&gt;: '
        "</span>country page</a>)"
    )
