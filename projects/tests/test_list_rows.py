"""The project list's rows as the tag writes them (projects/templatetags/project_list.py), worked by hand."""

import pytest
from django.urls import reverse

from projects.tests import factories

pytestmark = pytest.mark.django_db


def test_each_row_has_its_link_cells_and_labels_and_user_text_is_escaped(client, tayninh_officer):
    national = factories.make_project(by=tayninh_officer, fund="national", title="Máy sấy <b>năng lượng</b> & gió")
    local = factories.make_project(by=tayninh_officer, title="Dệt thổ cẩm", support=12_345_678)
    client.force_login(tayninh_officer)
    page = client.get(reverse("projects:list") + "?order=code").content.decode()
    href = reverse("projects:detail", args=[national.pk])
    assert f'<td data-label="Mã"><a href="{href}">{national.code}</a></td>' in page
    assert '<td data-label="Tên đề án">Máy sấy &lt;b&gt;năng lượng&lt;/b&gt; &amp; gió</td>' in page
    assert "<b>năng lượng</b>" not in page
    assert '<td data-label="Nguồn kinh phí">KCQG</td>' in page and '<td data-label="Nguồn kinh phí">KCĐP</td>' in page
    assert '<td class="num" data-label="Kinh phí hỗ trợ">12.345.678 đ</td>' in page
    assert '<td data-label="Ngày kết thúc">31/10/2026</td>' in page
    assert f'<span class="badge status-{local.status}">đề xuất</span>' in page
    assert page.count('<td data-label="Tỉnh">Tây Ninh</td>') == 2
    assert "Không có đề án nào thỏa điều kiện lọc." not in page


def test_an_empty_list_says_so_in_one_row(client, tayninh_officer):
    client.force_login(tayninh_officer)
    page = client.get(reverse("projects:list") + "?q=khongcodeannaoten").content.decode()
    assert '<tr><td colspan="9">Không có đề án nào thỏa điều kiện lọc.</td></tr>' in page
    assert "<td data-label=" not in page
