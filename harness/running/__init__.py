"""Running the scenarios: one runner process per profile, results enriched, verdicts read."""
