"""Template filters for Vietnamese figures, available in every template (a template builtin)."""

from django import template

from khuyencong import numbers

register = template.Library()


@register.filter
def vnd(value):
    """{{ amount|vnd }} → 1.234.567 đ"""
    return numbers.format_vnd(value)


@register.filter
def percent(value, places=1):
    """{{ rate|percent }} → 37,6%; no rate (zero plan) → —"""
    return numbers.format_percent(value, places=int(places))


@register.filter
def digits(value):
    """{{ count|digits }} → 12.345"""
    return numbers.NO_VALUE if value is None else numbers.group_digits(value)
