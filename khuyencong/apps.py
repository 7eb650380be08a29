from django.apps import AppConfig


class KhuyencongConfig(AppConfig):
    name = "khuyencong"
    verbose_name = "Khuyến công"

    def ready(self):
        from khuyencong import security  # noqa: F401  (connects the sign-in receiver)
