from django.utils.translation import gettext_lazy as _

from publishing.feeds import AtomMixin, PublishedFeed

from .models import Publication


class PublicationFeed(PublishedFeed):
    """Newly published on the portal, whatever year the document itself is from."""

    model = Publication
    list_url_name = "publications:list"
    title = _("SSC Portal: publications")
    description = _(
        "The newest reports, resolutions, plans of action and other documents on South-South "
        "and triangular cooperation."
    )


class PublicationAtomFeed(AtomMixin, PublicationFeed):
    pass
