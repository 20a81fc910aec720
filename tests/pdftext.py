"""Moved to tests/support/pdftext.py; this name stays until every test imports from there."""

from tests.support.pdftext import extract  # noqa: F401
