import contextlib
import datetime
import re
import secrets
import threading
from functools import lru_cache

from django import template
from django.conf import settings
from django.core.cache import cache
from django.template.defaultfilters import linebreaks_filter
from django.templatetags.static import static
from django.urls import NoReverseMatch, get_urlconf, reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.http import escape_leading_slashes
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, get_language_info, pgettext
from django.utils.translation import gettext as _

from core import content_language, dates
from core.choice_cache import cache_period, fragment_key
from core.language_urls import in_language
from core.static_integrity import static_integrity
from publishing.views import live_hole

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context):
    """The current page in each of the portal's languages, for the language menus (the
    header's and the footer's: made once per request)."""
    request = context["request"]
    current = get_language()
    made = getattr(request, "_language_links", None)
    if made is not None and made[0] == current:
        return made[1]
    # A path such as //evil.example/ (a not-found page answers it) must not become a link that
    # a browser reads as another host.
    path = escape_leading_slashes(request.get_full_path())
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": in_language(path, code),
                "current": code == current,
            }
        )
    request._language_links = (current, links)
    return links


@register.simple_tag(takes_context=True)
def language_menu(context):
    """The language links (language_links) as <li> items, written in Python: a part of every
    page that depends on its address, outside the `{% once %}` parts around it; written once
    per request (the header's and the footer's)."""
    request = context["request"]
    made = getattr(request, "_language_menu", None)
    if made is not None and made[0] == get_language():
        return made[1]
    html = format_html_join(
        "",
        '<li><a href="{}" lang="{}" hreflang="{}"{}>{}</a></li>',
        (
            (
                link["url"],
                link["code"],
                link["code"],
                mark_safe(' aria-current="true"') if link["current"] else "",
                link["name"],
            )
            for link in language_links(context)
        ),
    )
    request._language_menu = (get_language(), html)
    return html


# The main menu's sections, whose address starts the address of every page in them.
NAV_SECTIONS = ("initiatives:list", "events:list", "publications:list", "countries", "about")


@lru_cache(maxsize=64)
def _section_urls(urlconf, language):
    del language  # a part of the key: reverse() gives the active language's addresses
    urls = []
    for name in NAV_SECTIONS:
        with contextlib.suppress(NoReverseMatch):  # a section not in this configuration
            urls.append(reverse(name, urlconf=urlconf))
    return tuple(urls)


@register.simple_tag(takes_context=True)
def nav_section(context):
    """The address of the main menu's section the page is in ('' if none): what the menu
    marks as current (aria-current) depends on, and the rest of the header does not."""
    path = context["request"].path
    for url in _section_urls(get_urlconf() or settings.ROOT_URLCONF, get_language()):
        if path.startswith(url):
            return url
    return ""


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
        country.texts.name,
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
    # Each in <bdi>: set in its own direction, whatever the page's.
    return format_html_join(
        "; ", "<bdi>{}{}{}</bdi>", (citation(source, publisher) for source in sources)
    )


def citation(source, publisher):
    title = format_html("<cite>{}</cite>", source.title)
    if source.url:
        title = format_html('<a href="{}" rel="noopener">{}</a>', source.url, title)
    by = format_html(", {}", source.publisher) if publisher and source.publisher else ""
    year = format_html(" ({})", source.year) if source.year else ""
    return title, by, year


@register.simple_tag
def reference(source):
    """A source as a full reference, for a list of sources: the title in <cite>, linked to the
    document's address when it has one, the publisher and the date (the day when the source
    gives it, else the year); then the day the address was last checked. Title and publisher
    are each in <bdi>, set in their own direction whatever the page's; the dates are in the
    page's language."""
    title = format_html("<cite>{}</cite>", source.title)
    if source.url:
        title = format_html('<a href="{}" rel="external noopener">{}</a>', source.url, title)
    parts = [format_html("<bdi>{}</bdi>", title)]
    if source.publisher:
        parts.append(format_html("<bdi>{}</bdi>", source.publisher))
    if source.published_on:
        parts.append(_time(source.published_on, long_date(source.published_on)))
    elif source.year:
        year = source.year
        parts.append(format_html('<time datetime="{}">{}</time>', f"{year:04d}", year))
    text = format_html("{}.", format_html_join(separator(), "{}", ((part,) for part in parts)))
    if source.url and source.accessed_on:
        # The sentence escaped first, then the <time> element put in it.
        accessed = mark_safe(  # noqa: S308
            conditional_escape(_("Accessed %(date)s."))
            % {"date": _time(source.accessed_on, long_date(source.accessed_on))}
        )
        text = format_html('{} <span class="source-accessed">{}</span>', text, accessed)
    return text


