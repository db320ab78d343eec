from __future__ import annotations

from django.urls import path

from comparisons import search_views, views

app_name = "comparisons"
urlpatterns = [
    path("compare/", views.compare, name="compare"),
    # Slugs never contain "-vs-", so the split is unambiguous; a path with two of them names
    # no asset and answers 404.
    path("compare/<slug:a>-vs-<slug:b>/", views.versus, name="versus"),
    path("search/", search_views.search, name="search"),
]
