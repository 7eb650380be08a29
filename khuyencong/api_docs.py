"""The interactive API documentation under the portal's Content-Security-Policy.

Swagger UI is served in drf-spectacular's split form (its start-up script is a separate file, so script-src
stays 'self'); both documentation pages keep a small inline <style> block and Redoc adds styles and a worker
at run time, so these two pages alone allow inline styles (never inline scripts) and blob: workers."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

DOCS_CSP = {"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]}


@method_decorator(csp_update(DOCS_CSP), name="dispatch")
class SwaggerDocsView(SpectacularSwaggerSplitView):
    pass


@method_decorator(csp_update(DOCS_CSP), name="dispatch")
class RedocDocsView(SpectacularRedocView):
    template_name = "khuyencong/api_redoc.html"  # drf-spectacular's, without the web fonts from another host
