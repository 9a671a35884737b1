"""Messages for needs and offers between neighbours (互帮互助) (zh-CN, then English)."""

from __future__ import annotations

from pointsbank.domain.messages import Text

TEXTS = {
    "invalid-command.sharing-category": Text(
        "请选择一个类别：维修、代购、陪护、助老、家教或其他。",
        "Pick a category: repair, errand, care, elderly help, tutoring or other.",
    ),
    "invalid-command.offer-kind": Text(
        "请选择提供的是技能还是闲置物品。", "Say whether you offer a skill or an idle item."
    ),
    "invalid-command.offer-terms": Text("请选择借用、赠送或帮忙。", "Pick lend, give or help."),
    "invalid-command.sharing-text": Text(
        "请填写说明（不超过 {max} 个字）。", "Write a description (at most {max} characters)."
    ),
    "invalid-command.sharing-hide-reason": Text(
        "请填写隐藏的原因。", "Give the reason for hiding the post."
    ),
    "forbidden.sharing-not-poster": Text(
        "只有发布人本人可以这样做。", "Only the resident who posted it may do this."
    ),
    "forbidden.sharing-own-need": Text("不能接自己发布的需求。", "You cannot take your own need."),
    "forbidden.sharing-own-household": Text(
        "不能接本户家人发布的需求：同户互助不计积分。",
        "You cannot take a need of your own household: help within a household earns nothing.",
    ),
    "conflict.sharing-state": Text(
        "这条信息的状态已经变了，请刷新后再看。",
        "This post has changed state; reload and look again.",
    ),
    "cap-exceeded.pair-month": Text(
        "超出每月上限：规则 {rule_code} 同一位邻居每月最多为同一人确认 {limit} 分，"
        "本月已有 {already} 分，本次 {requested} 分。",
        "Over the monthly cap of rule {rule_code} between the same two residents: the limit is "
        "{limit}, {already} already this month, this request is {requested}.",
    ),
    "not-found.need": Text("找不到这条需求 {need_id}。", "There is no need {need_id}."),
    "not-found.offer": Text("找不到这条服务 {offer_id}。", "There is no offer {offer_id}."),
}
