"""Pages of a list: `?page=2&page_size=50`, with the total and the addresses of the pages before
and after. The orderings the lists use all end with a unique key, so a page holds the same records
however often it is asked for. A list's count is kept per its filters, language and content
state, as the public lists keep theirs."""

from functools import partial

from django.conf import settings
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

from core.choice_cache import keep_result, kept_result
from publishing.search import ranked_page


class KeptCountPaginator(Paginator):
    """A paginator whose count is kept (core/choice_cache.py's kept_result) under
    `count_parts`, what the list's records depend on: read once per content state, not on
    every request. Without parts it counts as Django's does."""

    def __init__(self, *args, count_parts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_parts = count_parts

    @cached_property
    def count(self):
        if self.count_parts is None:
            return Paginator.count.func(self)
        count = kept_result("api-count", self.count_parts)
        if count is None:
            count = Paginator.count.func(self)
            keep_result("api-count", self.count_parts, count)
        return count

    def page(self, number):
        """A page; of a search in the order of relevance, read by parts as the public lists
        read theirs (publishing/search.py's ranked_page)."""
        page = super().page(number)
        if hasattr(page.object_list, "query"):
            rows = ranked_page(page.object_list, self.count)
            if rows is not None:
                page.object_list = rows
        return page


class Pages(PageNumberPagination):
    page_size = settings.API_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE
    page_size_query_description = (
        f"Records per page, at most {settings.API_MAX_PAGE_SIZE} "
        f"(default {settings.API_PAGE_SIZE})."
    )

    def paginate_queryset(self, queryset, request, view=None):
        """A view with `count_parts()` has its count kept under them."""
        parts = view.count_parts() if hasattr(view, "count_parts") else None
        self.django_paginator_class = partial(KeptCountPaginator, count_parts=parts)
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request):
        """A page size that is not a whole number from 1 to the maximum is an error, not a
        silent default: a client that asked for 500 should know it did not get them."""
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        if not value.isdigit() or not 1 <= int(value) <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Give a whole number from 1 to %(most)s.") % {"most": self.max_page_size}
                    ]
                }
            )
        return int(value)

    def get_page_number(self, request, paginator):
        """A page number given empty is no page, as a number that is not one is."""
        value = request.query_params.get(self.page_query_param)
        if value is not None and not value.strip():
            raise NotFound(_("Invalid page."))
        return super().get_page_number(request, paginator)
