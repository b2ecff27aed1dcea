from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from par_portal import views
from reporting import public_views

admin.site.site_header = _("PAR Portal administration")
admin.site.site_title = _("PAR Portal")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("ping", views.ping, name="ping"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("reports/", include("reporting.urls")),
    path("dashboard/", include("reporting.urls_dashboards")),
    path("api/v1/", include("reporting.urls_api")),
    path("public/<slug:code>/", public_views.province_page, name="public_province"),
    path("", include("indicators.urls")),
]
