"""`{% cached_figures "name" part… %}…{% endcached_figures %}`: a fragment cached by data version.

Like Django's `{% cache %}`, but keyed by the data version the services bump when their writes commit
(khuyencong/cachekeys.py), by the active language, and by the parts given, so a write shows on the next
request and there is no time-out to wait for. Only for fragments whose every input is data that bumps
(projects, money, plans, provinces, activities, periods) or is among the parts: nothing about the user
beyond what the parts say (their scope is in the list's SQL), no CSRF token, no form with errors.
Inside a transaction that wrote and has not committed, it renders afresh and stores nothing; a part that is
None renders it afresh too (the view's way to say a request must not add an entry). Entries are kept
FRAGMENT_CACHE_SECONDS.

`{% cached_reference "name" part… %}` is the same for a fragment drawn from reference data only (provinces,
activity contents, the calendar: cachekeys.reference_cached), such as a filter form's choices: a money
entry leaves it cached, a write of those rows does not.
"""

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe

from khuyencong import cachekeys

register = template.Library()


class CachedFiguresNode(template.Node):
    def __init__(self, nodelist, parts, reference=False):
        self.nodelist = nodelist
        self.parts = parts
        self.reference = reference

    def render(self, context):
        parts = [part.resolve(context) for part in self.parts]
        if any(part is None for part in parts):  # the view said: not this one (e.g. unknown query parameters)
            return self.nodelist.render(context)
        store = cachekeys.reference_cached if self.reference else cachekeys.cached
        html = store(
            ["fragment", *parts], lambda: str(self.nodelist.render(context)), seconds=settings.FRAGMENT_CACHE_SECONDS
        )
        return mark_safe(html)  # noqa: S308 (our own rendered template)


def _node(parser, token, end: str, reference: bool) -> CachedFiguresNode:
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError(f"{token.contents.split()[0]} needs a fragment name")
    nodelist = parser.parse((end,))
    parser.delete_first_token()
    return CachedFiguresNode(nodelist, [parser.compile_filter(bit) for bit in bits], reference=reference)


@register.tag
def cached_figures(parser, token):
    return _node(parser, token, "endcached_figures", reference=False)


@register.tag
def cached_reference(parser, token):
    return _node(parser, token, "endcached_reference", reference=True)
