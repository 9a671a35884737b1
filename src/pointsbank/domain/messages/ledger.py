"""Messages for points, rules, residents, households, activities and years (zh, en)."""

from __future__ import annotations

from pointsbank.domain.messages import Text

TEXTS = {
    "invalid-command.move-without-household": Text(
        "该居民目前不属于任何家庭。请直接把他加入家庭。",
        "The resident belongs to no household now. Add them to a household instead.",
    ),
    "invalid-command.move-to-same-household": Text(
        "该居民已经是这个家庭的成员，无需迁移。",
        "The resident is already a member of this household; nothing to move.",
    ),
    "conflict.busy": Text(
        "同一记录正被其他同时提交的操作修改，本次未记录任何变更。请稍后重试（可使用同一个"
        " Idempotency-Key）。",
        "The same records were being changed by other requests at the same moment; nothing was "
        "recorded. Please retry (with the same Idempotency-Key).",
    ),
    "cap-exceeded.day": Text(
        "超出每日上限：规则 {rule_code} 每人每日最多 {limit} 分，该居民当日已有 {already} 分，本次"
        " {requested} 分。请减少分数或改日记录。",
        "Over the daily cap of rule {rule_code}: the limit is {limit}, the resident already has {a"
        "lready} that day, this request is {requested}. Give fewer points or another day.",
    ),
    "cap-exceeded.month": Text(
        "超出每月上限：规则 {rule_code} 每人每月最多 {limit} 分，该居民当月已有 {already} 分，本次"
        " {requested} 分。请减少分数。",
        "Over the monthly cap of rule {rule_code}: the limit is {limit}, the resident already has "
        "{already} that month, this request is {requested}. Give fewer points.",
    ),
    "cap-exceeded.year": Text(
        "超出每年上限：规则 {rule_code} 每人每年最多 {limit} 分，该居民当年已有 {already} 分，本次"
        " {requested} 分。请减少分数。",
        "Over the yearly cap of rule {rule_code}: the limit is {limit}, the resident already has {"
        "already} that year, this request is {requested}. Give fewer points.",
    ),
    "conflict.activity-closed": Text(
        "活动「{title}」已结束，不再发放积分。迟到的参加者请单独补录积分。",
        "The activity “{title}” is closed and awards nothing more. Award a late attendee individua"
        "lly.",
    ),
    "conflict.already-erased": Text(
        "该居民的个人信息已删除，无需再次删除。",
        "This resident's personal data is already erased; nothing to do.",
    ),
    "conflict.already-signed-up": Text(
        "该居民已报名，无需重复报名。",
        "The resident is already signed up; nothing to do.",
    ),
    "conflict.community-exists": Text(
        "社区代码 {code} 已存在。请换一个社区代码。",
        "Community {code} already exists. Choose another code.",
    ),
    "conflict.rule-exists": Text(
        "规则 {rule_code} 已存在。请换一个规则代码，或修订现有规则。",
        "Rule {rule_code} already exists. Choose another code, or revise the existing rule.",
    ),
    "conflict.year-already-closed": Text(
        "{year} 年度已关闭，无需再次关闭。",
        "Year {year} is already closed; nothing to do.",
    ),
    "conflict.year-not-closed": Text(
        "{year} 年度未关闭，无需重新开放。",
        "Year {year} is not closed; nothing to reopen.",
    ),
    "forbidden.maker-approves": Text(
        "经办人不能审批自己提交的申请。请由另一位工作人员审批。",
        "The maker may not approve their own request. Ask another staff member to approve it.",
    ),
    "insufficient-points": Text(
        "积分不足：需要 {points} 分，当前余额 {balance} 分，还差 {shortfall} 分。请减少兑换数量。",
        "Not enough points: {points} needed, the balance is {balance}, short by {shortfall}. Take "
        "fewer goods.",
    ),
    "invalid-command.activity-full": Text(
        "名额已满（{capacity} 人）。请增加名额或另行安排。",
        "The activity is full ({capacity}). Raise the capacity or arrange another one.",
    ),
    "invalid-command.already-in-household": Text(
        "该居民已属于一个家庭。请先办理离开原家庭，或使用“迁移”。",
        "The resident already belongs to a household. Leave it first, or move the resident.",
    ),
    "invalid-command.already-reversed": Text(
        "版本 {version} 的记录已经冲销，无需再次冲销。",
        "The entry at version {version} is already reversed; nothing to do.",
    ),
    "invalid-command.capacity": Text(
        "名额须在 1 到 {max} 之间。请修改名额。",
        "The capacity must be between 1 and {max}. Change it.",
    ),
    "invalid-command.correction-range": Text(
        "更正只能减少原记录：这条记录现为 {net} 分，更正后须在 0 到 {original} 之间，而不是 {res"
        "ult}。要多记分请新增一条记录。",
        "A correction may take this {kind} from {net} to between 0 and {original}, not to {result}"
        ". More points need a new award or deduction.",
    ),
    "invalid-command.correction-reason": Text(
        "更正须注明理由。请填写理由。",
        "A correction needs a reason. Give one.",
    ),
    "invalid-command.correction-zero": Text(
        "更正 0 分不会改变任何记录。请填写要更正的分数。",
        "A correction of 0 points changes nothing. Give the points to correct.",
    ),
    "invalid-command.date-before-opening": Text(
        "日期 {day} 早于本街道启用日期（{opened}）。请填写 {opened} 或之后的日期。",
        "The date {day} is before the street opened ({opened}, POINTSBANK_STREET_OPENED_ON). Give "
        "{opened} or a later day.",
    ),
    "invalid-command.date-in-future": Text(
        "日期 {day} 晚于今天（{today}）。请填写今天或更早的日期。",
        "The date {day} is in the future (today is {today}). Give today or an earlier day.",
    ),
    "invalid-command.deduction-reason": Text(
        "扣分须注明理由。请填写理由。",
        "A deduction needs a reason. Give one.",
    ),
    "invalid-command.grid-exists": Text(
        "社区 {community} 已有网格 {code}。请换一个网格代码。",
        "Community {community} already has grid {code}. Choose another grid code.",
    ),
    "invalid-command.grid-unknown": Text(
        "社区 {community} 没有网格 {code}。请从网格列表中选择。",
        "Community {community} has no grid {code}. Choose a grid from the list.",
    ),
    "invalid-command.household-other-community": Text(
        "该家庭属于另一个社区。请选择本社区的家庭。",
        "The household belongs to another community. Choose a household of the resident's communit"
        "y.",
    ),
    "invalid-command.in-force-order": Text(
        "生效起始日期晚于截止日期。请检查两个日期。",
        "in_force_from is after in_force_until. Check both dates.",
    ),
    "invalid-command.joined-before-left": Text(
        "加入日期早于该居民离开上一个家庭的日期。请填写更晚的日期。",
        "joined_on is before the resident left their last household. Give a later day.",
    ),
    "invalid-command.left-before-joined": Text(
        "离开日期须晚于加入日期（{joined}）。请填写更晚的日期。",
        "left_on must be after the day the resident joined ({joined}). Give a later day.",
    ),
    "invalid-command.minutes-needed": Text(
        "规则 {rule_code} 按小时计分。请填写服务分钟数。",
        "Rule {rule_code} counts hours. Give the minutes served.",
    ),
    "invalid-command.minutes-range": Text(
        "服务时长须在 1 到 {max} 分钟之间。请修改服务时长。",
        "Minutes must be between 1 and {max}. Change them.",
    ),
    "invalid-command.minutes-too-few": Text(
        "按每小时 {rate} 分计算，{minutes} 分钟不足 1 分。请核对服务时长。",
        "{minutes} minutes earn no points at {rate} an hour. Check the time served.",
    ),
    "invalid-command.mode-unknown": Text(
        "未知的计分方式 {mode}。请选择“按次”或“按小时”。",
        "Unknown computation mode {mode}. Choose fixed or per_hour.",
    ),
    "invalid-command.not-a-member": Text(
        "该居民不是这个家庭的成员。请刷新家庭成员列表。",
        "The resident is not a member of this household. Reload the members list.",
    ),
    "invalid-command.override-unknown": Text(
        "不能覆盖这些设置：{names}。只能覆盖分值、上限和审批门槛。",
        "These settings cannot be overridden: {names}. Only points, caps and the approval threshol"
        "d can.",
    ),
    "invalid-command.points-range": Text(
        "积分须在 1 到 {max} 之间。请修改分数。",
        "Points must be between 1 and {max}. Change the number.",
    ),
    "invalid-command.quantity-range": Text(
        "数量须在 1 到 {max} 之间。请修改数量。",
        "The quantity must be between 1 and {max}. Change it.",
    ),
    "invalid-command.rejection-reason": Text(
        "驳回须注明理由。请填写理由。",
        "A rejection needs a reason. Give one.",
    ),
    "invalid-command.reopen-reason": Text(
        "重新开放年度须注明理由。请填写理由。",
        "Reopening a year needs a reason. Give one.",
    ),
    "invalid-command.request-rule": Text(
        "规则与该申请的规则不一致。请按申请所用的规则审批。",
        "This is not the request's rule. Approve with the rule the request names.",
    ),
    "invalid-command.revision-in-future": Text(
        "修订不能预先生效：生效日期 {day} 晚于今天（{today}）。请在生效当天再修订。",
        "A revision takes effect when recorded: effective_on {day} is after today ({today}). Revis"
        "e on the day it takes effect.",
    ),
    "invalid-command.rule-already-retired": Text(
        "规则 {rule_code} 已停用，无需再次停用。",
        "Rule {rule_code} is already retired; nothing to do.",
    ),
    "invalid-command.rule-is-deduction": Text(
        "规则 {rule_code} 是扣分规则，不能用于加分。请选择加分规则，或改用“扣分”。",
        "Rule {rule_code} is a deduction rule. Choose an award rule, or record a deduction instead"
        ".",
    ),
    "invalid-command.rule-not-deduction": Text(
        "规则 {rule_code} 不是扣分规则。请选择扣分规则，或改用“加分”。",
        "Rule {rule_code} is not a deduction rule. Choose a deduction rule, or record an award ins"
        "tead.",
    ),
    "invalid-command.rule-not-in-force": Text(
        "规则 {rule_code} 在 {day} 不在有效期内（有效期 {since} 至 {until}）。请核对日期或选择其他"
        "规则。",
        "Rule {rule_code} is not in force on {day} (in force {since} to {until}). Check the date o"
        "r choose another rule.",
    ),
    "invalid-command.rule-points-range": Text(
        "规则分值须在 1 到 1000 之间。请修改分值。",
        "A rule is worth between 1 and 1000 points. Change the points.",
    ),
    "invalid-command.rule-retired": Text(
        "规则 {rule_code} 已停用。请选择一条有效的规则。",
        "Rule {rule_code} is retired. Choose a rule in force.",
    ),
    "invalid-command.terms-points": Text(
        "{name} 须为正数的积分。请修改。",
        "{name} must be a positive number of points. Change it.",
    ),
    "invalid-command.year-not-ended": Text(
        "{year} 年度尚未结束（今天是 {today}）。请在年度结束后再关闭。",
        "Year {year} has not ended yet (today is {today}). Close it after it ends.",
    ),
    "invalid-command.year-range": Text(
        "年度须在 {first} 到 {last} 之间。请修改年度。",
        "The year must be between {first} and {last}. Change it.",
    ),
    "idempotency-key-reused": Text(
        "这个 Idempotency-Key 已用于另一个不同的请求。新的请求请使用新的 Idempotency-Key。",
        "This Idempotency-Key was already used for a different request. Use a new key for a new re"
        "quest.",
    ),
    "idempotency-key-reused.enrolment": Text(
        "这个 Idempotency-Key 已用于登记另一位居民。新的请求请使用新的 Idempotency-Key。",
        "This Idempotency-Key already enrolled a resident with other personal data. Use a new key "
        "for a new request.",
    ),
    "not-found.activity": Text(
        "找不到活动 {activity_id}。请从活动列表中选择。",
        "There is no activity {activity_id}. Choose an activity from the list.",
    ),
    "not-found.community": Text(
        "找不到社区 {community_id}。请从社区列表中选择。",
        "There is no community {community_id}. Choose a community from the list.",
    ),
    "not-found.entry": Text(
        "该居民没有版本 {version} 的加分或扣分记录。请从积分明细中选择要更正的记录。",
        "The resident has no award or deduction at version {version}. Choose the entry from the st"
        "atement.",
    ),
    "not-found.household": Text(
        "找不到家庭 {household_id}。请搜索家庭后重新选择。",
        "There is no household {household_id}. Search for the household and pick again.",
    ),
    "not-found.pending-request": Text(
        "该居民没有版本 {version} 的待审批申请。请刷新审批列表。",
        "The resident has no pending request at version {version}. Reload the approvals list.",
    ),
    "not-found.resident": Text(
        "找不到居民 {resident_id}。请搜索居民后重新选择。",
        "There is no resident {resident_id}. Search for the resident and pick again.",
    ),
    "not-found.rule": Text(
        "找不到规则 {rule_code}。请从规则目录中选择。",
        "There is no rule {rule_code}. Choose a rule from the catalogue.",
    ),
    "year-closed": Text(
        "{year} 年度已关闭，不能再记入或变更影响该年积分的记录（日期 {occurred_on}）。如需更正，请"
        "管理员先重新开放该年度。",
        "Year {year} is closed: {what} dated {occurred_on} would change its figures. Ask an admini"
        "strator to reopen the year first.",
    ),
}
