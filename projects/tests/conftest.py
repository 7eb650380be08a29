import pytest

from projects.tests import factories


@pytest.fixture
def tayninh_project(tayninh_officer):
    """A local-fund draft of today's Tây Ninh."""
    return factories.make_project(by=tayninh_officer)


@pytest.fixture
def cantho_project(cantho_officer):
    return factories.make_project(by=cantho_officer, title="Đào tạo nghề đan lát Hậu Giang", activity="KC01")
