"""Views every content type shares: the filtered list of published records, and the detail
page with staff preview."""

import contextlib
import re

from django.core.cache import cache
from django.db.models import Count, Window
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import ListView

from core import dates
from core.choice_cache import cache_period, cached_result, card_keys, fragment_key, result_key

from . import citations
from .content import content_for
from .downloads import FORMATS
from .models import Status
from .search import can_search_closely, is_close_match, ranked_page, ranked_search

# A detail page's parts kept between requests (templates/detail.html, kept_detail.html).
KEPT_PREFIX = "kept-page"
KEPT_PARTS = ("title", "description", "head", "meta", "content")
# Where a kept part holds a live section ({% live %}), written afresh for each visitor.
LIVE_HOLE = re.compile(r"<!--live-hole:([\w-]+)-->")


def live_hole(name):
    """The mark a kept part holds in place of its live section `name`. Safe to keep: a text of
    the page cannot hold it, its "<" being escaped."""
    return f"<!--live-hole:{name}-->"


class FilteredListView(ListView):
    """Published records through a FilterSet, with the active filters as chips.

    The form shows `leading_filters` (free text) first, then the other filters inside a
    disclosure ("more filters"), which stays open while one of them is in use or wrong, then
    `trailing_filters` (the order). Invalid fields are reported on the form and left out; the
    valid ones still apply. A subclass names its `filterset_class` and says, in
    `for_cards()`, what its cards read; the template extends "filtered_list.html". With a
    `download_url_name`, the list links to its records as CSV, XLSX and JSON files.
    """

    filterset_class = None
    paginate_by = 20
    # Visitors without a session all see the same list at the same address (core/page_cache.py).
    page_cache = True
    leading_filters = ("q",)
    trailing_filters = ("sort",)
    # The address of the list's downloads (a URL taking `format`, publishing/downloads.py).
    download_url_name = None
    # The template of one card and the name it calls its record: with them, the template's
    # `{% list_cards %}` writes each card once per record, language and content version, kept
    # in the shared cache, and loads what the cards read (the queryset's prefetches) for the
    # cards not kept only. Only for cards that show their record alone, never the request.
    card_template = None
    card_name = None
    # Whether the number of records the filters select is kept (core/choice_cache.py's
    # cached_result, as figures are: per filters, content version and due epoch, an hour at
    # most) rather than counted on every request: a count of 90,000 rows is a fifth of the
    # list's time. Not for a list whose result changes with the clock alone (events to come
    # become past).
    keep_count = True
    # The {% fragment %} parts of templates/filtered_list.html, read with the list's count.
    fragments = ("list-filters", "list-charts")

    def filter_data(self):
        """The query parameters that are filters."""
        return self.request.GET

    def base_queryset(self):
        return self.model._default_manager.published()

    def for_cards(self, queryset):
        return queryset

    def clear_url(self):
        """The list without any filter."""
        return self.request.path

    def filtered_queryset(self):
        """The published records the filters in the address select, in the list's order: what
        the pages show 20 at a time and a download (publishing/downloads.py) gives whole."""
        self.filterset = self.filterset_class(
            self.filter_data() or None, queryset=self.base_queryset(), request=self.request
        )
        return self.filterset.qs

    def get_queryset(self):
        """The filtered records; with a card template, the cards load what they show
        themselves (cards()), for the cards that are not kept only."""
        return self.get_paged(self.filtered_queryset())

    def paginate_queryset(self, queryset, page_size):
        """A page of the list; when a search (?q=) finds nothing, a page of the records close
        to its words, if any (publishing/search.py): two queries more (the corrections and the
        count), only then."""
        try:
            paginated = self.page_of(queryset, page_size)
        except Http404:
            # Page 2 of the close matches is past the end of what the search as typed found.
            if not self.close_matches_possible() or queryset.exists():
                raise
            paginated = None
        if paginated and (paginated[0].count or not self.close_matches_possible()):
            return paginated
        self.filterset.close_matches = True
        del self.filterset._qs  # the filters run again, the search looking for close matches
        close = self.page_of(self.get_paged(self.filterset.qs), page_size)
        if close[0].count or paginated is None:
            return close
        self.filterset.close_matches = False
        del self.filterset._qs
        return paginated

    def downloaded_queryset(self):
        """What a download of the list holds: the filtered records, or, when a search finds
        nothing, the close matches the page shows instead (one query more, only with a search
        on PostgreSQL)."""
        filtered = self.filtered_queryset()
        if not self.close_matches_possible() or filtered.exists():
            return filtered
        self.filterset.close_matches = True
        del self.filterset._qs
        return self.filterset.qs

    def close_matches_possible(self):
        """Whether the list has a valid search with words, on a database that finds close
        matches (PostgreSQL)."""
        filterset = self.filterset
        if "q" not in filterset.filters or not filterset.is_bound or not filterset.is_valid():
            return False
        value = filterset.form.cleaned_data.get("q")
        return bool(value) and can_search_closely(filterset.queryset, value)

    def get_paginator(self, queryset, per_page, *args, **kwargs):
        paginator = super().get_paginator(queryset, per_page, *args, **kwargs)
        parts = (self.fragment_key(), getattr(self.filterset, "close_matches", False))
        count = self.read_kept(parts if self.keep_count else None)
        if self.keep_count:
            if count is None:
                # Kept as the figures are (stale_ok): an hour per content state, and while one
                # request counts again after a change, the others show the last count. At
                # 100,000 case studies, counting the 60,000 that hold "support" takes 0.6 s.
                count = cached_result(
                    "list-count",
                    parts,
                    lambda: self.count_with_page(queryset, per_page),
                    stale_ok=True,
                )
            paginator.count = count
        return paginator

    def read_kept(self, count_parts):
        """The list's count kept for `count_parts` (None: not kept, or not asked for), read
        from the shared cache in one round trip with the page's fragments. The fragments are
        left on the request for {% fragment %}, one not kept as None (written then, not asked
        for again). A cache that fails is not used."""
        self.request.kept_fragments = {}
        try:
            count_key = result_key("list-count", count_parts) if count_parts else None
            fragments = [fragment_key(name, self.fragment_key()) for name in self.fragments]
            found = cache.get_many([key for key in (count_key, *fragments) if key])
        except Exception:
            return None
        self.request.kept_fragments = {key: found.get(key) for key in fragments}
        return found.get(count_key)

    def count_with_page(self, queryset, per_page):
        """How many records `queryset` holds. With a card template and a page number asked
        for, counted in the query that reads that page's keys (a window count over the whole
        result rides on each row), which page_of then uses: one query for both."""
        asked = self.kwargs.get(self.page_kwarg) or self.request.GET.get(self.page_kwarg)
        try:
            number = int(asked or 1)
        except ValueError:
            number = 0  # "last", or no number: counted alone
        # A page past what any database's OFFSET takes is past the end: counted alone (404).
        # A search in the order of relevance reads its page by parts (ranked_page): counted alone.
        ranked = ranked_search(queryset) is not None
        if self.card_template and not ranked and 1 <= number <= 2**31 // per_page:
            start = (number - 1) * per_page
            counted = keys_of(queryset).annotate(listed_in_all=Window(Count("pk")))
            rows = list(counted[start : start + per_page])
            if rows:
                self.keyed_rows = (number, rows)
                return rows[0].listed_in_all
            if number == 1:
                return 0
        return queryset.count()

    def get_paged(self, queryset):
        return queryset if self.card_template else self.for_cards(queryset)

    def page_of(self, queryset, page_size):
        """One page of `queryset`. With a card template, the page's records are read as their
        keys (and what the order reads, a search's rank) only: most cards are kept, and the
        rows and links a card shows are loaded for the others alone (cards())."""
        self.keyed_rows = None
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        if self.card_template:
            if self.keyed_rows and self.keyed_rows[0] == page.number:
                rows = self.keyed_rows[1]  # read with the count (count_with_page)
            else:
                rows = ranked_page(object_list, paginator.count)
                if rows is None:
                    rows = list(keys_of(object_list))
            page.object_list = object_list = rows
        return paginator, page, object_list, is_paginated

    def cards(self, context):
        """The page's cards as HTML, each rendered in `context` (the page's) or taken from the
        cache (core/choice_cache.py's card_keys: record, language, content version)."""
        records = context["object_list"]
        variant = self.card_variant()
        keys = card_keys(records, variant)
        try:
            kept = cache.get_many(keys)
        except Exception:  # a cache that fails is not used
            kept = {}
        key_of = {record.pk: key for record, key in zip(records, keys, strict=True)}
        missing = [pk for pk, key in key_of.items() if key not in kept]
        if missing:
            loaded = self.for_cards(self.base_queryset().filter(pk__in=missing))
            by_key = {record.pk: record for record in loaded}
            template = context.template.engine.get_template(self.card_template)
            written = {}
            for record in (by_key[pk] for pk in missing if pk in by_key):
                with context.push({self.card_name: record}):
                    written[key_of[record.pk]] = template.render(context)
            with contextlib.suppress(Exception):  # a cache that fails keeps nothing
                cache.set_many(written, timeout=cache_period())
            kept.update(written)
        # A record unpublished since the page was read has no card.
        return mark_safe("".join(kept.get(key, "") for key in keys))  # noqa: S308 (templates' output)

    def card_variant(self):
        """What the cards show depends on besides their record and the language: a part of
        their cache key (core/choice_cache.py's card_keys)."""
        return ""

    def download_links(self):
        """The list as files, one link per format, each with the filters in the address and
        without the page number: a download holds every page. Empty for a list without
        downloads (no `download_url_name`)."""
        if not self.download_url_name:
            return []
        query = self.request.GET.copy()
        query.pop("page", None)
        query_string = f"?{query.urlencode()}" if query else ""
        return [
            {
                "url": reverse(self.download_url_name, kwargs={"format": name}) + query_string,
                "label": file_format.label,
                "type": file_format.media_type,
            }
            for name, file_format in FORMATS.items()
        ]

    def option_counts(self):
        """{filter name: {choice value: count}}: how many records of the current result each
        option of those filters would keep, shown beside the option ("Health (3)")."""
        return {}

    def charts(self):
        """The current result in figures: publishing.charts.BarChart, shown under the results
        count in a closed disclosure."""
        return []

    def filtered_url(self, name, value):
        """The current list with the filter `name` set to `value`, the others kept, from its
        first page."""
        query = self.request.GET.copy()
        query.pop("page", None)
        query[name] = value
        return f"{self.request.path}?{query.urlencode()}"

    def counted(self, count):
        """'4 records', as the charts name a count; a list says what it lists."""
        return ngettext("%(count)s record", "%(count)s records", count) % {
            "count": dates.number(count)
        }

    @cached_property
    def labelled_form(self):
        """The filter form, each option with its count beside it."""
        form = self.filterset.form
        label_options(form, self.option_counts())
        return form

    def get_context_data(self, **kwargs):
        """The page's context. What only the filter form and the charts read (the option counts,
        the fields, the figures) is worked out when the template reads it: not at all when
        both come from their kept fragments (`{% fragment %}` in templates/filtered_list.html)."""
        context = super().get_context_data(**kwargs)
        fields = self.filterset.form.fields
        outside = {*self.leading_filters, *self.trailing_filters}
        more = [name for name in fields if name not in outside]
        data = self.filter_data()

        def bound(names):
            return SimpleLazyObject(lambda: [self.labelled_form[name] for name in names])

        context.update(
            filter=self.filterset,
            leading_fields=bound([name for name in self.leading_filters if name in fields]),
            more_fields=bound(more),
            trailing_fields=bound([name for name in self.trailing_filters if name in fields]),
            more_filters_open=SimpleLazyObject(
                lambda: any(data.get(name) or name in self.filterset.form.errors for name in more)
            ),
            active_filters=active_filters(self.filterset, self.request),
            clear_url=self.clear_url(),
            download_links=self.download_links(),
            charts=SimpleLazyObject(lambda: [chart for chart in self.charts() if chart]),
            fragment_key=self.fragment_key(),
            close_matches_for=self.close_matches_for(context.get("object_list")),
        )
        return context

    def fragment_key(self):
        """What the list's filter form and charts show depends on (templates/filtered_list.html's
        `{% fragment %}`): its address and its parameters but the page number, in order."""
        query = self.request.GET
        return (
            self.request.path,
            sorted((name, query.getlist(name)) for name in query if name != "page"),
        )

    def close_matches_for(self, records):
        """The words searched for when the page shows close matches of them (nothing matched
        them as typed: publishing/search.py), else None. Reads the page's records, which the
        template reads anyway: no query more."""
        if not records or not is_close_match(records[0]):
            return None
        return self.filterset.form.cleaned_data.get("q")


