"""Reproducible performance measurements (``python benchmarks/run.py``; docs/performance.md)."""
