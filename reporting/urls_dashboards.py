from django.urls import path

from reporting import dashboards

app_name = "dashboards"
urlpatterns = [
    path("", dashboards.ranking, name="ranking"),
    path("trend/", dashboards.trend, name="trend"),
    path("targets/", dashboards.targets, name="targets"),
    path("targets/<int:period_pk>/field/<int:field_pk>/", dashboards.field_detail, name="field"),
    path("units/", dashboards.units, name="units"),
    path("projection/", dashboards.projection, name="projection"),
    path("brief/", dashboards.brief, name="brief"),
]