def keys_of(queryset):
    """`queryset`'s records with their keys alone (and its annotations: a search's rank)."""
    return queryset.select_related(None).prefetch_related(None).only("pk")


def label_options(form, counts):
    """Writes the count beside each option of the fields named in `counts` ({name: {value:
    count}}). Only this request's form changes: its widgets are its own copies
    (core/filters.py), and the options themselves, written once per language and content
    version (widgets.Select), are not touched."""
    for name, by_value in counts.items():
        field = form.fields.get(name)
        if field is not None:
            field.widget.option_counts = by_value


def active_filters(filterset, request):
    """(label, value shown, address without this filter) for every filter that applies."""
    form = filterset.form
    if not filterset.is_bound:
        return []
    form.is_valid()  # fills cleaned_data with the fields that are valid
    result = []
    for name, value in form.cleaned_data.items():
        if name == "sort" or value in (None, "", []):
            continue
        field = form.fields[name]
        if hasattr(field, "choices") and not hasattr(value, "pk"):
            shown = dict(field.choices).get(value, value)
        else:
            shown = str(value)
        remaining = request.GET.copy()
        remaining.pop(name, None)
        remaining.pop("page", None)
        result.append(
            {
                "label": field.label,
                "value": shown,
                "remove_url": f"{request.path}?{remaining.urlencode()}"
                if remaining
                else request.path,
            }
        )
    return result


