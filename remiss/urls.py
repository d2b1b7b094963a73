"""URL routes: one list per kind of user, plus Django's auth and admin."""

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from remiss.auth import views as auth_views
from remiss.views import accessibility, common, officer, organisation, planning, politician, registrar

urlpatterns = [
    path("admin/", admin.site.urls),
    # Login and logout (remiss.auth) ahead of Django's own at the same addresses; the city's
    # identity provider under oidc/ (authenticate/, callback/, logout/).
    path("konto/login/", auth_views.LoginView.as_view(), name="login"),
    path("konto/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("konto/utloggad/", auth_views.logged_out, name="logged_out"),
    path("oidc/", include("mozilla_django_oidc.urls")),
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
    # The administrator's organisation import, under /organisation/import/.
    path("", include("remiss.views.org_import")),
]
