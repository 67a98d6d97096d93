"""The project's URLs plus one page with a draft-kept form, for testing session endings
without depending on any particular feature's form."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template import RequestContext, Template
from django.urls import path

from healtheos.urls import urlpatterns as project_urlpatterns

PAGE = Template(
    """{% extends "base.html" %}{% block content %}<h1>Notes</h1>
<div id="he-draft-restored-notice" hidden><p>Restored what you typed.</p></div>
<form method="post" data-he-draft class="usa-form">{% csrf_token %}
<label class="usa-label" for="notes">Notes</label>
<textarea class="usa-textarea" id="notes" name="notes"></textarea>
<button class="usa-button" type="submit">Save</button></form>{% endblock %}"""
)


@login_required
def draft_form(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return HttpResponse(f"saved {len(request.POST.get('notes', ''))} characters")
    return HttpResponse(PAGE.render(RequestContext(request)))


urlpatterns = [path("test/notes/", draft_form), *project_urlpatterns]
