"""Adapters: one protocol, interchangeable targets (in-process reference, DUIS over HTTP)."""
