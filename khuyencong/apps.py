from django.apps import AppConfig


class KhuyencongConfig(AppConfig):
    name = "khuyencong"
    verbose_name = "Khuyến công"

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import pre_save

        from khuyencong import security, text  # noqa: F401  (security connects the sign-in receiver)

        pre_save.connect(text.nfc_before_save, dispatch_uid="khuyencong.text.nfc")
        connection_created.connect(text.register_sqlite_collation, dispatch_uid="khuyencong.text.vi_collation")
