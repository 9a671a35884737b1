"""Messages for the counter: goods, baskets and receipts (zh-CN, then English)."""

from __future__ import annotations

from pointsbank.domain.messages import Text

TEXTS = {
    "receipt-cancelled": Text(
        "小票 {number} 已撤销，不能重复撤销。",
        "Receipt {number} is already cancelled; nothing to do.",
    ),
    "forbidden.clerk-cancel-day": Text(
        "柜台只能撤销当天的兑换：小票 {number} 开于 {issued_on}。请社区工作人员注明理由撤销。",
        "A clerk cancels only same-day receipts: receipt {number} was issued on {issued_on}. Ask s"
        "taff to cancel it with a reason.",
    ),
    "forbidden.other-community-goods": Text(
        "只能管理本社区的商品。请选择本社区的商品。",
        "Staff manage only their own community's goods. Choose a goods item of your community.",
    ),
    "goods-withdrawn": Text(
        "{name} 已下架，不能兑换。请从篮中移除。",
        "{name} is withdrawn and cannot be redeemed. Remove it from the basket.",
    ),
    "goods-withdrawn.already": Text(
        "{name} 已下架，无需再次下架。",
        "{name} is already withdrawn; nothing to do.",
    ),
    "invalid-command.basket-empty": Text(
        "购物篮为空。请至少添加一件商品。",
        "The basket is empty. Add at least one item.",
    ),
    "invalid-command.basket-too-long": Text(
        "一次最多兑换 {max} 种商品。请分成几次兑换。",
        "At most {max} kinds of goods at a time. Split the redemption.",
    ),
    "invalid-command.cancel-reason": Text(
        "撤销须注明理由。请填写理由。",
        "A cancellation needs a reason. Give one.",
    ),
    "invalid-command.community-required": Text(
        "须指定社区。请选择一个社区。",
        "community_id is required. Choose a community.",
    ),
    "invalid-command.goods-range": Text(
        "{field} 须在 {low} 到 {high} 之间。请修改。",
        "{field} must be between {low} and {high}. Change it.",
    ),
    "invalid-command.price-unchanged": Text(
        "价格已是 {price} 积分，无需修改。",
        "The price is already {price} points; nothing to change.",
    ),
    "not-found.goods": Text(
        "找不到商品 {goods_id}。请从商品目录中选择。",
        "There is no goods item {goods_id}. Choose goods from the catalogue.",
    ),
    "not-found.receipt": Text(
        "找不到小票 {receipt_id}。请从小票列表中选择。",
        "There is no receipt {receipt_id}. Choose a receipt from the list.",
    ),
    "out-of-stock": Text(
        "{name} 库存不足：只剩 {stock} 件。请减少数量，或补货后再兑换。",
        "Not enough {name} in stock: only {stock} left. Take fewer, or restock first.",
    ),
    "over-household-limit": Text(
        "{name} 每户每月限兑 {limit} 件，本户本月已兑 {taken} 件。请减少数量。",
        "{name} is limited to {limit} a household a month, and {taken} are already taken. Take few"
        "er.",
    ),
}
