"""`{% cached_figures "name" part… %}…{% endcached_figures %}`: a fragment cached by data version.

Like Django's `{% cache %}`, but keyed by the data version the services bump when their writes commit
(khuyencong/cachekeys.py), by the active language, and by the parts given, so a write shows on the next
request and there is no time-out to wait for. Only for fragments whose every input is data that bumps
(projects, money, plans, provinces, activities, periods) or is among the parts: nothing about the user
beyond what the parts say (their scope is in the list's SQL), no CSRF token, no form with errors.
Inside a transaction that wrote and has not committed, it renders afresh and stores nothing; a part that is
None renders it afresh too (the view's way to say a request must not add an entry). Entries are kept
FRAGMENT_CACHE_SECONDS.
"""

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe

from khuyencong import cachekeys

register = template.Library()


class CachedFiguresNode(template.Node):
    def __init__(self, nodelist, parts):
        self.nodelist = nodelist
        self.parts = parts

    def render(self, context):
        parts = [part.resolve(context) for part in self.parts]
        if any(part is None for part in parts):  # the view said: not this one (e.g. unknown query parameters)
            return self.nodelist.render(context)
        html = cachekeys.cached(
            ["fragment", *parts], lambda: str(self.nodelist.render(context)), seconds=settings.FRAGMENT_CACHE_SECONDS
        )
        return mark_safe(html)  # noqa: S308 (our own rendered template)


@register.tag
def cached_figures(parser, token):
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("cached_figures needs a fragment name")
    nodelist = parser.parse(("endcached_figures",))
    parser.delete_first_token()
    return CachedFiguresNode(nodelist, [parser.compile_filter(bit) for bit in bits])
