"""The directly rendered widgets give the same elements as Django's template-rendered ones."""

from html.parser import HTMLParser

from django import forms

from core import widgets


class Elements(HTMLParser):
    """Each element as (tag, attributes as a dict, text that follows it)."""

    def __init__(self, html):
        super().__init__()
        self.elements = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append([tag, dict(attrs), ""])

    def handle_data(self, data):
        if self.elements:
            self.elements[-1][2] += data


def parsed(html):
    return [(tag, attrs, text.strip()) for tag, attrs, text in Elements(str(html)).elements]


class Filters(forms.Form):
    q = forms.CharField(required=False, widget=widgets.SearchInput)
    year = forms.IntegerField(required=False, widget=widgets.NumberInput)
    colour = forms.ChoiceField(
        required=False,
        choices=[("", "Any"), ("red", "Red & <pink>"), ("blue", 'Blue "navy"')],
        widget=widgets.Select,
    )
    grouped = forms.ChoiceField(
        required=False,
        choices=[("Warm", [("red", "Red"), ("sun", "Sun")]), ("cold", "Cold")],
        widget=widgets.Select,
    )


class DjangoFilters(forms.Form):
    q = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "search"}))
    year = forms.IntegerField(required=False)
    colour = forms.ChoiceField(required=False, choices=Filters.base_fields["colour"].choices)
    grouped = forms.ChoiceField(required=False, choices=Filters.base_fields["grouped"].choices)


DATA = {"q": '"><script>x</script>', "year": "2020", "colour": "blue", "grouped": "sun"}


def test_each_field_renders_the_elements_and_attributes_django_renders():
    ours, django = Filters(DATA), DjangoFilters(DATA)
    for name in DATA:
        assert parsed(ours[name]) == parsed(django[name]), name


def test_values_and_labels_are_escaped():
    html = str(Filters(DATA)["q"]) + str(Filters(DATA)["colour"])

    assert "<script>" not in html
    assert "&quot;&gt;&lt;script&gt;" in html
    assert "Red &amp; &lt;pink&gt;" in html


def test_errors_and_help_reach_the_widget_as_aria_attributes():
    class Required(forms.Form):
        year = forms.IntegerField(widget=widgets.NumberInput, help_text="A year.")

    html = str(Required({"year": "abc"})["year"])

    assert parsed(html) == [
        (
            "input",
            {
                "type": "number",
                "name": "year",
                "value": "abc",
                "aria-invalid": "true",
                "aria-describedby": "id_year_helptext id_year_error",
                "required": None,
                "id": "id_year",
            },
            "",
        )
    ]


def test_an_unbound_select_selects_its_empty_choice():
    options = [element for element in parsed(Filters()["colour"]) if element[0] == "option"]

    assert options[0] == ("option", {"value": "", "selected": None}, "Any")
    assert all("selected" not in attrs for _tag, attrs, _text in options[1:])
