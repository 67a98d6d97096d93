"""Healtheos: a provider portal for health plans."""
