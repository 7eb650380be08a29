import time

from django.conf import settings
from django.utils import translation

from khuyencong import cachekeys
from provinces import selectors as province_selectors


class PortalLanguageMiddleware:
    """Vietnamese unless the user chose English with the switch (stored in the language cookie).

    Unlike Django's LocaleMiddleware it ignores the browser's Accept-Language: officers' browsers
    often ship in English, and the portal must still open in Vietnamese.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class SessionActivityMiddleware:
    """Sessions expire after SESSION_COOKIE_AGE of inactivity, without a database write on every request:
    a signed-in session's expiry is pushed forward at most once every SESSION_REFRESH_SECONDS.

    So inactivity ends a session between AGE − REFRESH and AGE after the last request. Placed after
    SessionMiddleware, so the session is saved (and the cookie renewed) on the way out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.get("_auth_user_id"):
            now = int(time.time())
            if now - session.get("_seen", 0) >= settings.SESSION_REFRESH_SECONDS:
                session["_seen"] = now  # marks the session modified: saved with a fresh expiry
        return response


class ReadOnlyScopeMiddleware:
    """A GET or HEAD request reads each province's family (the province and those merged into it) once:
    a page's sections each narrow to the user's scope, and the project page asked for it three times, two
    queries each. Requests that may write (a merger is recorded by a POST) read it afresh every time."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        with province_selectors.families_remembered():
            return self.get_response(request)


class OneDataVersionMiddleware:
    """Each request reads and stores its cached values at one data version, the one it reads first
    (khuyencong/cachekeys.one_version): a write committed elsewhere halfway through cannot leave a page
    whose parts were cached at two versions, stored under the newer one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with cachekeys.one_version():
            return self.get_response(request)
