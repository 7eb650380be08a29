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
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'
# execution-rate bands: (lowest rate, fill, label)
BANDS = [
    (Decimal(75), "#1a7f37", "≥ 75%"),
    (Decimal(50), "#7cb342", "50–75%"),
    (Decimal(25), "#f2a900", "25–50%"),
    (Decimal(0), "#d1495b", "< 25%"),
]
NO_PLAN = "#c8c8c8"
PLAN_FILL, PAID_FILL = "#b8cbe0", "#1f5d99"


def band_colour(rate: Decimal | None) -> str:
    if rate is None:
        return NO_PLAN
    return next(fill for low, fill, _label in BANDS if rate >= low)


def billions(amount: Decimal) -> str:
    return _("%(n)s bn") % {"n": numbers.group_digits(Decimal(amount) / 1_000_000_000, places=1)}


def _open(width: int, height: int, title: str, desc: str, *, links: bool = False) -> tuple[str, str]:
    """A chart with links inside is a group, not an image: an image's links would be nested controls."""
    n, role = next(_ids), "group" if links else "img"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="{role}" aria-labelledby="chart{n}-t chart{n}-d" class="chart" {FONT} font-size="12">'
        f'<title id="chart{n}-t">{escape(title)}</title><desc id="chart{n}-d">{escape(desc)}</desc>'
    )
    return head, "</svg>"


def _link(href: str | None, inner: str, label: str) -> str:
    if not href:
        return inner
    return f'<a href="{escape(href)}"><title>{escape(label)}</title>{inner}</a>'


@dataclass
class Bar:
    label: str
    rate: Decimal | None
    href: str | None = None


def rate_bars(bars: list[Bar], *, title: str, desc: str) -> SafeString:
    """Horizontal bars of execution rates, a 100% guide line, the value written at each bar's end."""
    label_w, bar_w, row_h = 170, 360, 22
    top = 10
    height = top + row_h * len(bars) + 30
    width = label_w + bar_w + 70
    scale_max = max([Decimal(100)] + [b.rate for b in bars if b.rate is not None])
    head, tail = _open(width, height, title, desc, links=any(b.href for b in bars))
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


def plan_vs_paid(series, *, title: str, desc: str) -> SafeString:
    """Per year: the plan (light column) and the disbursement cumulated to each quarter's cut-off (Q1-Q4)."""
    group_w, height, top, base = 150, 260, 20, 220
    width = 60 + group_w * max(1, len(series))
    peak = max([Decimal(1)] + [s.planned for s in series] + [q or 0 for s in series for q in s.quarters])
    head, tail = _open(width, height, title, desc)
    parts = [head, f'<line x1="50" y1="{base}" x2="{width - 5}" y2="{base}" stroke="#333"/>']
    for i, s in enumerate(series):
        x = 55 + i * group_w
        h = float(s.planned / peak) * (base - top)
        plan_text = _("Plan %(year)s: %(amount)s") % {"year": s.year, "amount": billions(s.planned)}
        parts.append(
            f'<rect x="{x}" y="{base - h:.1f}" width="26" height="{h:.1f}" fill="{PLAN_FILL}" stroke="{PAID_FILL}">'
            f"<title>{escape(plan_text)}</title></rect>"
            f'<text x="{x + 13}" y="{base - h - 4:.1f}" text-anchor="middle"'
            f' font-size="10">{escape(billions(s.planned))}</text>'
        )
        for n, value in enumerate(s.quarters, start=1):
            qx = x + 30 + (n - 1) * 26
            if value is None:
                parts.append(f'<text x="{qx + 11}" y="{base - 4}" text-anchor="middle" font-size="10">—</text>')
                continue
            qh = float(value / peak) * (base - top)
            share = numbers.format_percent(numbers.rate(value, s.planned), places=0)
            quarter_text = f"Q{n}/{s.year}: {billions(value)} ({share})"
            parts.append(
                f'<rect x="{qx}" y="{base - qh:.1f}" width="22" height="{qh:.1f}"'
                f' fill="{PAID_FILL}" opacity="{0.55 + 0.15 * n:.2f}">'
                f"<title>{escape(quarter_text)}</title></rect>"
                f'<text x="{qx + 11}" y="{base + 13}" text-anchor="middle" font-size="10">Q{n}</text>'
            )
        parts.append(f'<text x="{x + 65}" y="{base + 32}" text-anchor="middle" font-weight="bold">{s.year}</text>')
    by_cutoff = escape(_("disbursed by each quarter’s cut-off"))
    parts.append(
        f'<rect x="55" y="2" width="12" height="10" fill="{PLAN_FILL}" stroke="{PAID_FILL}"/>'
        f'<text x="71" y="11" font-size="11">{escape(_("plan"))}</text>'
        f'<rect x="140" y="2" width="12" height="10" fill="{PAID_FILL}"/>'
        f'<text x="156" y="11" font-size="11">{by_cutoff}</text>'
    )
    parts.append(tail)
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def activity_bars(items, *, title: str, desc: str) -> SafeString:
    """Per activity content: approved support (light) and disbursed (dark), amounts written beside."""
    label_w, bar_w, row_h = 260, 300, 30
    height = 24 + row_h * max(1, len(items))
    width = label_w + bar_w + 150
    peak = max([Decimal(1)] + [i.figures.planned for i in items])
    head, tail = _open(width, height, title, desc)
    parts = [head]
    for k, item in enumerate(items):
        y = 20 + k * row_h
        planned = float(item.figures.planned / peak) * bar_w
        paid = float(item.figures.disbursed / peak) * bar_w
        label = f"{item.code} {item.name}"
        short = label if len(label) <= 42 else label[:40] + "…"
        value = f"{billions(item.figures.disbursed)} / {billions(item.figures.planned)}"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">'
            f"<title>{escape(label)}</title>{escape(short)}</text>"
            f'<rect x="{label_w}" y="{y + 2}" width="{planned:.1f}" height="18" fill="{PLAN_FILL}"/>'
            f'<rect x="{label_w}" y="{y + 6}" width="{paid:.1f}" height="10" fill="{PAID_FILL}"/>'
            f'<text x="{label_w + max(planned, paid) + 4:.1f}" y="{y + 15}" font-size="11">{escape(value)}</text>'
        )
    parts.append(
        f'<rect x="{label_w}" y="2" width="12" height="10" fill="{PLAN_FILL}"/>'
        f'<text x="{label_w + 16}" y="11" font-size="11">{escape(_("approved support"))}</text>'
        f'<rect x="{label_w + 150}" y="2" width="12" height="10" fill="{PAID_FILL}"/>'
        f'<text x="{label_w + 166}" y="11" font-size="11">{escape(_("disbursed"))}</text>'
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
    parts.append(
        f'<rect x="{x}" y="{legend_y}" width="14" height="14" fill="url(#noplan)"/>'
        f'<text x="{x + 18}" y="{legend_y + 12}" font-size="11">{escape(_("no plan"))}</text>'
    )
    parts.append(tail)
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
