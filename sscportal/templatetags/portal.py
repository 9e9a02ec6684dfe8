import datetime

from django import template
from django.conf import settings
from django.template.defaultfilters import linebreaks_filter
from django.templatetags.static import static
from django.urls import translate_url
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.http import escape_leading_slashes
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

from core import dates
from core.static_integrity import static_integrity

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context):
    """The current page in each of the portal's languages, for the language menu."""
    request = context["request"]
    # A path such as //evil.example/ (a not-found page answers it) must not become a link that
    # a browser reads as another host.
    path = escape_leading_slashes(request.get_full_path())
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": translate_url(path, code),
                "current": code == current,
            }
        )
    return links


@register.filter
def startswith(value, prefix):
    """True when `value` starts with a non-empty `prefix`: marks the current section in menus."""
    return bool(prefix) and str(value).startswith(str(prefix))


@register.simple_tag
def country_page_link(country):
    """A link to the country's page that reads 'country page' and, to a screen reader,
    'Kenya: country page'. Lists that link a country's name to a filtered list put it after the
    name, in brackets."""
    return format_html(
        '<a href="{}"><span class="visually-hidden">{}: </span>{}</a>',
        country.get_absolute_url(),
        country.name,
        _("country page"),
    )


@register.filter
def website_link(organisation):
    """The organisation's name, linked to its website when it has one."""
    if organisation.website:
        return format_html('<a href="{}" rel="noopener">{}</a>', organisation.website, organisation)
    return conditional_escape(organisation)


@register.simple_tag
def source_citations(sources, publisher=True):
    """The sources in a sentence, after a 'Sources:' label: 'Title, Publisher (2021); Other' with
    each title in <cite>, linked when the source is online. `publisher=False` leaves the
    publishers out."""
    return format_html_join("; ", "{}{}{}", (citation(source, publisher) for source in sources))


def citation(source, publisher):
    title = format_html("<cite>{}</cite>", source.title)
    if source.url:
        title = format_html('<a href="{}" rel="noopener">{}</a>', source.url, title)
    by = format_html(", {}", source.publisher) if publisher and source.publisher else ""
    year = format_html(" ({})", source.year) if source.year else ""
    return title, by, year


@register.simple_tag
def text_section(section_id, heading, text):
    """A <section> of a record's long text: an <h2> with the id the section is labelled by, then
    the text in paragraphs. Nothing when there is no text.

    {% text_section "challenge" _("Challenge") initiative.challenge %}"""
    if not text:
        return ""
    return format_html(
        '<section aria-labelledby="{}"><h2 id="{}">{}</h2>{}</section>',
        section_id,
        section_id,
        heading,
        linebreaks_filter(text, autoescape=True),
    )


@register.simple_tag
def script(path):
    """A deferred <script> for the static file at `path`, with its Subresource Integrity hash:
    `{% script "js/local-time.js" %}`."""
    return format_html(
        '<script src="{}" integrity="{}" defer></script>', static(path), static_integrity(path)
    )


# --- Dates in the page's language (core/dates.py) ----------------------------------------------
def _local(value):
    """A datetime in the time zone a template shows it in (as the `date` filter does: the
    `timezone` filter's choice kept); a date as it is."""
    return template_localtime(value) if isinstance(value, datetime.datetime) else value


@register.filter
def long_date(value):
    """1 November 2026; 1 ноября 2026 г.; 2026年11月1日."""
    return dates.day(_local(value)) if value else ""


@register.filter
def long_datetime(value):
    """1 November 2026, 09:00."""
    return dates.moment(_local(value)) if value else ""


@register.filter
def day_and_month(value):
    """1 November."""
    return dates.day_and_month(_local(value)) if value else ""
