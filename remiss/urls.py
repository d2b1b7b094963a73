"""URL routes: one list per kind of user, plus Django's auth and admin."""

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from remiss.views import accessibility, common, officer, organisation, planning, politician, registrar

urlpatterns = [
    path("admin/", admin.site.urls),
    path("konto/", include("django.contrib.auth.urls")),
    path("api/", include("remiss.api", namespace="api")),
    path("", common.home, name="home"),
    path("halsa/", common.health, name="health"),
    # Browsers ask for /favicon.ico on pages that link no icon (the admin, the API docs).
    path("favicon.ico", RedirectView.as_view(url=static("remiss/favicon.svg"), permanent=True)),
    *accessibility.urlpatterns,
    *registrar.urlpatterns,
    *officer.urlpatterns,
    *politician.urlpatterns,
    *planning.urlpatterns,
    *organisation.urlpatterns,
    path("", include("remiss.views.history")),
    path("", include("remiss.views.exports")),
]
