"""Healtheos: a provider portal for health plans."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("healtheos")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
