"""DUIS 5.4 XML: safe parsing, the XSD, the request/response codec and XML signatures.

The public entry points, one module per job:

- :mod:`harness.duis.safe_xml` ``parse_untrusted`` refuses hostile XML before it costs much;
- :mod:`harness.duis.schema` ``validate`` against the DCC's XSD (found outside the repo);
- :mod:`harness.duis.requests` ``encode_request`` / ``decode_request``;
- :mod:`harness.duis.envelope` ``read_envelope`` reads the header of any DUIS request;
- :mod:`harness.duis.responses` ``encode_response`` / ``decode_response``;
- :mod:`harness.duis.signing` ``sign`` / ``verify`` (enveloped XML-DSig, X509IssuerSerial).

docs/duis.md describes the mapping and its choices.
"""
