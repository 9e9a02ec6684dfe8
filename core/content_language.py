"""In which language a record's text is shown on a page, and where its translations are kept.

A record's texts are written in English first (the field itself, e.g. `title`, is the English
text, whatever the language of the page or of the admin). Each translatable text has a sibling
field per other language of the portal, declared by `@translated(...)` on the model: `title_fr`
holds the French title, `title_zh_hans` the Chinese one, empty until someone translates it.
Queries, orderings, history, imports and the admin's English form read the English field as
they always did; a page reads `record.texts.title`, the text in the page's language where the
record has it, else the English one (never an empty field). Pages mark such an English text
`lang="en" dir="ltr"`, so that screen readers pronounce it as English and an Arabic page sets it
left to right with its punctuation in place, and say so once in a short notice.
"""

from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import get_language, get_language_info


def translation_languages():
    """The languages a text is translated into: the portal's, English aside."""
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def translation_field(field, language):
    """title, zh-hans -> title_zh_hans."""
    return f"{field}_{language.replace('-', '_')}"


def language_name(language):
    return dict(settings.LANGUAGES)[language]


def translated(*names):
    """Class decorator: a field per other language for each text field in `names`, blank by
    default, otherwise like the English one (its length, its validators)."""

    def decorate(model):
        for name in names:
            original = model._meta.get_field(name)
            original.text_language = settings.LANGUAGE_CODE
            for language in translation_languages():
                field = original.clone()
                field.blank = True
                field.null = False
                field.default = ""
                field.help_text = ""
                field._unique = False
                field.db_index = False
                field.text_language = language
                field.verbose_name = format_lazy(
                    "{} ({})", original.verbose_name, language_name(language)
                )
                model.add_to_class(translation_field(name, language), field)
        model.translated_fields = tuple(getattr(model, "translated_fields", ())) + names
        model.texts = property(Texts)
        return model

    return decorate


class Texts:
    """`record.texts.title`: the record's title in the active language where it has one, else
    the English title."""

    def __init__(self, record):
        self._record = record

    def __getattr__(self, name):
        record = self._record
        if name not in getattr(type(record), "translated_fields", ()):
            raise AttributeError(name)
        language = text_language(record, name)
        if language == settings.LANGUAGE_CODE:
            return getattr(record, name)
        return getattr(record, translation_field(name, language))

    def __getitem__(self, name):
        try:
            return getattr(self, name)
        except AttributeError:
            raise KeyError(name) from None


def text_language(record, field, language=None):
    """The language `record`'s `field` is shown in on a page in `language` (default: the active
    one): that language where the record has the text in it, else English."""
    language = language or get_language() or settings.LANGUAGE_CODE
    if language == settings.LANGUAGE_CODE:
        return language
    translation = getattr(record, translation_field(field, language), None)
    if translation and translation.strip():
        return language
    return settings.LANGUAGE_CODE


def other_language(record, field):
    """(code, is right to left) of the language `field` is shown in, when that is not the
    page's; None when it is the page's own."""
    shown = text_language(record, field)
    if shown == (get_language() or settings.LANGUAGE_CODE):
        return None
    return shown, get_language_info(shown)["bidi"]


def with_translations(model, *names):
    """`names` (for `.only()` or `.defer()`, relations with `__` allowed) and, for each one that
    is a translated text, its translations: a page in French reads `title_fr`, and a field left
    out of `.only()` would cost a query per record."""
    expanded = []
    for name in names:
        expanded.append(name)
        *path, last = name.split("__")
        target = model
        for step in path:
            target = target._meta.get_field(step).related_model
        if last in getattr(target, "translated_fields", ()):
            prefix = "__".join([*path, ""])
            expanded += [
                prefix + translation_field(last, language) for language in translation_languages()
            ]
    return expanded


def all_texts(record, name):
    """The text `name` of `record` in every language it is written in, English first: what the
    search index holds of a linked record (a country's name, a theme's)."""
    texts = [getattr(record, name, "")]
    texts += [
        getattr(record, translation_field(name, code), "") for code in translation_languages()
    ]
    return list(dict.fromkeys(text for text in texts if text))
