"""App configuration."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemissConfig(AppConfig):
    name = "remiss"
    verbose_name = _("Remisshantering")
    default_auto_field = "django.db.models.BigAutoField"
