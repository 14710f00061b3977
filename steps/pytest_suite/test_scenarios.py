"""Collects every scenario under the features directory as a pytest-bdd test."""

from pytest_bdd import scenarios

from harness.settings import features_dir

scenarios(str(features_dir()))
