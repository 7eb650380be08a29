"""The shape of a home page's work list: each app's worklist module returns Sections of Items."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

LIMIT = 10  # items shown per section; the section's total says how many more there are


@dataclass
class Item:
    """One piece of work: where it is done, what it is, and by when."""

    title: str
    url: str
    deadline: datetime.date | None = None
    detail: str = ""
    comment: str = ""
    late_label: str = ""  # e.g. "rất chậm"

    @property
    def days_left(self) -> int | None:
        """Days until the deadline: negative when overdue, None without a deadline."""
        if self.deadline is None:
            return None
        return (self.deadline - timezone.localdate()).days

    @property
    def days_overdue(self) -> int:
        return -(self.days_left or 0)


@dataclass
class Section:
    key: str
    title: str
    items: list[Item] = field(default_factory=list)
    total: int = 0
    more_url: str = ""

    @property
    def more(self) -> int:
        return max(self.total - len(self.items), 0)
