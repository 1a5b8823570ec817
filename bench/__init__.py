"""Benchmarks that print the figures issues ask for."""
