"""The Service Request bodies in scope, one spec each: domain type, how a scenario builds
it, its DUIS element, its effect on the reference DSP. :mod:`harness.srv.registry` keys them
from ``harness/catalogue/service_requests.yaml``."""
