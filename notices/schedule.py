"""The reminder schedule: which rules of a deadline are due on a day. Pure, so a frozen clock tests it."""

import datetime

from notices.models import ReminderRule


def rules_for(*, subject: str) -> list[ReminderRule]:
    return list(ReminderRule.objects.filter(subject=subject, active=True).order_by("offset_days"))


def due(*, rules: list[ReminderRule], deadline: datetime.date, today: datetime.date) -> list[ReminderRule]:
    """For each audience, the latest rule whose day has come (deadline + offset ≤ today). Only the latest:
    after an outage a person gets the reminder that fits today, not every one they missed."""
    latest: dict[str, ReminderRule] = {}
    for rule in rules:  # ordered by offset
        if deadline + datetime.timedelta(days=rule.offset_days) <= today:
            latest[rule.audience] = rule
    return list(latest.values())
