from django.contrib.auth.backends import ModelBackend

from provinces.models import User


class PortalBackend(ModelBackend):
    """Django's model backend, loading the user's unit and province with the user: every page needs them."""

    def get_user(self, user_id):
        try:
            user = User.objects.select_related("unit__province").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
