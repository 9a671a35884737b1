"""Messages for the residents' own channel: activation slips and resident sign-in (zh-CN, then
English)."""

from __future__ import annotations

from pointsbank.domain.messages import Text

TEXTS = {
    "invalid-command.activation-code-wrong": Text(
        "激活码不正确。请核对激活单上的激活码，或请社区工作人员重新打印激活单。",
        "The activation code is wrong. Check the code on the slip, or ask staff to print a new "
        "slip.",
    ),
    "invalid-command.activation-code-used": Text(
        "这个激活码已经用过。请直接用手机号登录；忘记密码请社区工作人员重新打印激活单。",
        "This activation code has been used. Sign in with your phone number; if you forgot the "
        "password, ask staff to print a new slip.",
    ),
    "invalid-command.activation-code-expired": Text(
        "这个激活码已过期。请社区工作人员重新打印激活单。",
        "This activation code has expired. Ask staff to print a new slip.",
    ),
    "invalid-command.activation-no-phone": Text(
        "这位居民没有登记手机号，无法激活。请先在居民信息中登记手机号。",
        "This resident has no phone number on record and cannot be activated. Record a phone "
        "number first.",
    ),
    "invalid-command.activation-account-disabled": Text(
        "这个居民账户已停用。请联系社区工作人员。",
        "This resident's account is disabled. Contact community staff.",
    ),
    "invalid-command.activation-passwords-differ": Text(
        "两次输入的密码不一致。请重新输入。",
        "The two passwords differ. Type them again.",
    ),
    "invalid-command.activation-lifetime": Text(
        "激活单的有效期必须大于零。",
        "An activation slip must be valid for some time.",
    ),
}
