"""Reading the timeline's stored details in templates."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.dateparse import parse_datetime

register = template.Library()


@register.filter
def iso_datetime(value: object) -> dt.datetime | None:
    """A time stored as ISO 8601 text in an event's detail, as a datetime (None if not)."""
    if not isinstance(value, str):
        return None
    try:
        return parse_datetime(value)
    except ValueError:
        return None
