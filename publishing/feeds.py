"""What every RSS 2.0 and Atom feed of the portal shares: the newest published records, each with
its summary and its publication and update dates. Each app's feeds.py names the model."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from core.content_language import with_translations

# The most records one feed lists.
FEED_LIMIT = 50


class PublishedFeed(Feed):
    """RSS 2.0. Subclasses set `model`, `list_url_name`, `title` and `description`."""

    model = None
    list_url_name = None
    page_cache = True  # the same for every reader (core/page_cache.py)
    # The columns the items need; the search index and the long texts stay in the database.
    fields = ("title", "slug", "summary", "published_at", "updated_at")

    def link(self):
        return reverse(self.list_url_name)

    def items(self):
        return (
            self.model._default_manager.published()
            .only(*with_translations(self.model, *self.fields))
            .order_by("-published_at", "-pk")[:FEED_LIMIT]
        )

    def item_title(self, item):
        return item.texts.title

    def item_description(self, item):
        return item.texts.summary

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at


class AtomMixin:
    """Turns a PublishedFeed into its Atom twin: Atom calls the description a subtitle."""

    feed_type = Atom1Feed

    def subtitle(self):
        return self.description
