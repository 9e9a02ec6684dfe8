"""The publication list's filters: readable codes in the address, as for case studies."""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from core.content_language import with_translations
from core.filters import ChoiceFilter, FilterSet, LinkedToFilter
from publishing.filters import SearchFilter, YearFilter, linked_to
from taxonomy.models import Organisation

from .models import Language, Publication, PublicationKind


def published_publishers(request=None):
    """Organisations that publish a published publication: the only useful choices."""
    return Organisation.objects.filter(
        Exists(
            Publication.publishers.through.objects.filter(
                organisation=OuterRef("pk"), publication__in=Publication.objects.published()
            )
        )
    ).only(*with_translations(Organisation, "slug", "name", "acronym"))


class PublicationFilter(FilterSet):
    q = SearchFilter(
        help_text=_("Words in the title or description, or a symbol such as A/RES/58/220.")
    )
    kind = ChoiceFilter(label=_("Kind of publication"), choices=PublicationKind.choices)
    year_from = YearFilter(label=_("Issued from (year)"), field_name="year", lookup_expr="gte")
    year_to = YearFilter(label=_("Issued until (year)"), field_name="year", lookup_expr="lte")
    publisher = LinkedToFilter(
        label=_("Publisher"),
        queryset=published_publishers,
        cache_as="publication-publishers",
        to_field_name="slug",
        field_name="publishers",
        empty_label=_("All publishers"),
    )
    theme = linked_to("themes")
    sdg = linked_to("sdgs")
    language = ChoiceFilter(label=_("Language"), choices=Language.choices)

    class Meta:
        model = Publication
        fields = []
