"""A collaborator account walks every URL of the portal: nothing of a commune it does not work in shows."""

import pytest

from khuyencong.tests.test_url_walk import MARKER, body_of, tayninh_data, urls_to_visit  # noqa: F401 (fixture)
from network.tests import factories as nf

pytestmark = pytest.mark.django_db


def test_a_collaborator_of_another_commune_sees_none_of_tay_ninhs_data(client, tayninh_data):  # noqa: F811
    tn = tayninh_data["tay_ninh"]
    marked_commune = tayninh_data["establishment"].commune
    other = tn.communes.exclude(pk=marked_commune.pk).order_by("code").first()
    client.force_login(nf.collaborator_account("ctv.khac", [other]))
    visited = 0
    for name, url, _scoped in urls_to_visit(tayninh_data):
        response = client.get(url)
        visited += 1
        assert response.status_code < 500, (name, url)
        assert MARKER not in body_of(response), f"{name} {url} shows another commune's data to a collaborator"
    assert visited > 60


def test_the_collaborator_of_the_commune_sees_its_establishment(client, tayninh_data):  # noqa: F811
    client.force_login(nf.collaborator_account("ctv.day", [tayninh_data["establishment"].commune]))
    for url in (
        f"/network/establishments/{tayninh_data['establishment'].pk}/",
        f"/api/v1/collaborator-needs/{tayninh_data['need'].pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 200 and MARKER in body_of(response), url
