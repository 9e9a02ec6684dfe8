"""What a browser would submit from a form of an HTML page: its fields with their current values,
read from the page itself (the admin's change form with its inlines, a login form, the
registration form)."""

from html.parser import HTMLParser

TEXT_LIKE = {"", "text", "hidden", "email", "number", "date", "time", "url", "password", "search"}


class _FormReader(HTMLParser):
    def __init__(self, wanted):
        super().__init__(convert_charrefs=True)
        self.wanted = wanted
        self.depth = 0  # > 0 inside the wanted form
        self.fields = []
        self.select = None  # (name, multiple, options [(value, selected)])
        self.option = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if self.depth:
                self.depth += 1
            elif self.wanted(attrs):
                self.depth = 1
            return
        if not self.depth or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name and "__prefix__" not in name:
            kind = attrs.get("type", "").lower()
            if kind in TEXT_LIKE:
                self.fields.append((name, attrs.get("value") or ""))
            elif kind in {"checkbox", "radio"} and "checked" in attrs:
                self.fields.append((name, attrs.get("value") or "on"))
        elif tag == "select" and name and "__prefix__" not in name:
            self.select = (name, "multiple" in attrs, [])
        elif tag == "option" and self.select is not None:
            self.option = [attrs.get("value"), "selected" in attrs, ""]
            self.select[2].append(self.option)
        elif tag == "textarea" and name and "__prefix__" not in name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.option is not None:
            self.option[2] += data
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.depth:
            self.depth -= 1
        elif tag == "option":
            self.option = None
        elif tag == "textarea" and self.textarea is not None:
            # A browser drops the one newline that may follow <textarea>.
            self.fields.append((self.textarea[0], self.textarea[1].removeprefix("\n")))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            name, multiple, options = self.select
            values = [value if value is not None else text for value, chosen, text in options]
            chosen = [values[i] for i, option in enumerate(options) if option[1]]
            if not chosen and not multiple and values:
                chosen = values[:1]  # a single select submits its first option by default
            self.fields += [(name, value) for value in chosen]
            self.select = None


def form_fields(html, *, form_id=None, action=None):
    """[(name, value), ...] of the form with this id, or whose action contains `action`."""

    def wanted(attrs):
        if form_id is not None:
            return attrs.get("id") == form_id
        return action is not None and action in (attrs.get("action") or "")

    reader = _FormReader(wanted)
    reader.feed(html)
    reader.close()
    return reader.fields


def as_post_data(fields, **changes):
    """The fields as the test client posts them (repeated names as lists), with `changes`."""
    data = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    data = {name: values[0] if len(values) == 1 else values for name, values in data.items()}
    data.update(changes)
    return data
