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
def test_a_draft_is_not_published_even_with_a_past_date(make_initiative):
    draft = make_initiative("Draft", status=Status.DRAFT, published_at=PAST)

    assert _visible(draft) == (False, False)


@pytest.mark.django_db
def test_a_draft_without_a_date_is_not_published(make_initiative):
    draft = make_initiative("Draft", status=Status.DRAFT)

    assert draft.published_at is None
    assert _visible(draft) == (False, False)


@pytest.mark.django_db
def test_a_record_in_review_is_not_published_even_with_a_past_date(make_initiative):
    in_review = make_initiative("In review", status=Status.IN_REVIEW, published_at=PAST)

    assert _visible(in_review) == (False, False)


@pytest.mark.django_db
def test_a_published_record_with_a_past_date_is_published(make_initiative):
    published = make_initiative("Published", published_at=PAST)

    assert _visible(published) == (True, True)


@pytest.mark.django_db
def test_a_published_record_with_a_future_date_is_scheduled_not_published(make_initiative):
    scheduled = make_initiative("Scheduled", published_at=timezone.now() + timedelta(days=1))

    assert _visible(scheduled) == (False, False)


@pytest.mark.django_db
def test_a_record_becomes_published_once_its_scheduled_date_has_passed(make_initiative):
    """A publication date just in the past counts: the rule is `published_at <= now`."""
    just_now = timezone.now() - timedelta(seconds=1)
    initiative = make_initiative("Just published", published_at=just_now)

    assert _visible(initiative) == (True, True)


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
