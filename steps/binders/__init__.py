"""Thin binders: hand the step library to a runner. No domain logic lives here."""
