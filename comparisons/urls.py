from __future__ import annotations

app_name = "comparisons"
urlpatterns: list = []
