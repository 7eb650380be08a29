"""HOOK: the regional figures a conference's summary report shows, taken from periodic reports.

The reports app does not exist yet. When it does, it provides

    reports.selectors.regional_figures_on(*, region_code: str, day: datetime.date) -> dict | None

returning JSON-serialisable figures for the region at that day's cut-off (e.g. {"period": "9 tháng 2025",
"plan": "…", "disbursed": "…", "execution_rate": "…", "by_province": [...]}; amounts as strings of whole VND).
`services.conference_figures_capture` freezes that dict on the conference (Conference.regional_figures), so
the dossier keeps reading as it was at the conference. Until then this returns None and pages say so:
figures are never typed in again by hand here. What was *said* at past conferences is kept apart, as
QuotedFigure rows with their source.
"""

import datetime
import importlib


def regional_figures_on(*, region_code: str, day: datetime.date) -> dict | None:
    try:
        selectors = importlib.import_module("reports.selectors")
    except ImportError:
        return None
    provider = getattr(selectors, "regional_figures_on", None)
    return provider(region_code=region_code, day=day) if provider else None
