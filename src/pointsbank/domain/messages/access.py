"""Messages for accounts, passwords, signing in, roles and CSRF (zh-CN, then English)."""

from __future__ import annotations

from pointsbank.domain.messages import Text

TEXTS = {
    "auditor-read-only": Text(
        "审计员只能查看，不能修改任何记录。如需变更，请联系社区工作人员或管理员。",
        "The auditor role can read everything and change nothing. Ask staff or an administrator.",
    ),
    "conflict.user-name-taken": Text(
        "用户名 {name} 已被使用。请换一个用户名。",
        "The user name {name} is already taken. Choose another one.",
    ),
    "csrf.cross-origin": Text(
        "拒绝跨源请求。请从本系统的页面提交。",
        "Cross-origin request refused. Submit from this product's own pages.",
    ),
    "csrf.cross-site": Text(
        "拒绝跨站请求（Sec-Fetch-Site: {site}）。请从本系统的页面提交。",
        "Cross-site request refused (Sec-Fetch-Site: {site}). Submit from this product's own pages"
        ".",
    ),
    "csrf.token": Text(
        "表单校验码缺失或已失效。请刷新页面后重新提交。",
        "The CSRF token is missing or wrong. Reload the page and submit again.",
    ),
    "forbidden.manage-accounts": Text(
        "只有管理员和社区工作人员可以管理账户。",
        "Only administrators and community staff manage accounts.",
    ),
    "forbidden.other-community": Text(
        "只能在本社区内操作。请选择本社区的记录。",
        "You act only inside your own community. Choose a record of your community.",
    ),
    "forbidden.other-community-annual": Text(
        "只能查看本社区的年度积分。请选择本社区。",
        "You may only read your own community's annual points. Choose your community.",
    ),
    "forbidden.own-household": Text(
        "不能为本户成员（记录当日或现在）记分或审批。请由另一位工作人员办理。",
        "You may not act on the points of your own household (as it was on the entry's date or as "
        "it is now). Ask another staff member.",
    ),
    "forbidden.own-household-membership": Text(
        "不能变更本户的家庭成员。请由另一位工作人员办理。",
        "You may not change the membership of your own household. Ask another staff member.",
    ),
    "forbidden.resident-api": Text(
        "居民账户不能使用这部分功能。",
        "Residents may not use this part of the API.",
    ),
    "forbidden.role": Text(
        "当前角色（{role}）无权执行此操作，需要以下角色之一：{allowed}。请用有权限的账户登录。",
        "Your role ({role}) may not do this; it needs one of: {allowed}. Sign in with an account t"
        "hat may.",
    ),
    "forbidden.self": Text(
        "不能为本人记分或审批。请由另一位工作人员办理。",
        "You may not act on points for yourself. Ask another staff member.",
    ),
    "invalid-command.account-already-disabled": Text(
        "账户已经停用，无需再次停用。",
        "The account is already disabled; nothing to do.",
    ),
    "invalid-command.account-name-unknown": Text(
        "没有用户名为 {name} 的账户。请检查用户名。",
        "There is no account named {name}. Check the user name.",
    ),
    "invalid-command.account-not-disabled": Text(
        "账户未停用，无需启用。",
        "The account is not disabled; nothing to re-enable.",
    ),
    "invalid-command.account-resident-unknown": Text(
        "该社区没有居民 {resident_id}。请选择本社区的居民。",
        "The account's community has no resident {resident_id}. Choose a resident of that communit"
        "y.",
    ),
    "invalid-command.community-code-unknown": Text(
        "没有社区代码为 {code} 的社区。请检查社区代码。",
        "There is no community with the code {code}. Check the code.",
    ),
    "invalid-command.current-password-wrong": Text(
        "当前密码不正确。请重新输入当前密码。",
        "The current password is wrong. Enter your current password again.",
    ),
    "invalid-command.disable-self": Text(
        "不能停用自己的账户。请让另一位管理员操作。",
        "You may not disable your own account. Ask another administrator.",
    ),
    "invalid-command.display-name": Text(
        "姓名须为 1 到 {max} 个字符。请修改姓名。",
        "A display name is 1 to {max} characters. Change the name.",
    ),
    "invalid-command.password-not-yours": Text(
        "只有本人可以修改密码。管理员请使用“重置密码”。",
        "Only the account's holder changes its password. Administrators reset it instead.",
    ),
    "invalid-command.password-unchanged": Text(
        "新密码不能与当前密码相同。请另设一个新密码。",
        "The new password is the same as the current one. Choose a different password.",
    ),
    "invalid-command.resident-account-unlinked": Text(
        "居民账户须关联居民编号。请选择该账户对应的居民。",
        "A resident's account must be linked to its resident. Choose the resident.",
    ),
    "invalid-command.resident-id-format": Text(
        "居民编号格式不正确。请从居民页面复制编号。",
        "The resident id is malformed. Copy it from the resident's page.",
    ),
    "invalid-command.resident-id-not-uuid": Text(
        "居民编号 {value} 格式不正确，应为 UUID。请从居民页面复制编号。",
        "The resident id {value} is not a UUID. Copy it from the resident's page.",
    ),
    "invalid-command.resident-own-community": Text(
        "居民账户只能服务于其居住的社区。请选择该居民所在的社区。",
        "A resident's account serves only the resident's own community. Choose that community.",
    ),
    "invalid-command.role-needs-community": Text(
        "{role} 账户须属于一个社区。请选择一个社区。",
        "A {role} account serves exactly one community. Choose one community.",
    ),
    "invalid-command.role-street-wide": Text(
        "{role} 账户服务全街道，不能选社区。请清除社区。",
        "A {role} account serves the whole street. Leave the community empty.",
    ),
    "invalid-command.role-unchanged": Text(
        "账户已是这个角色和社区，无需变更。",
        "The account already has this role and community; nothing to change.",
    ),
    "invalid-command.role-unknown": Text(
        "未知的角色。请从列表中选择角色。",
        "Unknown role. Choose a role from the list.",
    ),
    "invalid-command.token-label": Text(
        "令牌用途须为 1 到 {max} 个可见字符。请填写这个令牌的用途。",
        "A token's label must be 1 to {max} visible characters. Say what the token is for.",
    ),
    "invalid-command.token-expiry": Text(
        "过期时间须为将来的时间并带时区，例如 2027-01-01T00:00:00+08:00。请修改过期时间。",
        "expires_at must be a future time with a zone, like 2027-01-01T00:00:00+08:00.",
    ),
    "forbidden.page-role": Text(
        "您的角色不能使用这个页面。请从导航中选择您可以使用的页面。",
        "Your role may not use this page. Choose a page from the navigation.",
    ),
    "invalid-command.user-name": Text(
        "用户名须为 1 到 {max} 个字母、数字或 . _ - @。请修改用户名。",
        "A user name is 1 to {max} letters, digits or . _ - @. Change the user name.",
    ),
    "locked-out": Text(
        "登录失败次数过多，已暂时锁定。请 {minutes} 分钟后再试。",
        "Too many failed sign-ins; signing in is locked. Try again in {minutes} minutes.",
    ),
    "not-found.account": Text(
        "找不到账户 {account_id}。请从账户列表中重新选择。",
        "There is no account {account_id}. Pick the account again from the list.",
    ),
    "not-found.community-code": Text(
        "找不到这个社区。请检查社区代码。",
        "There is no such community. Check the community code.",
    ),
    "not-found.token": Text(
        "找不到令牌 {token_id}。请从令牌列表中重新选择。",
        "There is no token {token_id}. Pick it again from the list.",
    ),
    "password-change-required": Text(
        "请先修改密码，然后再继续操作。",
        "Change your password first, then carry on.",
    ),
    "sign-in-failed": Text(
        "用户名或密码不正确。请检查后重试。",
        "The user name or password is wrong. Check them and try again.",
    ),
    "unauthenticated": Text(
        "尚未登录。请先登录，或在请求中附上有效的令牌（Bearer）。",
        "You are not signed in. Sign in, or send a valid bearer token.",
    ),
    "weak-password.common": Text(
        "这个密码太常见或包含用户名。请换一个不易猜到的密码。",
        "This password is too common or contains the user name. Choose one that is hard to guess.",
    ),
    "weak-password.not-text": Text(
        "密码含有无法识别的字符。请只用可以输入的字符。",
        "The password holds characters that are not text. Use characters you can type.",
    ),
    "weak-password.too-long": Text(
        "密码不能超过 {max} 个字符。请设置短一些的密码。",
        "A password may have at most {max} characters. Choose a shorter one.",
    ),
    "weak-password.too-short": Text(
        "密码至少需要 {min} 个字符。请设置更长的密码。",
        "A password needs at least {min} characters. Choose a longer one.",
    ),
}
