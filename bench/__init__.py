"""Benchmarks (not tests): ``python -m bench --help``. Numbers go to docs/benchmarks.md."""
