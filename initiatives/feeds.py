from django.utils.translation import gettext_lazy as _

from publishing.feeds import AtomMixin, PublishedFeed

from .models import Initiative


class InitiativeFeed(PublishedFeed):
    model = Initiative
    list_url_name = "initiatives:list"
    title = _("SSC Portal: case studies")
    description = _("The newest case studies of South-South and triangular cooperation.")


class InitiativeAtomFeed(AtomMixin, InitiativeFeed):
    pass
