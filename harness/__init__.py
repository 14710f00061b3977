"""Conformance test harness for the DCC's Service Request validation."""

__version__ = "0.1.0"
