"""Benchmarks of Aimaq's hot paths: one module per path, each with ``main(argv) -> int``.

``python -m bench`` (``make bench``) runs them all; ``python -m bench.<name>`` runs one.
"""
