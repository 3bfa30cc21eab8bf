"""Benchmarks at scale: the run matrix, the engine (concurrency, rate limits, cancel, resume),
the run store, statistics with bootstrap intervals, A/B verdicts, the article preset, reports.

May import domain/, config, clients/, history/ and generation/ (runs go through generate()).
"""
