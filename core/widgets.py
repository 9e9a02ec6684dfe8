"""Form widgets that write their HTML in Python.

Django renders every widget through templates, and every <option> of a <select> through a
template of its own: on a filter form with a few hundred options that was most of the time a
list page took. These widgets produce the same elements with `format_html`, keep every
attribute Django's BoundField passes them (id, required, aria-describedby, aria-invalid) and
escape every value, so they can stand in for Django's in any form.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext


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


def grouped_choices(objects, group_label, choice):
    """[(group label, [choice(obj), ...]), ...]: `objects` in their order, a group for each run
    of them with the same `group_label(obj)`. Grouped choices render as a Select's <optgroup>s
    and as GroupedCheckboxes' disclosures."""
    groups = []
    for obj in objects:
        label = group_label(obj)
        if not groups or groups[-1][0] != label:
            groups.append((label, []))
        groups[-1][1].append(choice(obj))
    return groups


class GroupedCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes in groups (grouped choices), each group a <details> disclosure that is open
    when one of its boxes is ticked and says how many are: a long list (the 169 SDG targets, by
    goal) stays short to scan, and opens and closes without script."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group, options, _index in widget["optgroups"]:
            ticked = sum(1 for option in options if option["attrs"].get("checked"))
            boxes = format_html_join(
                "",
                '<li><label for="{}"><input{}> {}</label></li>',
                (
                    (
                        option["attrs"]["id"],
                        flatatt(
                            {
                                "type": "checkbox",
                                "name": option["name"],
                                "value": option["value"],
                                **option["attrs"],
                            }
                        ),
                        option["label"],
                    )
                    for option in options
                ),
            )
            count = (
                format_html(
                    ' <span class="checkbox-group-count">({})</span>',
                    ngettext("%(count)s chosen", "%(count)s chosen", ticked) % {"count": ticked},
                )
                if ticked
                else ""
            )
            groups.append(
                format_html(
                    '<details class="checkbox-group"{}><summary>{}{}</summary>'
                    "<ul>{}</ul></details>",
                    mark_safe(" open") if ticked else "",
                    group,
                    count,
                    boxes,
                )
            )
        container = {"id": widget["attrs"]["id"]} if widget["attrs"].get("id") else {}
        return format_html(
            '<div class="grouped-checkboxes"{}>{}</div>',
            flatatt(container),
            mark_safe("".join(groups)),
        )
