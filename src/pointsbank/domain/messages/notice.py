"""Messages for the public notice of candidates (公示), objections and findings (zh-CN, English)."""

from __future__ import annotations

from pointsbank.domain.messages import Text

TEXTS = {
    "invalid-command.notice-days": Text(
        "公示期为 1 至 {max} 天。请重新填写天数。",
        "A notice period is 1 to {max} days. Enter the number of days again.",
    ),
    "invalid-command.notice-empty": Text(
        "这一年没有文明家庭候选家庭，无法公示。请先核对年度积分。",
        "There are no civilised-family candidates for this year, so nothing can be published. "
        "Check the year's points first.",
    ),
    "invalid-command.notice-not-listed": Text(
        "这户家庭不在公示名单上。请选择名单上的家庭。",
        "This household is not on the published list. Choose a listed household.",
    ),
    "invalid-command.finding-reason": Text(
        "请写明核查结论的理由。",
        "Write the reason for the finding.",
    ),
    "invalid-command.objection-reason": Text(
        "请写明异议的理由。",
        "Write the reason for the objection.",
    ),
    "conflict.notice-published": Text(
        "{year} 年度的候选名单已经公示过，每年只公示一次。",
        "The candidate list of {year} is already published; a year is published once.",
    ),
    "conflict.notice-period-ended": Text(
        "公示期已结束，不能再提出异议。",
        "The notice period has ended; objections are no longer accepted.",
    ),
    "conflict.notice-period-running": Text(
        "公示期尚未结束，期满后才能定稿。",
        "The notice period is still running; finalise the list once it has ended.",
    ),
    "conflict.notice-open-objections": Text(
        "还有 {count} 条异议没有核查结论。请先逐条核查再定稿。",
        "{count} objection(s) still have no finding. Record a finding for each before finalising.",
    ),
    "conflict.notice-final": Text(
        "{year} 年度的名单已经定稿，不能再更改。",
        "The list of {year} is final and can no longer change.",
    ),
    "conflict.finding-recorded": Text(
        "这条异议已有核查结论，不能重复记录。",
        "This objection already has a finding; it is recorded once.",
    ),
    "conflict.notice-not-final": Text(
        "{year} 年度的候选名单正在公示，尚未定稿。请先定稿再关闭年度。",
        "The candidate list of {year} is still under public notice. Finalise it before "
        "closing the year.",
    ),
    "not-found.notice": Text(
        "没有找到这份公示（{notice_id}）。",
        "No such public notice ({notice_id}).",
    ),
    "not-found.objection": Text(
        "没有找到这条异议（{objection_id}）。",
        "No such objection ({objection_id}).",
    ),
}
