"""The access log never keeps a query string: searches carry phone numbers and names."""

from __future__ import annotations

import logging

from api.logs import ACCESS_LOGGER, DropQueryStrings, install


def test_an_access_line_loses_its_query_string() -> None:
    install()
    install()  # twice is once
    logger = logging.getLogger(ACCESS_LOGGER)
    filters = [f for f in logger.filters if isinstance(f, DropQueryStrings)]
    assert len(filters) == 1
    record = logger.makeRecord(
        ACCESS_LOGGER,
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/residents?q=13912345678", "1.1", 200),
        None,
    )
    assert filters[0].filter(record)
    line = record.getMessage()
    assert "13912345678" not in line and '"GET /residents HTTP/1.1" 200' in line
