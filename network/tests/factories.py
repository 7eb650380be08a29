"""Network rows built through the services, so the rules hold in tests too."""

import datetime

from network import services
from network.models import Collaborator
from provinces.models import CodeSet, Commune, Province, User


def tay_ninh() -> Province:
    return Province.objects.get(code=80, code_set=CodeSet.CODES_2025)


def communes_of(province: Province, n: int) -> list[Commune]:
    return list(Commune.objects.filter(province=province).order_by("code")[:n])


def make_collaborator(*, by: User, communes: list[Commune], name: str = "Nguyễn Văn Ba", **extra) -> Collaborator:
    return services.collaborator_create(
        by=by,
        province=communes[0].province,
        full_name=name,
        communes=communes,
        contract_start=extra.pop("contract_start", datetime.date(2026, 1, 1)),
        contract_end=extra.pop("contract_end", None),
        monthly_fee=extra.pop("monthly_fee", 1_500_000),
        **extra,
    )


def collaborator_account(username: str, communes: list[Commune]) -> User:
    user = User.objects.create_user(username=username, password="correct-horse-battery", role=User.Role.COLLABORATOR)
    user.communes.set(communes)
    return user
