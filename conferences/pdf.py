"""HTML → PDF with WeasyPrint, kept small so it can move to the shared reports/pdf.py later.

The fetcher serves only files under the portal's static directory, read from disk: no network, no other
file (uploaded files and anything a template might reference are refused).
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


def html_to_pdf(html: str) -> bytes:
    """Render a self-contained HTML document; relative URLs resolve against the static directory."""
    return HTML(string=html, base_url=static_dir().as_uri() + "/", url_fetcher=StaticOnlyFetcher()).write_pdf()
