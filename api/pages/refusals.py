"""Domain refusals as the Chinese sentence a page shows beside the field they concern.

The domain's messages are being translated at their raise sites; until then a page keeps the
Chinese half of a bilingual message, or says in Chinese what the field needs.
"""

from __future__ import annotations

import re

from pointsbank.domain.common import DomainError

HAN = re.compile(r"[\u4e00-\u9fff]")
SPANS = {"day": "今日", "month": "本月", "year": "本年"}
FIELDS = {
    "minutes": "请填写服务时长（1 到 1440 分钟），且时长须够计 1 分",
    "quantity": "次数须在 1 到 1000 之间",
    "occurred_on": "日期不能晚于今天，也不能早于本街道启用日期",
    "held_on": "活动日期不能晚于今天",
    "points": "积分数不对：更正只能减少原记录，且不能为 0",
    "reason": "请填写原因",
    "rule_code": "请选择有效的规则",
    "capacity": "名额已满或名额不对（1 到 10000）",
}


def zh(exc: DomainError) -> str:
    """The refusal in Chinese: a cap with its figures, else the Chinese part or the field's need."""
    if exc.code == "cap-exceeded":
        e = exc.extra
        span = SPANS.get(str(e.get("cap")), "本期")
        return (
            f"超出{span}上限：规则 {e.get('rule_code')} {span}上限 {e.get('limit')} 分，"
            f"该居民{span}已有 {e.get('already')} 分，本次 {e.get('requested')} 分"
        )
    chinese = exc.detail.split(" / ")[0]
    if HAN.search(chinese) and not re.search(r"[a-z]{3,}", chinese):
        return chinese
    field = str(exc.extra.get("field", ""))
    if field in FIELDS:
        return FIELDS[field]
    if exc.status == 403:
        return "您无权进行此操作（不能为本人或本户加分、审批本人提交的申请，且只能在本社区操作）"
    if exc.status == 404:
        return "没有找到该记录，请刷新后重试"
    return "未能完成，请检查填写的内容后重试"
