"""Adjustment codes in words on claim pages."""

from __future__ import annotations

from django import template

from healtheos.claims.codes import CodeText, carc_text, group_text, rarc_text

register = template.Library()


@register.filter
def carc(code: str) -> CodeText:
    return carc_text(code)


@register.filter
def rarc(code: str) -> CodeText:
    return rarc_text(code)


@register.filter
def adjustment_group(code: str) -> str:
    return group_text(code)
