"""The portal's URLs plus one trivial DRF view, for bench/lists.py only (never in the portal's URLconf).

The trivial view sits behind the same authentication (token), permission and throttles as the API: it is
the floor an API list request cannot go under.
"""

from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView


class TrivialView(APIView):
    def get(self, request):
        return Response({"user": request.user.pk})


urlpatterns = [path("bench/trivial/", TrivialView.as_view()), path("", include("khuyencong.urls"))]
