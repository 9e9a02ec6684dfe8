"""Form widgets that write their HTML in Python.

Django renders every widget through templates, and every <option> of a <select> through a
template of its own: on a filter form with a few hundred options that was most of the time a
list page took. These widgets produce the same elements with `format_html`, keep every
attribute Django's BoundField passes them (id, required, aria-describedby, aria-invalid) and
escape every value, so they can stand in for Django's in any form.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext

from . import dates
from .choice_cache import cached_choices


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


class Options:
    """A <select>'s options as HTML, made once from its choices and reused: each option's
    element without and with ` selected`, and the escaped value and label of each, to write
    them again with a count beside the label."""

    def __init__(self, choices):
        # The HTML in order: strings (<optgroup> tags), or the index of an option in `options`.
        self.parts = []
        # (value, escaped value, escaped label) of each option.
        self.options = []
        for option_value, option_label in choices:
            if isinstance(option_label, list | tuple):
                self.parts.append(format_html('<optgroup label="{}">', option_value))
                for value, label in option_label:
                    self._add(value, label)
                self.parts.append("</optgroup>")
            else:
                self._add(option_value, option_label)
        self.by_value = {}
        for index, (value, _escaped, _label) in enumerate(self.options):
            self.by_value.setdefault(value, []).append(index)
        self.plain = [self._element(index) for index in range(len(self.options))]
        self.plain_html = self.join(self.plain)

    def _add(self, value, label):
        value = "" if value is None else str(value)
        self.parts.append(len(self.options))
        self.options.append((value, escape(value), conditional_escape(label)))

    def _element(self, index, selected=False, label=None):
        _value, escaped, own_label = self.options[index]
        chosen = " selected" if selected else ""
        return f'<option value="{escaped}"{chosen}>{own_label if label is None else label}</option>'

    def join(self, elements):
        return "".join(elements[part] if type(part) is int else part for part in self.parts)

    def html(self, selected, counts=None):
        """The options, those whose value is in `selected` selected; with `counts` ({value:
        count}), each option but the empty one says how many records it would keep."""
        if counts is not None:
            pattern = escape(gettext("%(label)s (%(count)s)"))
            elements = [
                self._element(
                    index,
                    value in selected,
                    None
                    if value == ""
                    else pattern
                    % {"label": label, "count": escape(dates.number(counts.get(value, 0)))},
                )
                for index, (value, _escaped, label) in enumerate(self.options)
            ]
            return self.join(elements)
        chosen = [index for value in selected for index in self.by_value.get(value, ())]
        if not chosen:
            return self.plain_html
        elements = list(self.plain)
        for index in chosen:
            elements[index] = self._element(index, selected=True)
        return self.join(elements)


class Select(forms.Select):
    """A <select> whose options are written once: with an `options_key` (a name for its
    choices, which may change with the content: core/filters.py sets it), once per language and
    content version (core/choice_cache.py); else on each rendering. `option_counts` ({value:
    count}), set on a form's own copy of the widget, writes a count beside each option."""

    options_key = None
    option_counts = None

    def options(self):
        if self.options_key is None:
            return Options(self.choices)
        name = f"options:{self.options_key}:{get_language()}"
        return cached_choices(name, lambda: [Options(self.choices)])[0]

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = {"name": name, **self.build_attrs(self.attrs, attrs)}
        selected = set(self.format_value(value))
        options = self.options().html(selected, self.option_counts)
        return format_html("<select{}>{}</select>", flatatt(final_attrs), mark_safe(options))


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
