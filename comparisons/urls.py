from __future__ import annotations

from django.urls import path

from comparisons import search_views

app_name = "comparisons"
urlpatterns = [
    path("search/", search_views.search, name="search"),
]
