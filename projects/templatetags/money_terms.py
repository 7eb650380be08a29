"""The money vocabulary (projects/money.py) for templates: the help note beside the dashboards' figures."""

from django import template

from projects import money

register = template.Library()


@register.simple_tag
def money_vocabulary() -> tuple[money.Term, ...]:
    """{% money_vocabulary as terms %}: tạm ứng, giải ngân, thanh toán, quyết toán, and how the rate counts each."""
    return money.VOCABULARY
