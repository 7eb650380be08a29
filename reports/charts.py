"""Server-side SVG charts: the same markup serves the web page and the PDF reports (WeasyPrint).

Each chart is `role="img"` (`role="group"` when its bars are links) with a <title> and <desc>; the page
puts a data table beside it, and every bar or tile carries its value as text, so colour is never the only
signal.
"""

import itertools
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from khuyencong import numbers

_ids = itertools.count(1)
SANS = "DejaVu Sans, Arial, sans-serif"  # the web pages
SERIF = "Liberation Serif, Times New Roman, serif"  # the PDF documents (the vendored face)
# execution-rate bands: (lowest rate, fill, label)
BANDS = [
    (Decimal(75), "#1a7f37", "≥ 75%"),
    (Decimal(50), "#7cb342", "50–75%"),
    (Decimal(25), "#f2a900", "25–50%"),
    (Decimal(0), "#d1495b", "< 25%"),
]
NO_PLAN = "#c8c8c8"
PLAN_FILL, PAID_FILL = "#b8cbe0", "#1f5d99"
BILLION, MILLION = Decimal(1_000_000_000), Decimal(1_000_000)


def band_colour(rate: Decimal | None) -> str:
    if rate is None:
        return NO_PLAN
    return next(fill for low, fill, _label in BANDS if rate >= low)


def short_amount(amount: Decimal) -> str:
    """An amount for a chart label: "12,3 tỷ" from a billion on, "350 triệu" below, so that a small amount
    never reads "0,0 tỷ"; nothing at all is "0"."""
    amount = Decimal(amount)
    if amount >= BILLION:
        return _("%(n)s bn") % {"n": numbers.group_digits(amount / BILLION, places=1)}
    if amount >= MILLION:
        return _("%(n)s m") % {"n": numbers.group_digits(amount / MILLION)}
    if amount > 0:
        return _("%(n)s m") % {"n": numbers.group_digits(amount / MILLION, places=1)}
    return "0"


def _open(width: int, height: int, title: str, desc: str, *, links: bool = False, font: str = SANS) -> tuple[str, str]:
    """A chart with links inside is a group, not an image: an image's links would be nested controls."""
    n, role = next(_ids), "group" if links else "img"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="{role}" aria-labelledby="chart{n}-t chart{n}-d" class="chart" font-family="{font}" font-size="12">'
        f'<title id="chart{n}-t">{escape(title)}</title><desc id="chart{n}-d">{escape(desc)}</desc>'
    )
    return head, "</svg>"


def _wrap(text: str, width: int, lines: int = 2) -> list[str]:
    """At most `lines` lines of at most `width` characters, cut at spaces; the last one ends with … if cut."""
    words, result, current = text.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            result.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    result.append(current)
    if len(result) > lines:
        last = " ".join(result[lines - 1 :])
        result = result[: lines - 1] + [last[: width - 1].rstrip() + "…"]
    return [line if len(line) <= width else line[: width - 1] + "…" for line in result]


def _link(href: str | None, inner: str, label: str) -> str:
    if not href:
        return inner
    return f'<a href="{escape(href)}"><title>{escape(label)}</title>{inner}</a>'


@dataclass
class Bar:
    label: str
    rate: Decimal | None
    href: str | None = None


