"""The step library (``steps.library``) and its two thin binders (``steps.binders``)."""
