from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context):
    """The current page in each of the portal's languages, for the language menu."""
    request = context["request"]
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": translate_url(request.get_full_path(), code),
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
