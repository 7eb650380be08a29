"""The project list's rows, written by a tag: each of its 50 rows had nine cells of template variables, most
of the page's rendering whenever a write had made the cached rows stale (an officer's every entry)."""

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from khuyencong import numbers

register = template.Library()


@register.simple_tag
def project_rows(page, *labels) -> str:
    """`{% project_rows page l_code … l_end %}`: one <tr> per project of the page, the same HTML the template's
    loop wrote (line breaks and indents included); `labels`: the nine cells' data-label texts, translated once."""
    code, title, province, year, fund, status, support, disbursed, end = (escape(label) for label in labels)
    rows = []
    for p in page:
        href = escape(reverse("projects:detail", args=[p.pk]))
        end_date = f"{p.end_date:%d/%m/%Y}" if p.end_date else ""
        rows.append(
            "\n    <tr>\n"
            f'      <td data-label="{code}"><a href="{href}">{escape(p.code)}</a></td>\n'
            f'      <td data-label="{title}">{escape(p.title)}</td>\n'
            f'      <td data-label="{province}">{escape(str(p.province))}</td>\n'
            f'      <td data-label="{year}">{escape(p.plan_year)}</td>\n'
            f'      <td data-label="{fund}">{"KCQG" if p.fund == "national" else "KCĐP"}</td>\n'
            f'      <td data-label="{status}"><span class="badge status-{escape(p.status)}">'
            f"{escape(p.get_status_display())}</span></td>\n"
            f'      <td class="num" data-label="{support}">{escape(numbers.format_vnd(p.approved_support))}</td>\n'
            f'      <td class="num" data-label="{disbursed}">{escape(numbers.format_vnd(p.disbursed))}</td>\n'
            f'      <td data-label="{end}">{end_date}</td>\n'
            "    </tr>\n  "
        )
    return mark_safe("".join(rows))  # noqa: S308 (every value above is escaped)
