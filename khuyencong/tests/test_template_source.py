"""What the templates' source must never hold: a {# comment over two lines (Django shows it as page text)
and an asset from another site (the portal works offline and its CSP allows only its own files)."""

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = sorted(Path(settings.BASE_DIR, "templates").rglob("*.html"))


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 50


def test_no_comment_tag_spans_two_lines():
    broken = [
        f"{path.relative_to(settings.BASE_DIR)}:{n}"
        for path in TEMPLATES
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if line.count("{#") > line.count("#}")
    ]
    assert broken == []


def test_no_template_loads_an_asset_from_another_site():
    # scripts, images, frames and stylesheets; a plain link to another site is not an asset
    pattern = re.compile(r"""src=["']?(?:https?:)?//|<link[^>]*href=["']?(?:https?:)?//|url\(["']?(?:https?:)?//""")
    remote = [str(path.relative_to(settings.BASE_DIR)) for path in TEMPLATES if pattern.search(path.read_text())]
    assert remote == []
