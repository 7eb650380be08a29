from decimal import Decimal

from evaluation.models import DEFAULTS, Measure


def measures_load() -> int:
    """Create the default measures that are missing; existing rows (tuned by the ministry) are kept."""
    created = 0
    for position, (code, weight, full_at, zero_at) in enumerate(DEFAULTS):
        _row, made = Measure.objects.get_or_create(
            code=code,
            defaults={
                "weight": Decimal(weight),
                "full_at": Decimal(full_at),
                "zero_at": Decimal(zero_at),
                "position": position,
            },
        )
        created += made
    return created
