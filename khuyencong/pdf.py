"""The one module that imports WeasyPrint: HTML → PDF, reading only the portal's own static files.

The fetcher serves file:// URLs inside the static directory from disk and refuses everything else
(http, data from other folders, uploaded files), so a template can never make a worker fetch a URL.
"""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse


def static_dir() -> Path:
    return Path(settings.STATICFILES_DIRS[0]).resolve()


class StaticOnlyFetcher(URLFetcher):
    """Serves file:// URLs inside the static directory; anything else raises (WeasyPrint skips the resource)."""

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in {"", "localhost"}:
            raise ValueError(f"refused: {url}")
        root = static_dir()
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise ValueError(f"refused: {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})


def render(html: str) -> tuple[bytes, int]:
    """(PDF bytes, page count) of a self-contained HTML document; relative URLs resolve in static/."""
    document = HTML(string=html, base_url=static_dir().as_uri() + "/", url_fetcher=StaticOnlyFetcher()).render()
    return document.write_pdf(), len(document.pages)


def html_to_pdf(html: str) -> bytes:
    return render(html)[0]
