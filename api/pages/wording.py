"""Domain refusals in the words a counter clerk or administrator reads beside a field.

The domain's messages lead with Chinese and add English in brackets; pages show the Chinese
part, and for refusals whose message is English only, a Chinese sentence chosen by the code."""

from __future__ import annotations

import re

from pointsbank.domain.common import DomainError

CJK = re.compile(r"[\u4e00-\u9fff]")
BY_CODE = {
    "insufficient-points": "积分余额不足：请减少物品后再兑换",
    "idempotency-key-reused": "这张表单已提交过别的内容：请刷新页面后重新填写",
    "busy": "系统正忙：请稍后再试一次",
    "not-found": "没有找到：它不存在或不属于本社区",
    "conflict": "已存在同样编码的记录：请换一个编码",
    "forbidden": "您的角色不能做这件事",
}
BY_FIELD = {
    "price": "价格须为 1 到 10000 之间的整数",
    "stock": "库存须为 0 到 100000 之间的整数",
    "household_limit": "每户每月限量须为 0 到 100000 之间的整数（0 表示不限）",
    "quantity": "数量超出范围：请填写合理的整数",
    "points": "积分须为 1 到 1000 之间的整数",
    "code": "编码已存在或不正确：请换一个",
    "reason": "请填写原因",
    "effective_on": "生效日期不能晚于今天",
    "in_force_until": "失效日期不能早于生效日期",
    "mode": "请选择计分方式",
    "overrides": "只能调整积分、上限和审批门槛",
}


def chinese(exc: DomainError) -> str:
    """The refusal in Chinese: the domain's own Chinese words, else by field, else by code."""
    head = re.split(r" \(| / ", exc.detail, maxsplit=1)[0].strip()
    if CJK.search(head) and not re.search(r"[A-Za-z]{3,}", head):
        return head
    field = str(exc.extra.get("field", ""))
    if field in BY_FIELD:
        return BY_FIELD[field]
    if field.startswith("cap_") or field == "approval_above":
        return "上限和审批门槛须为正整数"
    return BY_CODE.get(exc.code, "未能完成：请检查填写的内容后重试")


def errors_of(exc: DomainError, default: str) -> dict[str, str]:
    """The refusal beside the field it names (or beside `default`)."""
    return {str(exc.extra.get("field", default)): chinese(exc)}
