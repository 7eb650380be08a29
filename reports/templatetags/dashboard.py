"""Filters of the dashboards: a change in percentage points with its sign and an arrow (not colour alone)."""

from django import template
from django.utils.translation import gettext as _

from khuyencong import numbers

register = template.Library()


@register.filter
def points(value):
    """{{ change|points }} → ▲ +3,2 điểm; no comparison → —"""
    if value is None:
        return numbers.NO_VALUE
    text = numbers.group_digits(abs(value), places=1)
    if not any(digit in text for digit in "123456789"):
        return _("= 0 pts")  # a change that rounds to 0,0 has no direction: not "▼ −0,0"
    if value > 0:
        return _("▲ +%(n)s pts") % {"n": text}
    if value < 0:
        return _("▼ −%(n)s pts") % {"n": text}
    return _("= 0 pts")


@register.filter
def get(mapping, key):
    """{{ row.statuses|get:status }}"""
    return (mapping or {}).get(key, 0)
