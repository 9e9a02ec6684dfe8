"""`publication_issued`: when a publication was issued, as a <time> element."""

from datetime import date

from django.utils import translation

from publications.models import Publication
from publications.templatetags.publications import publication_issued


def test_the_day_of_issue_when_it_is_known():
    publication = Publication(year=2021, issued_on=date(2021, 5, 6))
    with translation.override("en"):
        assert publication_issued(publication) == '<time datetime="2021-05-06">6 May 2021</time>'


def test_the_year_alone_otherwise():
    assert publication_issued(Publication(year=2021)) == '<time datetime="2021">2021</time>'


def test_an_early_year_is_four_digits_in_the_datetime():
    assert publication_issued(Publication(year=978)) == '<time datetime="0978">978</time>'


def test_the_month_is_named_in_the_page_language():
    publication = Publication(year=2021, issued_on=date(2021, 5, 6))
    with translation.override("fr"):
        assert publication_issued(publication) == '<time datetime="2021-05-06">6 mai 2021</time>'
