"""Form widgets that write their HTML in Python.

Django renders every widget through templates, and every <option> of a <select> through a
template of its own: on a filter form with a few hundred options that was most of the time a
list page took. These widgets produce the same elements with `format_html`, keep every
attribute Django's BoundField passes them (id, required, aria-describedby, aria-invalid) and
escape every value, so they can stand in for Django's in any form.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class DirectInputMixin:
    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = {"type": self.input_type, "name": name}
        value = self.format_value(value)
        if value is not None:
            final_attrs["value"] = value
        final_attrs.update(self.build_attrs(self.attrs, attrs))
        return format_html("<input{}>", flatatt(final_attrs))


class TextInput(DirectInputMixin, forms.TextInput):
    pass


class SearchInput(DirectInputMixin, forms.TextInput):
    input_type = "search"


class NumberInput(DirectInputMixin, forms.NumberInput):
    pass


class EmailInput(DirectInputMixin, forms.EmailInput):
    pass


class CheckboxInput(forms.CheckboxInput):
    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = {"type": "checkbox", "name": name, **self.build_attrs(self.attrs, attrs)}
        if self.check_test(value):
            final_attrs["checked"] = True
        return format_html("<input{}>", flatatt(final_attrs))


class Select(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = {"name": name, **self.build_attrs(self.attrs, attrs)}
        selected = set(self.format_value(value))
        options = []
        for option_value, option_label in self.choices:
            if isinstance(option_label, list | tuple):
                group = "".join(self.render_option(v, label, selected) for v, label in option_label)
                options.append(
                    format_html(
                        '<optgroup label="{}">{}</optgroup>', option_value, mark_safe(group)
                    )
                )
            else:
                options.append(self.render_option(option_value, option_label, selected))
        return format_html(
            "<select{}>{}</select>",
            flatatt(final_attrs),
            mark_safe("".join(options)),
        )

    @staticmethod
    def render_option(value, label, selected):
        value = "" if value is None else str(value)
        return format_html(
            '<option value="{}"{}>{}</option>',
            value,
            mark_safe(" selected") if value in selected else "",
            label,
        )
