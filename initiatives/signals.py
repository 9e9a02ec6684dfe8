"""Keep each case study's search index, and the filter choices, in step with the data."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from publishing.choices import content_changed
from publishing.search import follow_links

from .models import Initiative, InitiativeCountry, InitiativeOrganisation
from .search import refresh_search_index


def refresh(pks, using):
    refresh_search_index(Initiative.objects.using(using).filter(pk__in=pks))


@receiver(post_save, sender=Initiative)
def initiative_saved(sender, instance, raw, using, **kwargs):
    if not raw:  # loaddata: load_portal_content refreshes everything it loads
        refresh([instance.pk], using)


@receiver(post_save, sender=InitiativeCountry)
@receiver(post_save, sender=InitiativeOrganisation)
def role_saved(sender, instance, raw, using, **kwargs):
    if not raw:
        refresh([instance.initiative_id], using)


follow_links(Initiative, refresh_search_index, linked=["themes", "regions"])


# The country filter offers the countries of published case studies. A country link deleted on
# its own is left to the choices' one-minute expiry: a delete signal on the link would make
# Django fetch and signal every link of every case study it deletes.
for model in (Initiative, InitiativeCountry):
    post_save.connect(content_changed, sender=model, dispatch_uid=f"choices-{model.__name__}")
post_delete.connect(content_changed, sender=Initiative, dispatch_uid="choices-Initiative-delete")
