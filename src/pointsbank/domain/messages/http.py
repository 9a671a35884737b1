"""Messages for keys, readiness, audit signing and other HTTP-level refusals (zh, en)."""

from __future__ import annotations

from pointsbank.domain.messages import Text

TEXTS = {
    "conflict.chain-broken": Text(
        "链校验在第 {position} 条事件处失败（{failure}），拒绝签名。请先运行审计校验并排查。",
        "The chain fails at {position} ({failure}); nothing was signed. Run the audit check and in"
        "vestigate first.",
    ),
    "idempotency-key-invalid": Text(
        "Idempotency-Key 超过 {max} 个字符。请使用更短的键（例如 UUID）。",
        "Idempotency-Key is over {max} characters. Use a shorter key, such as a UUID.",
    ),
    "idempotency-key-missing": Text(
        "缺少 Idempotency-Key 请求头。请为每个新请求附上一个唯一的 Idempotency-Key。",
        "The Idempotency-Key header is required. Send a unique key with each new request.",
    ),
    "invalid-command.no-signing-key": Text(
        "未配置签名密钥。请运行 `pointsbank audit keygen` 并设置 POINTSBANK_SIGNING_KEY。",
        "No signing key. Run `pointsbank audit keygen` and set POINTSBANK_SIGNING_KEY.",
    ),
    "invalid-command.position-not-chained": Text(
        "第 {position} 条事件不在链上。请填写链上的位置。",
        "Position {position} is not chained. Give a chained position.",
    ),
    "invalid-command.position-or-at": Text(
        "请只填写位置或时间中的一个，不要同时填写。",
        "Give either position or at, not both.",
    ),
    "not-found.position": Text(
        "链上没有第 {position} 条事件。请核对位置。",
        "There is no chained event at position {position}. Check the position.",
    ),
    "not-ready": Text(
        "读取模型无法继续更新：{problem}。请联系系统管理员。",
        "The read models are stuck: {problem}. Tell the system administrator.",
    ),
    "not-ready.lagging": Text(
        "读取模型落后：{events} 条事件未更新，最早的已等待 {seconds} 秒。请稍后重试。",
        "The read models lag: {events} event(s) wait, the oldest for {seconds} s. Retry later.",
    ),
    "not-ready.store": Text(
        "数据库没有响应（{reason}）。请稍后重试，或联系系统管理员。",
        "The store does not answer ({reason}). Retry later, or tell the system administrator.",
    ),
    "read-models-behind": Text(
        "变更已记录，但列表暂未更新（第 {position} 条事件）。请稍后刷新页面。",
        "The change is recorded, but event {position} was not projected in time. Reload shortly.",
    ),
    "read-models-behind.failed": Text(
        "变更已记录，但读取模型无法更新：{problem}。请联系系统管理员。",
        "The change is recorded, but the read models cannot show it: {problem}. Tell the system ad"
        "ministrator.",
    ),
}
