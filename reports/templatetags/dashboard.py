"""Filters of the dashboards: a change in percentage points with its sign and an arrow (not colour alone)."""

from django import template
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from khuyencong import numbers
from khuyencong.templatetags.vn import digits

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


@register.simple_tag
def execution_cells(cells, row: bool = True) -> str:
    """One row of an execution table: per fund, planned, disbursed, rate, last year's rate (linked to the
    project lists behind them when there are links) and the change. Written here rather than by the template
    engine: the tables hold about 900 such cells, and as template variables they were most of a cold
    dashboard's rendering. In a body row each fund's cells end with the line break and indent the template's
    loop wrote (row=False: the total row, which had none)."""
    between = "\n      " if row else ""
    parts = []
    for cell, now_url, last_url in cells:
        now, last = cell.now, cell.last
        planned, disbursed = numbers.format_vnd(now.planned), numbers.format_vnd(now.disbursed)
        rate, last_rate = numbers.format_percent(now.rate), numbers.format_percent(last.rate)
        if now_url:
            now_href, last_href = escape(now_url), escape(last_url)
            parts.append(
                f'\n<td class="num"><a href="{now_href}">{escape(planned)}</a></td>'
                f'<td class="num"><a href="{now_href}">{escape(disbursed)}</a></td>'
                f'<td class="num rate"><a href="{now_href}">{escape(rate)}</a></td>'
                f'<td class="num"><a href="{last_href}">{escape(last_rate)}</a></td>\n'
            )
        else:
            parts.append(
                f'\n<td class="num">{escape(planned)}</td><td class="num">{escape(disbursed)}</td>'
                f'<td class="num rate">{escape(rate)}</td><td class="num">{escape(last_rate)}</td>\n'
            )
        parts.append(f'<td class="num change">{escape(points(cell.change))}</td>{between}')
    return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped)


@register.simple_tag
def project_cells(row, statuses, list_url, year) -> str:
    """A province's row of the projects table: its projects, one count per status and the projects behind
    schedule, each linked to the project list behind it (a zero is not linked). Written here for the same
    reason as execution_cells: as template variables these 200-odd cells made the table's render on a cold
    regional page 16 ms instead of 8 (scale 10). The line breaks and indents are the ones the template's loop
    wrote, so the page's HTML stayed the same."""
    base = f"{conditional_escape(list_url)}?province={row.province.pk}&amp;year={year}" if list_url else None
    projects = escape(digits(row.projects))
    parts = [f'<td class="num"><a href="{base}">{projects}</a></td>' if base else f'<td class="num">{projects}</td>']
    parts.append("\n      ")
    for value, _label in statuses:
        n = get(row.statuses, value)
        text = escape(digits(n))
        if base and n:
            cell = f'<td class="num"><a href="{base}&amp;status={escape(value)}">{text}</a></td>'
        else:
            cell = f'<td class="num">{text}</td>'
        parts.append(f"\n        {cell}\n      ")
    parts.append("\n      ")
    late = escape(digits(row.late))
    warn = " warn" if row.late else ""
    if base and row.late:
        parts.append(f'<td class="num{warn}"><a href="{base}&amp;late=1">{late}</a></td>')
    else:
        parts.append(f'<td class="num{warn}">{late}</td>')
    return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped)
