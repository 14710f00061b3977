"""The reference DSP served over HTTP: DUIS endpoints and a test-control API."""
