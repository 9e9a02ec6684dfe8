import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core import widgets
from core.content_language import with_translations
from core.filters import PreloadedModelChoiceField
from taxonomy.models import Country

# Zero-width (non-)joiners are part of how Persian and Indic names are written.
JOINERS = {"\u200c", "\u200d"}


def reject_control_characters(value):
    """Line breaks, NULs, direction overrides and other control characters have no place in a
    name or an organisation, and a line break in a name could reach an e-mail header."""
    if any(
        unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"} and char not in JOINERS
        for char in value
    ):
        raise ValidationError(
            _("Use letters, digits and punctuation only, on one line."), code="control_character"
        )


class RegistrationForm(forms.Form):
    name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        validators=[reject_control_characters],
        widget=widgets.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("We send a link to this address to confirm your registration."),
        widget=widgets.EmailInput(attrs={"autocomplete": "email"}),
    )
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        validators=[reject_control_characters],
        widget=widgets.TextInput(attrs={"autocomplete": "organization"}),
    )
    country = PreloadedModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.only(*with_translations(Country, "iso2", "name")),
        cache_as="all-countries",
        to_field_name="iso2",
        required=False,
        empty_label=_("Prefer not to say"),
        widget=widgets.Select(attrs={"autocomplete": "country"}),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the portal keeps my name, e-mail, organisation and country to manage "
            "my registration, and shares them only with the event's organisers, as the privacy "
            "notice says."
        ),
        error_messages={"required": _("Agree to the privacy notice to register.")},
        # The page links the notice in the help under the box (events/event_detail.html).
        widget=widgets.CheckboxInput(attrs={"aria-describedby": "id_consent_helptext"}),
    )
    # A field people never see (hidden by the stylesheet, skipped by keyboard and screen
    # readers); form-filling robots fill it in.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=widgets.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError(_("Enter your name."), code="required")
        return name

    def clean_organisation(self):
        return " ".join(self.cleaned_data["organisation"].split())

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise ValidationError(_("Leave this field empty."), code="honeypot")
        return ""
