"""The ``dsp-conformance`` command line."""
