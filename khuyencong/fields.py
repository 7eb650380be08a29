"""Form fields for amounts, percentages and days typed the Vietnamese way, as plain text inputs.

The browser's number and date widgets follow the browser's locale (mm/dd/yyyy, a decimal point); these read
and show what every page prints instead, through khuyencong.numbers.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from khuyencong import numbers


class _TextField(forms.Field):
    parse = staticmethod(lambda text: text)
    show = staticmethod(lambda value: value)
    input_attrs: dict = {}

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs=dict(self.input_attrs)))
        super().__init__(**kwargs)

    def to_python(self, value):
        return self.parse(value)

    def prepare_value(self, value):
        if value is None or isinstance(value, str):
            return value
        return self.show(value)


class AmountField(_TextField):
    """Whole đồng: `15.000.000`, `15000000` and `15 000 000` are the same amount."""

    parse = staticmethod(numbers.parse_amount)
    show = staticmethod(numbers.format_amount_input)
    input_attrs = {"inputmode": "numeric", "autocomplete": "off", "class": "num"}


class PercentField(_TextField):
    """0 to 100 with at most one decimal, written with a comma: `37,5`."""

    parse = staticmethod(numbers.parse_percent)
    show = staticmethod(numbers.format_percent_input)
    input_attrs = {"inputmode": "decimal", "autocomplete": "off", "class": "num"}


class DayField(_TextField):
    """A calendar day typed dd/mm/yyyy."""

    parse = staticmethod(numbers.parse_date)
    show = staticmethod(numbers.format_date)
    input_attrs = {"placeholder": _("dd/mm/yyyy"), "autocomplete": "off", "class": "day"}
