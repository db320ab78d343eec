from __future__ import annotations
from django.http import HttpResponse
def home(request): return HttpResponse("")
def browse(request): return HttpResponse("")
def asset_detail(request, slug): return HttpResponse("")
def healthz(request): return HttpResponse("")
