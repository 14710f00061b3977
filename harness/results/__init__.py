"""One typed reader and writer of scenario results.

The World records how each scenario ended (:mod:`harness.results.outcome`); enrichment folds
that record into the Allure result (:mod:`harness.results.writer`); every reader downstream
(verdicts, JUnit, merge, kill matrix, reports) reads the same frozen :class:`ResultRecord`
(:mod:`harness.results.record`) and never parses messages, exception names or scenario names.
"""
