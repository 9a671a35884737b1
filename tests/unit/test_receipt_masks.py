"""A receipt shows the resident's name masked unless the counter asks for it in full."""

from __future__ import annotations

from api.pages.counter import mask_phone
from pointsbank.domain.masking import mask_name


def test_names_and_phones_are_masked() -> None:
    names = ["王芳", "李小龙", "欧阳娜娜", "", None]
    assert [mask_name(n) for n in names] == ["王*", "李*龙", "欧**娜", "", ""]
    assert mask_phone("13800001234") == "138****1234"
    assert mask_phone(None) == ""
