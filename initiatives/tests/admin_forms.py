"""What the case-study admin's add and change forms post, for the admin, upload and search tests."""

from devtools.samples import management_form
from initiatives.models import Modality
from publishing.models import Status


def case_study_form(source, **fields):
    """What the add form posts for a minimal draft, with no country, organisation or
    replication rows."""
    data = {
        "title": "Brazil shares rice farming with Mali",
        "slug": "brazil-rice-mali",
        "summary": "Brazilian experts trained farmers in Mali.",
        "modality": Modality.BILATERAL,
        "status": Status.DRAFT,
        "published_at_0": "",
        "published_at_1": "",
        "sources": [source.pk],
        "budget_currency": "",
        "image_alt": "",
        **management_form("country_roles", 0),
        **management_form("organisation_roles", 0),
        **management_form("replicates", 0),
        **management_form("replicated_in", 0),
    }
    data.update(fields)
    return data


def country_row(index, country, role, *, initiative=None, row=None, delete=False):
    """The fields of the country inline's row `index`: `row` is the stored one it shows, if any."""
    prefix = f"country_roles-{index}-"
    fields = {f"{prefix}country": country.pk, f"{prefix}role": role}
    if initiative is not None:
        fields[f"{prefix}initiative"] = initiative.pk
    if row is not None:
        fields[f"{prefix}id"] = row.pk
    if delete:
        fields[f"{prefix}DELETE"] = "on"
    return fields
