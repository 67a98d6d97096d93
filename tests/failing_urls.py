"""The project's URLs plus, under each kind of caller's prefix, a view whose database does
not answer and one that fails otherwise, for testing the server-error answers."""

from __future__ import annotations

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path

from healtheos.urls import handler404, handler500
from healtheos.urls import urlpatterns as project_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


def database_gone(request: HttpRequest) -> HttpResponse:
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [
    *[
        path(f"{prefix}test/database-gone/", database_gone)
        for prefix in ("", "api/v1/", "fhir/r4/", "x12/v1/")
    ],
    path("test/broken/", broken),
    path("api/v1/test/broken/", broken),
    *project_urlpatterns,
]
