from django.urls import path

from reporting import api

app_name = "api"
urlpatterns = [
    path("ranking", api.ranking, name="ranking"),
    path("trend", api.trend, name="trend"),
    path("targets", api.targets, name="targets"),
    path("units", api.units, name="units"),
    path("projection", api.projection, name="projection"),
    path("openapi.json", api.schema, name="schema"),
]
