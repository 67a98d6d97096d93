"""Benchmarks run with ``healtheos bench`` (``make bench``): the production server under load
on this machine, each figure next to a baseline measured in the same run."""
