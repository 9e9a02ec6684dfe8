"""The one visibility rule: `published()` on the queryset and `is_published()` on the instance
must always give the same answer."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from initiatives.models import Initiative
from publishing.models import Status

PAST = datetime(2020, 3, 1, 12, 0, tzinfo=UTC)


def _visible(initiative):
    """(in the published queryset, is_published()) for a freshly read record."""
    initiative.refresh_from_db()
    in_queryset = Initiative.objects.published().filter(pk=initiative.pk).exists()
    return in_queryset, initiative.is_published()


@pytest.mark.django_db
def test_a_draft_without_a_date_is_not_published(make_initiative):
    draft = make_initiative("Draft", status=Status.DRAFT)

    assert draft.published_at is None
    assert _visible(draft) == (False, False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "published_at", "visible"),
    [
        pytest.param(Status.DRAFT, PAST, False, id="a draft, even with a past date"),
        pytest.param(Status.IN_REVIEW, PAST, False, id="in review, even with a past date"),
        pytest.param(Status.PUBLISHED, PAST, True, id="published with a past date"),
        pytest.param(Status.PUBLISHED, timedelta(days=1), False, id="published, scheduled"),
        # A publication date just in the past counts: the rule is `published_at <= now`.
        pytest.param(Status.PUBLISHED, -timedelta(seconds=1), True, id="scheduled date passed"),
    ],
)
def test_a_record_is_published_once_published_and_its_date_has_come(
    make_initiative, status, published_at, visible
):
    """`published_at` is a date, or a time from now."""
    if isinstance(published_at, timedelta):
        published_at = timezone.now() + published_at
    record = make_initiative(status=status, published_at=published_at)

    assert _visible(record) == (visible, visible)


@pytest.mark.django_db
def test_saving_a_published_record_without_a_date_sets_the_publication_date(make_initiative):
    before = timezone.now()
    initiative = make_initiative("Published now", status=Status.DRAFT)
    initiative.status = Status.PUBLISHED
    initiative.published_at = None

    initiative.save()

    initiative.refresh_from_db()
    assert initiative.published_at is not None
    assert before <= initiative.published_at <= timezone.now()
    assert _visible(initiative) == (True, True)


@pytest.mark.django_db
def test_saving_a_draft_does_not_set_a_publication_date(make_initiative):
    draft = make_initiative("Draft", status=Status.DRAFT)

    draft.save()

    draft.refresh_from_db()
    assert draft.published_at is None


@pytest.mark.django_db
def test_saving_a_published_record_keeps_an_explicit_date(make_initiative):
    initiative = make_initiative("Published long ago", published_at=PAST)

    initiative.save()

    initiative.refresh_from_db()
    assert initiative.published_at == PAST


@pytest.mark.django_db
def test_a_published_record_without_a_date_in_the_database_is_not_published(make_initiative):
    """`save()` always fills the date in, but a bulk update can bypass it: both forms of the rule
    must still agree that such a record is not public."""
    initiative = make_initiative("No date")
    Initiative.objects.filter(pk=initiative.pk).update(published_at=None)

    assert _visible(initiative) == (False, False)


@pytest.mark.django_db
def test_published_returns_exactly_the_records_is_published_accepts(make_initiative):
    now = timezone.now()
    records = [
        make_initiative("Draft", status=Status.DRAFT),
        make_initiative("Draft dated", status=Status.DRAFT, published_at=PAST),
        make_initiative("Review", status=Status.IN_REVIEW),
        make_initiative("Review dated", status=Status.IN_REVIEW, published_at=PAST),
        make_initiative("Past", published_at=PAST),
        make_initiative("Yesterday", published_at=now - timedelta(days=1)),
        make_initiative("Tomorrow", published_at=now + timedelta(days=1)),
        make_initiative("Next year", published_at=now + timedelta(days=365)),
    ]

    published_titles = set(Initiative.objects.published().values_list("title", flat=True))

    expected = {record.title for record in Initiative.objects.all() if record.is_published()}
    assert published_titles == expected == {"Past", "Yesterday"}
    assert len(records) == Initiative.objects.count()
