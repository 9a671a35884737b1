"""Messages for request validation: pydantic's error types, out-of-range numbers and
unroutable requests (zh-CN, then English); placeholders are pydantic's `ctx` members."""

from __future__ import annotations

from pointsbank.domain.messages import Text

TEXTS = {
    "http": Text(
        "请求无法处理（{status}）。请检查地址和方法。",
        "The request cannot be handled ({status}: {reason}).",
    ),
    "http-404": Text(
        "找不到这个地址。请检查链接或从导航进入。",
        "Not found. Check the address, or use the navigation.",
    ),
    "http-405": Text(
        "这个地址不支持该请求方法。请检查接口文档。",
        "This address does not allow that method. See the API documentation.",
    ),
    "out-of-range": Text(
        "请求中的数字或日期超出范围。请检查后重新填写。",
        "A number or date in the request is out of range: {reason}.",
    ),
    "validation": Text(
        "字段 {loc}：{msg}",
        "{loc}: {msg}",
    ),
    "validation.bool_parsing": Text(
        "应为 true 或 false。",
        "Must be true or false.",
    ),
    "validation.bool_type": Text(
        "应为 true 或 false。",
        "Must be true or false.",
    ),
    "validation.date_from_datetime_parsing": Text(
        "日期格式不正确。请写作 YYYY-MM-DD，例如 2026-11-01。",
        "Not a date. Write it as YYYY-MM-DD, like 2026-11-01.",
    ),
    "validation.date_parsing": Text(
        "日期格式不正确。请写作 YYYY-MM-DD，例如 2026-11-01。",
        "Not a date. Write it as YYYY-MM-DD, like 2026-11-01.",
    ),
    "validation.datetime_parsing": Text(
        "时间格式不正确。请写作 2026-11-01T08:00:00+08:00 这样的格式。",
        "Not a moment. Write it like 2026-11-01T08:00:00+08:00.",
    ),
    "validation.dict_type": Text(
        "应为对象（JSON 对象）。",
        "Must be an object (a JSON object).",
    ),
    "validation.enum": Text(
        "不是可选的值。请从以下选择：{expected}。",
        "Not one of the choices. Choose one of: {expected}.",
    ),
    "validation.extra_forbidden": Text(
        "不认识这一项。请删除它，并按接口文档填写。",
        "Unknown field. Remove it; see the API documentation.",
    ),
    "validation.float_parsing": Text(
        "应为数字。请填写数字。",
        "Must be a number.",
    ),
    "validation.greater_than": Text(
        "须大于 {gt}。请修改。",
        "Must be greater than {gt}. Change it.",
    ),
    "validation.greater_than_equal": Text(
        "不能小于 {ge}。请修改。",
        "Must be at least {ge}. Change it.",
    ),
    "validation.int_from_float": Text(
        "应为整数，不能带小数。请填写整数。",
        "Must be a whole number without a fraction.",
    ),
    "validation.int_parsing": Text(
        "应为整数。请填写数字。",
        "Must be a whole number. Give a number.",
    ),
    "validation.int_type": Text(
        "应为整数（JSON 数字，不带引号）。请填写整数。",
        "Must be a whole number (a JSON number without quotes).",
    ),
    "validation.json_invalid": Text(
        "请求正文不是有效的 JSON。请检查格式。",
        "The body is not valid JSON ({error}). Check its syntax.",
    ),
    "validation.json_type": Text(
        "请求正文应为 JSON。",
        "The body must be JSON.",
    ),
    "validation.less_than": Text(
        "须小于 {lt}。请修改。",
        "Must be less than {lt}. Change it.",
    ),
    "validation.less_than_equal": Text(
        "不能大于 {le}。请修改。",
        "Must be at most {le}. Change it.",
    ),
    "validation.list_type": Text(
        "应为列表。",
        "Must be a list.",
    ),
    "validation.literal_error": Text(
        "不是可选的值。请从以下选择：{expected}。",
        "Not one of the choices. Choose one of: {expected}.",
    ),
    "validation.missing": Text(
        "缺少此项。请填写。",
        "Field required. Fill it in.",
    ),
    "validation.model_attributes_type": Text(
        "应为对象（JSON 对象）。",
        "Must be an object (a JSON object).",
    ),
    "validation.other": Text(
        "输入无效（{msg}）。请检查后重新填写。",
        "Invalid input ({msg}). Check it and try again.",
    ),
    "validation.string_pattern_mismatch": Text(
        "格式不正确。请只用允许的字符。",
        "Wrong format: it must match {pattern}.",
    ),
    "validation.string_too_long": Text(
        "最多 {max_length} 个字符。请删减。",
        "At most {max_length} characters. Shorten it.",
    ),
    "validation.string_too_short": Text(
        "至少需要 {min_length} 个字符。请补充。",
        "Needs at least {min_length} characters.",
    ),
    "validation.string_type": Text(
        "应为文本。请填写文字。",
        "Must be text. Give it as text.",
    ),
    "validation.too_long": Text(
        "最多 {max_length} 项。请删减。",
        "At most {max_length} items. Remove some.",
    ),
    "validation.too_short": Text(
        "至少需要 {min_length} 项。请补充。",
        "Needs at least {min_length} items.",
    ),
    "validation.uuid_parsing": Text(
        "编号格式不正确，应为 UUID。请从页面上复制编号。",
        "Not a valid UUID. Copy the id from its page.",
    ),
    "validation.uuid_type": Text(
        "编号格式不正确，应为 UUID。",
        "Must be a UUID.",
    ),
    "validation.value_error": Text(
        "输入无效（{msg}）。请检查后重新填写。",
        "Invalid input ({msg}). Check it and try again.",
    ),
}
