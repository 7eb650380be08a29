"""The projects table's row cells (reports/templatetags/dashboard.project_cells), worked by hand."""

from types import SimpleNamespace

from django.utils import translation

from reports.templatetags.dashboard import project_cells


def row(**kw):
    return SimpleNamespace(province=SimpleNamespace(pk=7), projects=1234, statuses={"done": 3}, late=2, **kw)


def test_each_count_links_to_its_list_and_a_zero_is_not_linked():
    statuses = [("done", "xong"), ("running", "đang làm")]
    with translation.override("vi"):
        html = project_cells(row(), statuses, "/projects/", 2022)
    base = "/projects/?province=7&amp;year=2022"
    assert html.startswith(f'<td class="num"><a href="{base}">1.234</a></td>')
    assert f'<td class="num"><a href="{base}&amp;status=done">3</a></td>' in html
    assert '<td class="num">0</td>' in html  # nothing "running": a plain zero
    assert html.endswith(f'<td class="num warn"><a href="{base}&amp;late=1">2</a></td>')


def test_without_a_list_nothing_is_linked_and_no_late_project_is_not_warned():
    r = row()
    r.late = 0
    with translation.override("en"):
        html = project_cells(r, [("done", "done")], None, 2022)
    assert "<a " not in html
    assert html.startswith('<td class="num">1,234</td>')
    assert html.endswith('<td class="num">0</td>')
