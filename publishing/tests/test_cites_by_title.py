"""Every content type refuses a public text that cites a source by the internal number of a seed
document (core/cites_by_title.py), in English and in the translations, field by field."""

import pytest
from django.core.exceptions import ValidationError

pytestmark = pytest.mark.django_db


def test_a_case_study_note_citing_a_seed_number_is_refused(make_initiative):
    case_study = make_initiative("Solar pumps")
    case_study.source_note = "UNOSSC's page (003) gives 12 September."
    case_study.summary_fr = "Selon la source 002, le projet a réussi."

    with pytest.raises(ValidationError) as refused:
        case_study.full_clean()

    assert set(refused.value.message_dict) == {"source_note", "summary_fr"}
    assert "Name the source by its title" in refused.value.message_dict["source_note"][0]


def test_a_note_naming_its_source_by_title_is_accepted(make_initiative):
    case_study = make_initiative("Solar pumps")
    case_study.source_note = (
        "UNOSSC's page for the 2021 UN Day gives 12 September; the record uses Central America "
        "(M49 code 013)."
    )

    case_study.full_clean()


def test_an_event_and_a_publication_refuse_seed_numbers_too(make_event, make_publication):
    for record in (make_event("Expo"), make_publication("Report")):
        record.description = "As the explainer (002) says."

        with pytest.raises(ValidationError) as refused:
            record.full_clean(exclude=["document"])

        assert "description" in refused.value.message_dict, type(record).__name__
