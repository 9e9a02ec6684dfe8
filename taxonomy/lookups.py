"""Reference data as people write it in spreadsheets: a country by its ISO code or English name,
a region by name or M49 code, a goal by number or name, a target by its code, an organisation by
name or acronym, a source by title.

Each `Lookup` reads its table once (one query) and then answers from memory, so that an import
of thousands of rows costs no query per cell. `find()` raises ValueError with the message a row
error shows ("unknown country “Kenia”"); `label()` is what an export writes, and what `find()`
reads back to the same record.
"""

import re

from django.utils.translation import gettext_lazy as _

from .models import SDG, Country, Organisation, Region, SDGTarget, Source, Theme


def normalise(text):
    """Case and spacing do not matter: "  sierra  LEONE " finds Sierra Leone."""
    return " ".join(str(text).split()).casefold()


class Lookup:
    """Records found by any of several keys, without regard to case or spacing."""

    #: What the record is called in a row error: "unknown country “Kenia”".
    noun = _("record")

    def __init__(self, queryset=None):
        self.queryset = self.get_queryset() if queryset is None else queryset
        self.by_key = None

    def get_queryset(self):
        raise NotImplementedError

    def keys(self, record):
        """The texts that find `record`."""
        raise NotImplementedError

    def label(self, record):
        """What an export writes for `record`."""
        return str(record)

    def load(self):
        by_key = {}
        for record in self.queryset:
            for key in self.keys(record):
                if key not in (None, ""):
                    by_key.setdefault(normalise(key), set()).add(record)
        self.by_key = by_key

    def find(self, text):
        if self.by_key is None:
            self.load()
        found = self.by_key.get(normalise(text), set())
        if len(found) == 1:
            return next(iter(found))
        if not found:
            raise ValueError(
                _("unknown %(noun)s “%(text)s”") % {"noun": self.noun, "text": str(text).strip()}
            )
        raise ValueError(
            _("“%(text)s” could be any of several %(noun)s records: %(names)s")
            % {
                "text": str(text).strip(),
                "noun": self.noun,
                "names": "; ".join(sorted(self.label(record) for record in found)),
            }
        )


class CountryLookup(Lookup):
    noun = _("country")

    def get_queryset(self):
        return Country.objects.all()

    def keys(self, record):
        return [record.iso2, record.iso3, record.name, record.slug]

    def label(self, record):
        return record.name


class RegionLookup(Lookup):
    noun = _("region")

    def get_queryset(self):
        return Region.objects.all()

    def keys(self, record):
        return [record.name, record.m49_code, record.slug]

    def label(self, record):
        return record.name


SDG_PREFIX = re.compile(r"^(?:sdg|goal)\s*(\d{1,2})\b", re.IGNORECASE)


class SDGLookup(Lookup):
    """ "2", "SDG 2", "Goal 2", "Zero hunger" or the goal's full title."""

    noun = _("Sustainable Development Goal")

    def get_queryset(self):
        return SDG.objects.all()

    def keys(self, record):
        return [str(record.number), record.short_name, record.title]

    def label(self, record):
        return str(record.number)

    def find(self, text):
        text = str(text).strip()
        if re.fullmatch(r"\d+(?:\.0+)?", text):  # a spreadsheet's number cell: 2.0
            text = str(int(float(text)))
        match = SDG_PREFIX.match(text)
        if match:
            text = str(int(match.group(1)))
        return super().find(text)


class SDGTargetLookup(Lookup):
    """A target by its code: "8.2", "8.a", or "target 8.2". A code like 8.10 must be written
    as text: a spreadsheet's number cell would read it as 8.1."""

    noun = _("SDG target")

    def get_queryset(self):
        return SDGTarget.objects.only("code", "goal_id")

    def keys(self, record):
        return [record.code]

    def label(self, record):
        return record.code

    def find(self, text):
        text = re.sub(r"^target\s*", "", str(text).strip(), flags=re.IGNORECASE)
        return super().find(text)


class ThemeLookup(Lookup):
    noun = _("theme")

    def get_queryset(self):
        return Theme.objects.all()

    def keys(self, record):
        return [record.name, record.slug]

    def label(self, record):
        return record.name


class OrganisationLookup(Lookup):
    """By name, acronym or slug. A name wins over an acronym another organisation shares."""

    noun = _("organisation")

    def get_queryset(self):
        return Organisation.objects.all()

    def keys(self, record):
        return [record.name, record.slug]

    def load(self):
        super().load()
        # An acronym only where no name answers to it; one that several organisations share
        # finds none of them (the row error lists them).
        names = set(self.by_key)
        for record in self.queryset:
            key = normalise(record.acronym)
            if key and key not in names:
                self.by_key.setdefault(key, set()).add(record)

    def label(self, record):
        return record.name


class TitleLookup(Lookup):
    """Records by title, or by slug where several share a title (and the export then writes
    the slug, so that it reads back to the same record)."""

    def keys(self, record):
        return [record.title, record.slug]

    def label(self, record):
        if self.by_key is None:
            self.load()
        shared = len(self.by_key.get(normalise(record.title), ())) > 1
        return record.slug if shared else record.title


class SourceLookup(TitleLookup):
    noun = _("source")

    def get_queryset(self):
        return Source.objects.all()
