"""Tables the rules read: response codes, Service Request variants, requirements."""
