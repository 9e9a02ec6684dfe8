"""/styleguide/: a page of specimens of the portal's visual language (docs/design.md), for staff.

It renders the real pieces: the type and spacing scales and the colours read from the custom
properties of static/css/site.css (so the page cannot drift from the stylesheet), each colour
with its contrast ratio on white; buttons, a case-study card, the SDG tiles, form fields with
errors, a table and the focus ring. Not in the sitemap; `noindex`; never page-cached (staff
have a session)."""

import re
from functools import cache
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from initiatives.models import Initiative

from .colours import DARK_INK, LIGHT_INK, contrast_ratio
from .views import sdg_tiles

STYLESHEET = Path(settings.BASE_DIR) / "static" / "css" / "site.css"
PROPERTY = re.compile(r"(--[\w-]+)\s*:\s*([^;]+);")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@cache
def custom_properties():
    """{name: value} of every custom property set in a :root rule of site.css, in order."""
    css = STYLESHEET.read_text(encoding="utf-8")
    found = {}
    for block in re.findall(r":root\s*\{(.*?)\}", css, re.S):
        block = re.sub(r"/\*.*?\*/", "", block, flags=re.S)
        for name, value in PROPERTY.findall(block):
            found[name] = " ".join(value.split())
    return found


def colour_specimens():
    """The colours of site.css: name, value, contrast on white and on the dark ink."""
    return [
        {
            "name": name,
            "slug": name.removeprefix("--"),
            "value": value,
            "on_white": round(contrast_ratio(value, LIGHT_INK), 2),
            "on_ink": round(contrast_ratio(value, DARK_INK), 2),
        }
        for name, value in custom_properties().items()
        if COLOUR.match(value)
    ]


def scale(prefix):
    return [
        {"name": name, "slug": name.removeprefix("--"), "value": value, "use": f"var({name})"}
        for name, value in custom_properties().items()
        if name.startswith(prefix)
    ]


class SpecimenForm(forms.Form):
    """Fields as the public forms draw them (includes/field.html), sent empty to show errors."""

    name = forms.CharField(label=_("Name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"), help_text=_("We write only about this event."))
    country = forms.ChoiceField(
        label=_("Country"), choices=[("", "—"), ("KE", "Kenya"), ("CO", "Colombia")]
    )


@method_decorator(staff_member_required, name="dispatch")
class StyleGuideView(TemplateView):
    template_name = "styleguide.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = SpecimenForm(data={"email": "not an address"})
        form.is_valid()
        context.update(
            type_scale=scale("--step"),
            space_scale=scale("--space"),
            colours=colour_specimens(),
            form=form,
            initiative=Initiative.objects.published().with_places().first(),
            sdg_tiles=sdg_tiles(),
        )
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["X-Robots-Tag"] = "noindex"
        return response
