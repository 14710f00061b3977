"""Fuzzing (``make fuzz``: ``python -m fuzz.run``) and load (``make soak``:
``python -m fuzz.soak``) for the harness's parsers and the served DSP. See
docs/reliability.md."""