def rate_bars(bars: list[Bar], *, title: str, desc: str, font: str = SANS) -> SafeString:
    """Horizontal bars of execution rates, a 100% guide line, the value written at each bar's end."""
    label_w, bar_w, row_h = 170, 360, 22
    top = 10
    height = top + row_h * len(bars) + 30
    width = label_w + bar_w + 70
    scale_max = max([Decimal(100)] + [b.rate for b in bars if b.rate is not None])
    head, tail = _open(width, height, title, desc, links=any(b.href for b in bars), font=font)
    parts = [head]
    for i, bar in enumerate(bars):
        y = top + i * row_h
        text = numbers.format_percent(bar.rate) if bar.rate is not None else _("no plan")
        length = 0 if bar.rate is None else float(bar.rate / scale_max) * bar_w
        inner = (
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{escape(bar.label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}"'
            f' height="{row_h - 6}" fill="{band_colour(bar.rate)}"/>'
            f'<text x="{label_w + length + 4:.1f}" y="{y + 15}">{escape(text)}</text>'
        )
        parts.append(_link(bar.href, inner, f"{bar.label}: {text}"))
    guide = label_w + float(Decimal(100) / scale_max) * bar_w
    bottom = top + row_h * len(bars)
    parts.append(
        f'<line x1="{guide:.1f}" y1="{top}" x2="{guide:.1f}" y2="{bottom}" stroke="#333" stroke-dasharray="4 3"/>'
        f'<text x="{guide:.1f}" y="{bottom + 16}" text-anchor="middle">100%</text>'
    )
    parts.append(tail)
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def plan_vs_paid(series, *, title: str, desc: str, font: str = SANS) -> SafeString:
    """Per year: the plan (light column) and the disbursement cumulated to each quarter's cut-off (Q1-Q4).

    The drawing is always 640 units wide, however many years it shows, so its text keeps one size on a
    page (a wider drawing scaled to the page's width would shrink it below legibility).
    """
    width, height, top, base = 640, 280, 34, 236
    group_w = (width - 60) / max(1, len(series))
    unit = group_w / 150  # the bars' widths were drawn for 150 units per year
    plan_w, quarter_w, step = 26 * unit, 22 * unit, 26 * unit
    peak = max([Decimal(1)] + [s.planned for s in series] + [q or 0 for s in series for q in s.quarters])
    head, tail = _open(width, height, title, desc, font=font)
    parts = [head, f'<line x1="50" y1="{base}" x2="{width - 5}" y2="{base}" stroke="#333"/>']
    for i, s in enumerate(series):
        x = 55 + i * group_w
        h = float(s.planned / peak) * (base - top)
        plan_text = _("Plan %(year)s: %(amount)s") % {"year": s.year, "amount": short_amount(s.planned)}
        parts.append(
            f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{plan_w:.1f}" height="{h:.1f}" fill="{PLAN_FILL}"'
            f' stroke="{PAID_FILL}"><title>{escape(plan_text)}</title></rect>'
            f'<text x="{x + group_w * 0.45:.1f}" y="{base - h - 5:.1f}" text-anchor="middle"'
            f' font-size="12">{escape(short_amount(s.planned))}</text>'
        )
        for n, value in enumerate(s.quarters, start=1):
            qx = x + plan_w + 4 * unit + (n - 1) * step
            if value is None:
                parts.append(
                    f'<text x="{qx + quarter_w / 2:.1f}" y="{base - 4}" text-anchor="middle" font-size="11">—</text>'
                )
                continue
            qh = float(value / peak) * (base - top)
            share = numbers.format_percent(numbers.rate(value, s.planned), places=0)
            quarter = _("Quarter %(n)s/%(year)s") % {"n": n, "year": s.year}
            quarter_text = f"{quarter}: {short_amount(value)} ({share})"
            parts.append(
                f'<rect x="{qx:.1f}" y="{base - qh:.1f}" width="{quarter_w:.1f}" height="{qh:.1f}"'
                f' fill="{PAID_FILL}" opacity="{0.55 + 0.15 * n:.2f}">'
                f"<title>{escape(quarter_text)}</title></rect>"
                f'<text x="{qx + quarter_w / 2:.1f}" y="{base + 14}" text-anchor="middle" font-size="11">{n}</text>'
            )  # the quarter's number under its bar; the year is written under the group
        parts.append(
            f'<text x="{x + group_w * 0.45:.1f}" y="{base + 34}" text-anchor="middle" font-size="13"'
            f' font-weight="bold">{s.year}</text>'
        )
    # gettext calls outside the f-strings: xgettext does not look inside them
    by_cutoff, plan = escape(_("disbursed by each quarter’s cut-off")), escape(_("plan"))
    parts.append(
        f'<rect x="55" y="4" width="14" height="12" fill="{PLAN_FILL}" stroke="{PAID_FILL}"/>'
        f'<text x="74" y="15" font-size="13">{plan}</text>'
        f'<rect x="170" y="4" width="14" height="12" fill="{PAID_FILL}"/>'
        f'<text x="189" y="15" font-size="13">{by_cutoff}</text>'
    )
    parts.append(tail)
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def activity_bars(items, *, title: str, desc: str, font: str = SANS) -> SafeString:
    """Per activity content: approved support (light) and disbursed (dark), amounts written beside.

    A label takes up to two lines inside its column (cut with … beyond), so none runs off the left edge.
    """
    label_w, bar_w, value_w, row_h = 250, 240, 140, 36
    chars = 40 if font == SERIF else 32  # per line: the serif is narrower than DejaVu Sans
    height = 26 + row_h * max(1, len(items))
    width = label_w + bar_w + value_w
    peak = max([Decimal(1)] + [i.figures.planned for i in items] + [i.figures.disbursed for i in items])
    head, tail = _open(width, height, title, desc, font=font)
    parts = [head]
    for k, item in enumerate(items):
        y = 24 + k * row_h
        planned = float(item.figures.planned / peak) * bar_w
        paid = float(item.figures.disbursed / peak) * bar_w
        label = f"{item.code} {item.name}"
        wrapped = _wrap(label, chars)
        first_y = y + 15 - (len(wrapped) - 1) * 7
        spans = "".join(
            f'<tspan x="{label_w - 6}" y="{first_y + n * 14}">{escape(line)}</tspan>' for n, line in enumerate(wrapped)
        )
        value = f"{short_amount(item.figures.disbursed)} / {short_amount(item.figures.planned)}"
        parts.append(
            f'<text x="{label_w - 6}" y="{first_y}" text-anchor="end" font-size="11">'
            f"<title>{escape(label)}</title>{spans}</text>"
            f'<rect x="{label_w}" y="{y + 2}" width="{planned:.1f}" height="20" fill="{PLAN_FILL}"/>'
            f'<rect x="{label_w}" y="{y + 7}" width="{paid:.1f}" height="10" fill="{PAID_FILL}"/>'
            f'<text x="{label_w + max(planned, paid) + 4:.1f}" y="{y + 16}" font-size="11">{escape(value)}</text>'
        )
    support, disbursed = escape(_("approved support")), escape(_("disbursed"))
    parts.append(
        f'<rect x="{label_w}" y="4" width="14" height="12" fill="{PLAN_FILL}"/>'
        f'<text x="{label_w + 19}" y="15" font-size="12">{support}</text>'
        f'<rect x="{label_w + 160}" y="4" width="14" height="12" fill="{PAID_FILL}"/>'
        f'<text x="{label_w + 179}" y="15" font-size="12">{disbursed}</text>'
    )
    parts.append(tail)
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


# Approximate geography, (column, row), for a tile map of the southern provinces in each code set.
TILES = {
    2004: {
        72: (2, 0), 70: (3, 0), 74: (3, 1), 75: (4, 1), 60: (5, 1),
        89: (0, 2), 87: (1, 2), 80: (2, 2), 79: (3, 2), 77: (4, 2),
        91: (0, 3), 92: (1, 3), 86: (2, 3), 82: (3, 3), 83: (4, 3),
        93: (1, 4), 94: (2, 4), 84: (3, 4), 96: (0, 5), 95: (1, 5),
    },
    2025: {75: (3, 0), 68: (4, 0), 80: (2, 1), 79: (3, 1), 91: (0, 2), 82: (1, 2), 86: (2, 2), 92: (1, 3), 96: (0, 4)},
}  # fmt: skip


@dataclass
class Tile:
    code: int
    code_set: int
    name: str
    rate: Decimal | None
    href: str | None = None


def tile_map(tiles: list[Tile], *, title: str, desc: str) -> SafeString:
    """One square per province at its rough place on the map, filled by execution-rate band, rate in text."""
    w, h, gap = 120, 58, 6
    placed, spare = [], 0
    # A year across the 2025 merger shows both sets: today's provinces get a block of their own below.
    both_sets = len({tile.code_set for tile in tiles}) > 1
    below = max(r for _c, r in TILES[2004].values()) + 2
    for tile in tiles:
        spot = TILES.get(tile.code_set, {}).get(tile.code)
        if spot is not None and both_sets and tile.code_set == 2025:
            spot = (spot[0], spot[1] + below)
        if spot is None:  # a province the layout does not know: a row of its own below
            spot = (spare % 6, (2 * below if both_sets else 7) + spare // 6)
            spare += 1
        placed.append((tile, spot))
    cols = max([c for _t, (c, _r) in placed] + [5]) + 1
    rows = max([r for _t, (_c, r) in placed] + [0]) + 1
    width, height = cols * (w + gap), rows * (h + gap) + 40
    head, tail = _open(width, height, title, desc, links=any(t.href for t in tiles))
    parts = [
        head,
        '<defs><pattern id="noplan" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="{NO_PLAN}"/><line x1="0"'
        f' y1="0" x2="0" y2="6" stroke="#888" stroke-width="2"/>'
        "</pattern></defs>",
    ]
    for tile, (c, r) in placed:
        x, y = c * (w + gap), r * (h + gap)
        fill = "url(#noplan)" if tile.rate is None else band_colour(tile.rate)
        text = numbers.format_percent(tile.rate) if tile.rate is not None else _("no plan")
        name = tile.name.removeprefix("Thành phố ")
        dark = tile.rate is not None and tile.rate >= 50 and band_colour(tile.rate) == BANDS[0][1]
        colour = "#fff" if dark else "#111"
        inner = (
            f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="4" fill="{fill}" stroke="#fff"/>'
            f'<text x="{x + w / 2}" y="{y + 22}" text-anchor="middle"'
            f' font-size="11" fill="{colour}">{escape(name)}</text>'
            f'<text x="{x + w / 2}" y="{y + 42}" text-anchor="middle"'
            f' font-size="14" font-weight="bold" fill="{colour}">'
            f"{escape(text)}</text>"
        )
        parts.append(_link(tile.href, inner, f"{tile.name}: {text}"))
    legend_y = rows * (h + gap) + 10
    x = 0
    for _low, fill, label in BANDS:
        parts.append(
            f'<rect x="{x}" y="{legend_y}" width="14" height="14" fill="{fill}"/>'
            f'<text x="{x + 18}" y="{legend_y + 12}" font-size="11">{escape(label)}</text>'
        )
        x += 90
    no_plan = escape(_("no plan"))
    parts.append(
        f'<rect x="{x}" y="{legend_y}" width="14" height="14" fill="url(#noplan)"/>'
        f'<text x="{x + 18}" y="{legend_y + 12}" font-size="11">{no_plan}</text>'
    )
    parts.append(tail)
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
