from __future__ import annotations

from django.urls import path

from catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.home, name="home"),
    path("assets/", views.browse, name="browse"),
    path("assets/<slug:slug>/", views.asset_detail, name="asset"),
    path("methodology/", views.methodology, name="methodology"),
    path("healthz", views.healthz, name="healthz"),
]
