"""Moved to tests/support/fakebotapi.py; this name stays until every test imports from there."""

from tests.support.fakebotapi import (  # noqa: F401
    JSON,
    TINY_PNG,
    Call,
    EntityParseError,
    FakeBotAPI,
    StoredMessage,
    UploadedFile,
    detect_entities,
    fast_request,
    make_png,
    parse_html,
)
