"""Domain values: identities, meter points, roles, time intervals, devices, certificates."""
