import pytest

from products import services
from products.tests import factories


@pytest.fixture
def selection_rules(reference_data):
    services.rules_load()


@pytest.fixture
def tay_ninh(reference_data):
    return factories.province(80)


@pytest.fixture
def judges(selection_rules, tay_ninh):
    return [factories.make_user(f"judge{i}", tay_ninh) for i in range(3)]