class PublishedDetailMixin:
    """Visitors see published records only. Staff allowed to change the model may open drafts,
    which come with a banner (`is_preview` in the context) and are never cached.

    The page (templates/detail.html) gets the record as `record` too, its list's address and
    title, and for a preview what the banner says: `preview_messages` has the view's own words
    for a scheduled record and for one not yet published (with %(date)s and %(status)s).
    """

    preview_messages = {}
    # The address of the record's citation files (publishing/citations.py, a URL taking `slug`
    # and `format`): with one, the page has a "How to cite" block (`citation`, `citation_html`,
    # `citation_links`).
    citation_url_name = None
    # Published pages are cached for visitors without a session; previews, never cached, are
    # left out by their Cache-Control (core/page_cache.py).
    page_cache = True
    # The parts of the page that show the record alone (templates/detail.html's `{% keep %}`:
    # title, description, metadata, the article) are kept per record, language, host and
    # content version, like a list's cards: the next visitor's page is written around them
    # without a query. Staff are always given the page written afresh. False for a page whose
    # article shows more than its record (a form, places left).
    keep_parts = True

    def kept_parts_key(self):
        """The cache key of this page's parts (core/choice_cache.py's fragment_key: with the
        language and the content version). Raises LookupError while the content version cannot
        be read (a cache that fails): nothing is read or kept then."""
        request = self.request
        slug = self.kwargs.get(self.slug_url_kwarg, "")
        name = f"{KEPT_PREFIX}:{self.model._meta.label_lower}"
        return fragment_key(name, (slug, request.scheme, request.get_host()))

    def keeps_parts(self):
        """Whether this request may read and keep the page's parts: a published page (not a
        preview of pending changes) seen by someone who cannot preview."""
        return (
            self.keep_parts
            and getattr(self.request, "pending_revision", None) is None
            and not self.request.user.is_staff
        )

    def get(self, request, *args, **kwargs):
        if not self.keeps_parts():
            return super().get(request, *args, **kwargs)
        try:
            key = self.kept_parts_key()
            kept = cache.get(key)
        except Exception:  # a cache that fails is not used
            key = kept = None
        if kept is not None:
            response = self.written_around(kept)
            if response is not None:
                return response
        response = super().get(request, *args, **kwargs)
        parts = getattr(self, "kept_parts", None)
        if parts is not None and key is not None:

            def keep(rendered):
                if rendered.status_code == 200 and len(parts) == len(KEPT_PARTS):
                    with contextlib.suppress(Exception):  # a cache that fails keeps nothing
                        cache.set(key, dict(parts), timeout=cache_period())

            response.add_post_render_callback(keep)
        return response

    def can_preview(self):
        model = self.model
        codename = f"{model._meta.app_label}.change_{model._meta.model_name}"
        user = self.request.user
        return user.is_authenticated and user.is_staff and user.has_perm(codename)

    def get_base_queryset(self):
        manager = self.model._default_manager
        records = manager.all() if self.can_preview() else manager.published()
        # The search index is as long as all the texts together and the page shows none of it.
        return records.defer("search_text", "search_vector")

    def written_around(self, kept):
        """The page written around its kept parts, their live sections written afresh
        (live_parts); None when the live sections cannot be (the record is gone)."""
        names = {name for html in kept.values() for name in LIVE_HOLE.findall(html)}
        live = self.live_parts(names) if names else {}
        if live is None:
            return None
        parts = {
            name: mark_safe(LIVE_HOLE.sub(lambda match: live[match[1]], html))  # noqa: S308
            for name, html in kept.items()
        }
        return self.response_class(
            request=self.request, template=["kept_detail.html"], context={"kept": parts}
        )

    def live_parts(self, names):
        """{name: HTML} of the page's live sections `names` ({% live %} in its template), for
        a page written around its kept parts; None when the record is no longer there (the
        page is then written afresh, or is a 404)."""
        raise NotImplementedError(f"{type(self).__name__} has live sections: write live_parts")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record, meta = self.object, self.model._meta
        # Set by the admin's preview of a pending revision (publishing/staging.py).
        revision = getattr(self.request, "pending_revision", None)
        context.update(
            record=record,
            list_url=reverse(f"{meta.app_label}:list"),
            list_title=content_for(self.model).plural,
            is_preview=revision is not None or not record.is_published(),
        )
        if self.citation_url_name:
            context["citation"] = citations.citation(record, self.request)
            context["citation_html"] = citations.formatted(context["citation"])
            context["citation_links"] = citations.download_links(
                self.citation_url_name, record.slug
            )
        if revision is not None:
            context["preview_message"] = _(
                "Pending changes, not public: submitted by %(author)s on %(date)s."
            ) % {
                "author": revision.author_name,
                "date": dates.moment(timezone.localtime(revision.created_at)) + " UTC",
            }
        elif context["is_preview"]:
            context["preview_message"] = self.preview_message(record)
        if self.keeps_parts() and not context["is_preview"]:
            self.kept_parts = context["kept_parts"] = {}
        if context["is_preview"]:
            context["edit_url"] = reverse(
                f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk]
            )
        return context

    def preview_message(self, record):
        if record.status == Status.PUBLISHED and record.published_at:  # for a later date
            date = dates.moment(timezone.localtime(record.published_at)) + " UTC"
            return self.preview_messages["scheduled"] % {"date": date}
        status = record.get_status_display()
        return self.preview_messages["unpublished"] % {"status": status}

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context.get("is_preview"):
            add_never_cache_headers(response)
        return response


class CitationView(View):
    """A published record's citation as a file (publishing/citations.py): BibTeX, RIS or
    CSL-JSON, an attachment named after its slug. Drafts, scheduled and unknown records are
    404, for staff too: their page is a preview, and a citation is of a public page. A subclass
    says which records in `get_queryset()`, loading what the citation reads."""

    http_method_names = ["get", "head", "options"]
    # As the other public files (calendar files): a visitor without a session may be answered
    # from the page cache where the file's type is one it keeps (core/page_cache.py).
    page_cache = True
    model = None

    def get_queryset(self):
        return self.model._default_manager.published()

    def get(self, request, slug, format):
        record = self.get_queryset().filter(slug=slug).first()
        if record is None:
            raise Http404("No published record at this address.")
        response = citations.file_response(citations.citation(record, request), format)
        patch_cache_control(response, public=True, max_age=300)
        return response
