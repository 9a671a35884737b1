"""Benchmarks that print figures; run as `python -m benchmarks.bench_<topic>`."""
