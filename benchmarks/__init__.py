"""Benchmarks of sopsite on synthetic handbooks (`make bench`, see benchmarks/run.py)."""