def _time(day, shown):
    return format_html('<time datetime="{}">{}</time>', day.isoformat(), shown)


@register.simple_tag
def text_section(section_id, heading, record, field):
    """A <section> of a record's long text: an <h2> with the id the section is labelled by, then
    the text in paragraphs, marked with its language when it is not the page's. Nothing when
    there is no text.

    {% text_section "challenge" _("Challenge") initiative "challenge" %}"""
    text = record.texts[field]
    if not text:
        return ""
    return format_html(
        '<section aria-labelledby="{}"><h2 id="{}">{}</h2><div{}>{}</div></section>',
        section_id,
        section_id,
        heading,
        text_lang(record, field),
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


# --- Records' texts in another language than the page's (core/content_language.py) -------------
@register.simple_tag
def separator():
    """What separates the items of a list written in a sentence: ", ", and in Arabic "، ", in
    Chinese "、"."""
    return pgettext("between the items of a list written in a line", ", ")


@register.filter
def number(value):
    """A count with the page language's digit grouping: {{ total|number }}."""
    try:
        return dates.number(value)
    except (TypeError, ValueError):
        return value


@register.simple_tag
def text_lang(record, field):
    """` lang="en" dir="ltr"` for the element that shows `record`'s `field` when the text is
    not in the page's language (not translated yet); nothing when it is."""
    other = content_language.other_language(record, field)
    if other is None:
        return ""
    code, right_to_left = other
    return format_html(' lang="{}" dir="{}"', code, "rtl" if right_to_left else "ltr")


@register.simple_tag
def untranslated_notice(record, *fields):
    """A short notice when one of `record`'s texts `fields` (default: all those it has in
    English) is shown in English on a page in another language, else nothing."""
    fields = fields or type(record).translated_fields
    if all(
        content_language.other_language(record, field) is None
        for field in fields
        if getattr(record, field, "")
    ):
        return ""
    return format_html(
        '<p class="notice notice-language" role="note">{}</p>',
        _("This text is not yet available in %(language)s: it is shown in English.")
        % {"language": get_language_info(get_language())["name_translated"]},
    )


@register.simple_tag(takes_context=True)
def list_cards(context):
    """The cards of a filtered list's page, written once per record, language and content
    version (publishing.views.FilteredListView.cards): `{% list_cards %}`."""
    return context["view"].cards(context)


# A live section inside a kept part ({% live %}) is marked while the page is written, so that
# the kept copy holds a hole in its place (publishing.views.live_hole) and the page sent holds
# the section itself. The marks carry a token of this process: no text can forge them.
_LIVE_TOKEN = secrets.token_hex(8)
_LIVE_MARKED = re.compile(
    rf"<!--live:(?P<name>[\w-]+):{_LIVE_TOKEN}-->(?P<html>.*?)<!--/live:(?P=name):{_LIVE_TOKEN}-->",
    re.DOTALL,
)


class KeepNode(template.Node):
    def __init__(self, name, nodelist):
        self.name = name
        self.nodelist = nodelist

    def render(self, context):
        output = self.nodelist.render(context)
        kept = context.get("kept_parts")
        if kept is None:
            return output
        kept[self.name] = _LIVE_MARKED.sub(lambda match: live_hole(match["name"]), output)
        return mark_safe(_LIVE_MARKED.sub(lambda match: match["html"], output))  # noqa: S308


class LiveNode(template.Node):
    def __init__(self, name, nodelist):
        self.name = name
        self.nodelist = nodelist

    def render(self, context):
        output = self.nodelist.render(context)
        if context.get("kept_parts") is None:
            return output
        return (
            f"<!--live:{self.name}:{_LIVE_TOKEN}-->{output}<!--/live:{self.name}:{_LIVE_TOKEN}-->"
        )


def _named_block(parser, token, end):
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError(f'{{% {bits[0]} "name" %}} takes one quoted name')
    nodelist = parser.parse((end,))
    parser.delete_first_token()
    return bits[1][1:-1], nodelist


@register.tag
def keep(parser, token):
    """`{% keep "content" %}…{% endkeep %}`: writes what it holds, and gives it to the view that
    asked for it (a `kept_parts` dict in the context) to keep for the next visitor
    (publishing.views.PublishedDetailMixin)."""
    return KeepNode(*_named_block(parser, token, "endkeep"))


@register.tag
def live(parser, token):
    """`{% live "registration" %}…{% endlive %}` inside a `{% keep %}`: a section written afresh
    for every visitor (a form, places left), the kept part holding a hole in its place that the
    view fills (PublishedDetailMixin.live_parts)."""
    return LiveNode(*_named_block(parser, token, "endlive"))


class FragmentNode(template.Node):
    def __init__(self, name, key, nodelist):
        self.name = name
        self.key = key
        self.nodelist = nodelist

    def render(self, context):
        try:
            key = fragment_key(self.name, self.key.resolve(context))
            # Read already with the rest of the page's kept parts (FilteredListView.read_kept).
            read = getattr(context.get("request"), "kept_fragments", {})
            kept = read[key] if key in read else cache.get(key)
        except Exception:  # a cache that fails is not used
            key = kept = None
        if kept is not None:
            return mark_safe(kept)  # noqa: S308 (a template's output)
        output = self.nodelist.render(context)
        if key is not None:
            with contextlib.suppress(Exception):  # a cache that fails keeps nothing
                cache.set(key, str(output), timeout=cache_period())
        return output


# What {% once %} parts hold, by (name, page template, language, URL configuration, key): at
# most ONCE_LIMIT.
_once = {}
_once_lock = threading.Lock()
ONCE_LIMIT = 2000


class OnceNode(template.Node):
    def __init__(self, name, key, nodelist):
        self.name = name
        self.key = key
        self.nodelist = nodelist

    def render(self, context):
        parts = self.key.resolve(context) if self.key is not None else None
        urlconf = get_urlconf() or settings.ROOT_URLCONF
        slot = (self.name, getattr(context.template, "name", None), get_language(), urlconf, parts)
        kept = _once.get(slot)
        if kept is None:
            kept = self.nodelist.render(context)
            with _once_lock:
                if len(_once) >= ONCE_LIMIT:
                    _once.clear()
                _once[slot] = kept
        return kept


@register.tag
def once(parser, token):
    """`{% once "header" key %}…{% endonce %}` (key optional): what it holds, written once per
    process for the page's template, language and `key`, and kept in memory: for a part that
    shows neither content nor the visitor, only the language and what `key` says (the page
    header, which marks the current section; the footer). Templates do not change while a
    process runs; the first rendering by each template is the one kept."""
    bits = token.split_contents()
    if len(bits) not in (2, 3) or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('{% once "name" [key] %} takes a name and a key')
    nodelist = parser.parse(("endonce",))
    parser.delete_first_token()
    key = parser.compile_filter(bits[2]) if len(bits) == 3 else None
    return OnceNode(bits[1][1:-1], key, nodelist)


def forget_once():
    """Drop every kept {% once %} part (tests that change templates or URLs)."""
    with _once_lock:
        _once.clear()
    _section_urls.cache_clear()


@register.tag
def fragment(parser, token):
    """`{% fragment "list-filters" key %}…{% endfragment %}`: what it holds, written once per
    `key` (what the fragment shows depends on: a list's filters in the address), language and
    content version and kept in the shared cache (core/choice_cache.py's fragment_key)."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('{% fragment "name" key %} takes a name and a key')
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(bits[1][1:-1], parser.compile_filter(bits[2]), nodelist)
