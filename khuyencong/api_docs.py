"""The interactive API documentation under the portal's Content-Security-Policy.

Swagger UI is served in drf-spectacular's split form (its start-up script is a separate file, so script-src
stays 'self'); both documentation pages keep a small inline <style> block and Redoc adds styles and a worker
at run time, so these two pages alone allow inline styles (never inline scripts) and blob: workers."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

DOCS_CSP = {"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]}


@method_decorator(csp_update(DOCS_CSP), name="dispatch")
class SwaggerDocsView(SpectacularSwaggerSplitView):
    pass


@method_decorator(csp_update(DOCS_CSP), name="dispatch")
class RedocDocsView(SpectacularRedocView):
    template_name = "khuyencong/api_redoc.html"  # drf-spectacular's, without the web fonts from another host


class SchemaView(SpectacularAPIView):
    """The schema, named in Content-Disposition as RFC 6266 says (`filename*=utf-8''…` for the Vietnamese title),
    not RFC 2047's `=?utf-8?b?…?=`, which Django would otherwise produce and no client decodes."""

    def _get_schema_response(self, request):
        response = super()._get_schema_response(request)
        version = self.api_version or request.version or self._get_version_parameter(request)
        response["Content-Disposition"] = content_disposition_header(False, self._get_filename(request, version))
        return response
