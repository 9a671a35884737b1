"""Assert a refusal by its catalogue key (its problem code and variant), not by its words,
which are translated."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from pointsbank.domain.messages import CATALOGUE


@contextmanager
def raises_refusal(kind: type[Exception], key: str) -> Iterator[pytest.ExceptionInfo[Any]]:
    """Like `pytest.raises(kind)`, and the refusal names the message `key`."""
    assert key in CATALOGUE, key
    with pytest.raises(kind) as caught:
        yield caught
    found = getattr(caught.value, "key", None)
    assert found == key, f"refused with {found}, not {key}"
