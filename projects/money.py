"""The money vocabulary, defined once: what each word means, how it is recorded, and how it counts.

State support moves plan → advance → disbursement → settlement (domain README, "Money"). The portal records
three kinds of money entry (`MoneyEntry.Kind`); the fourth word, payment (thanh toán), is not a kind of its
own: a payment for work done is recorded as a disbursement (the advance it clears included), so it counts
as one.

- tạm ứng (advance): paid before the work is done and accepted. Not counted in the execution rate: money
  advanced is not yet disbursed. Its total is held against the approved support and the advance ceiling.
- giải ngân (disbursement): money paid out for the project. The only kind the execution rate counts
  (disbursed ÷ planned), dated within the period's data window.
- thanh toán (payment): a payment against work done and accepted, clearing any advance: recorded as a
  disbursement of the full amount paid, advance included, so it is counted once.
- quyết toán (settlement): the final account approved after acceptance. Not counted in the rate (it confirms
  what was disbursed, it adds nothing); it cannot exceed the disbursements.

The ceiling: the approved state support caps each kind on its own (advances, disbursements, settlements are
each totalled, corrections included; they are never added together, since a disbursement may clear an
advance and a settlement confirms disbursements). `CEILING_KINDS` lists them; `services.money_entry_add` and
the approval of an adjustment say which kind they counted.

`RATE_KINDS` is what the figures sum as "disbursed"; `projects/tests/test_money.py` checks that the
dashboards' figures count exactly these kinds.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from khuyencong import numbers
from projects.models import MoneyEntry


@dataclass(frozen=True)
class Term:
    word: str  # the Vietnamese word, as officers and the ministry say it
    name: Promise  # its name in the portal's language
    recorded_as: str  # the MoneyEntry.Kind it is recorded as
    counts_in_rate: bool  # whether the execution rate counts it as disbursed
    meaning: Promise  # the help note's sentence


ADVANCE = Term(
    "tạm ứng",
    _("Advance"),
    MoneyEntry.Kind.ADVANCE,
    False,
    _("paid before the work is done and accepted; not yet disbursed, so not counted in the execution rate."),
)
DISBURSEMENT = Term(
    "giải ngân",
    _("Disbursement"),
    MoneyEntry.Kind.DISBURSEMENT,
    True,
    _("money paid out for the project; the only kind the execution rate counts (disbursed ÷ planned)."),
)
PAYMENT = Term(
    "thanh toán",
    _("Payment"),
    MoneyEntry.Kind.DISBURSEMENT,
    True,
    _(
        "a payment for work done and accepted, clearing any advance: recorded as a disbursement of the full "
        "amount paid (the advance included), so it is counted once."
    ),
)
SETTLEMENT = Term(
    "quyết toán",
    _("Settlement"),
    MoneyEntry.Kind.SETTLEMENT,
    False,
    _(
        "the final account approved after acceptance; it confirms what was disbursed and adds nothing to the "
        "rate. It cannot exceed the disbursements."
    ),
)

VOCABULARY: tuple[Term, ...] = (ADVANCE, DISBURSEMENT, PAYMENT, SETTLEMENT)

# The kinds of money entry the execution rate counts as disbursed.
RATE_KINDS: frozenset[str] = frozenset(term.recorded_as for term in VOCABULARY if term.counts_in_rate)

# The kinds the approved support caps, each on its own.
CEILING_KINDS: tuple[str, ...] = (MoneyEntry.Kind.ADVANCE, MoneyEntry.Kind.DISBURSEMENT, MoneyEntry.Kind.SETTLEMENT)

_ENTRIES = {
    MoneyEntry.Kind.ADVANCE: _("advances (tạm ứng)"),
    MoneyEntry.Kind.DISBURSEMENT: _("disbursements (giải ngân, payments included)"),
    MoneyEntry.Kind.SETTLEMENT: _("settlements (quyết toán)"),
}


def entries_name(kind: str) -> str:
    """The entries of a kind, as a message names them: "disbursements (giải ngân, payments included)"."""
    return str(_ENTRIES[kind])


def ceiling_kinds_text() -> str:
    """The kinds the ceiling counts, each on its own, for the refusal messages."""
    return ", ".join(entries_name(kind) for kind in CEILING_KINDS)


def ceiling_message(*, kind: str, total: Decimal, support: Decimal) -> str:
    """The ceiling's refusal, naming the kind it counted and the kinds it caps: one message for the services,
    the entry grid and the Excel import."""
    return gettext(
        "This would bring the %(kind)s to %(total)s, above the approved support of %(support)s. "
        "The approved support caps each kind on its own (corrections included): %(kinds)s."
    ) % {
        "kind": entries_name(kind),
        "total": numbers.format_vnd(total),
        "support": numbers.format_vnd(support),
        "kinds": ceiling_kinds_text(),
    }
