"""How public texts cite their sources: by title, never by the internal numbers of the documents
the starting content was compiled from ("(003)", "source 000", "003_bce79f7a10c17446.txt"),
which no reader can look up.

The pattern is kept narrow so that ordinary numbers pass: a three-digit number starting with 0
is refused only alone in brackets, after a word such as "source" or "document", or as a seed
file's name. An M49 region code is written "M49 code 013", not "(013)".
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SEED_NUMBER = re.compile(
    r"\(\s*0\d\d\s*\)"  # (003)
    r"|\b(?:sources?|documents?|files?|seeds?|docs?)\s+(?:no\.?\s*|#\s*)?0\d\d\b"  # source 003
    r"|\b\d{3}_[0-9a-f]{16}(?:\.txt)?\b",  # 003_bce79f7a10c17446.txt
    re.IGNORECASE,
)


def seed_numbers(text):
    """The internal document numbers cited in `text`, in the order they come."""
    return [match.group(0) for match in SEED_NUMBER.finditer(text or "")]


def validate_cites_by_title(text):
    """A ValidationError if `text` cites a source by an internal number rather than its title."""
    found = seed_numbers(text)
    if found:
        raise ValidationError(
            _(
                "Name the source by its title (for example “the UNOSSC page for the 2021 UN "
                "Day”), not by a number such as “%(number)s”, which readers cannot look up. "
                "Write an M49 region code as “M49 code 013”."
            ),
            code="seed_number",
            params={"number": found[0]},
        )
