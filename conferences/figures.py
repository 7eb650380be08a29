"""The regional figures a conference's summary report shows: taken from the periodic-report selectors
(the same figures as the dashboards) and frozen on the conference by services.conference_figures_capture,
so the dossier keeps reading as it was at the conference. What was *said* at past conferences is kept
apart, as QuotedFigure rows with their source."""

import datetime

from reports import selectors


def regional_figures_on(*, region_code: str, day: datetime.date) -> dict | None:
    return selectors.regional_figures_on(region_code=region_code, day=day)
