"""Public texts cite sources by title: the pattern that catches the internal numbers of the seed
documents, and lets ordinary numbers through."""

import pytest
from django.core.exceptions import ValidationError

from core.cites_by_title import seed_numbers, validate_cites_by_title


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("UNOSSC's page (003) says 12 September.", ["(003)"]),
        ("AIPR's statement (source 000) says so.", ["source 000"]),
        ("as source 002 puts it", ["source 002"]),
        ("Documents 001 and 004 agree.", ["Documents 001"]),
        ("See 003_bce79f7a10c17446.txt.", ["003_bce79f7a10c17446.txt"]),
        ("Both ( 001 ) and (004).", ["( 001 )", "(004)"]),
    ],
)
def test_it_finds_seed_numbers(text, found):
    assert seed_numbers(text) == found
    with pytest.raises(ValidationError):
        validate_cites_by_title(text)


@pytest.mark.parametrize(
    "text",
    [
        "Central America (M49 code 013), the closest region.",
        "12 per 1,000 live births; 100.000 millones de dólares.",
        "Tagged with target 2.2, indicator 2.2.2, and 3.d.",
        "Resolution 58/220 (2003) and A/C.2/66/L.48.",
        "Figures from 2018 (2019), page 012 and code 419.",
        "",
        None,
    ],
)
def test_it_lets_ordinary_numbers_through(text):
    assert seed_numbers(text) == []
    validate_cites_by_title(text)
