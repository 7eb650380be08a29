"""Template helpers of the implementation record, and the aside the registration page includes."""

from django import template

from khuyencong import numbers

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def score(value):
    """{{ record.score|score }} → 83,5 (out of 100); none → —"""
    return numbers.NO_VALUE if value is None else numbers.group_digits(value, places=1)


@register.simple_tag(takes_context=True)
def records_for_year(context, year):
    """The records of a year in the page user's scope (the national-plan registration's aside)."""
    from evaluation import figures

    return {r.province.pk: r for r in figures.records(user=context["request"].user, year=int(year))}
