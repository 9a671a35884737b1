"""How a person's name is shown where others may read it (a receipt, a public notice): 张*华."""

from __future__ import annotations


def mask_name(name: str | None) -> str:
    """The first and last character kept, the rest starred: 王* for two, 李*龙, 欧**娜."""
    if not name:
        return ""
    if len(name) <= 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
