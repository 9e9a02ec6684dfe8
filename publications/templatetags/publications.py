from django import template
from django.utils.html import format_html

from core import dates

register = template.Library()


@register.filter
def publication_issued(publication):
    """When it was issued, as a <time>: the day ('6 May 2021') or, when only that is known, the
    year."""
    if publication.issued_on:
        issued_on = publication.issued_on
        return format_html(
            '<time datetime="{}">{}</time>', issued_on.isoformat(), dates.day(issued_on)
        )
    year = publication.year
    return format_html('<time datetime="{}">{}</time>', f"{year:04d}", year)
