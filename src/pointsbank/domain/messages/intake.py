"""Messages for the input policy, request validation and sheet imports (zh-CN, then English)."""

from __future__ import annotations

from pointsbank.domain.messages import Text

TEXTS = {
    "input.code-characters": Text(
        "只能包含字母、数字和 _ . -（收到 {value!r}）。请修改。",
        "May hold only letters A-Z, digits and _ . - (got {value!r}). Change it.",
    ),
    "input.date-format": Text(
        "日期格式不正确（{value!r}）。请写作 YYYY-MM-DD，例如 2026-11-01。",
        "A date must look like 2026-11-01, got {value!r}. Write it as YYYY-MM-DD.",
    ),
    "input.date-not-text": Text(
        "日期应写作 YYYY-MM-DD 文本，例如 2026-11-01。",
        "A date must be text like 2026-11-01, not {type}.",
    ),
    "input.date-range": Text(
        "日期 {day} 超出范围。请填写 {earliest} 至 {latest} 之间的日期。",
        "A date must be between {earliest} and {latest}, got {day}.",
    ),
    "input.empty": Text(
        "不能为空。请填写此项。",
        "Must not be empty. Fill it in.",
    ),
    "input.forbidden-character.multiline": Text(
        "第 {position} 个字符（{code}）是控制字符或无效字符，不能使用。请删除它（常见于从其他软件"
        "复制的文字）。",
        "Character {position} is {code}, a control character or not text. Remove it (it often come"
        "s with text copied from other software).",
    ),
    "input.forbidden-character.single-line": Text(
        "第 {position} 个字符（{code}）不能使用：此项只能填写一行文字，不能含换行、制表符或控制字"
        "符。请删除它。",
        "Character {position} is {code}: this field holds one line of text, without line breaks, t"
        "abs or control characters. Remove it.",
    ),
    "input.moment-format": Text(
        "无法识别的时间（{value!r}）。请写作 2026-11-01T08:00:00+08:00 这样的格式。",
        "Not a moment: {value!r}. Write it like 2026-11-01T08:00:00+08:00.",
    ),
    "input.moment-not-text": Text(
        "时间应写作 ISO 8601 文本，例如 2026-11-01T08:00:00+08:00。",
        "A moment is text like 2026-11-01T08:00:00+08:00.",
    ),
    "input.no-such-day": Text(
        "没有 {value} 这一天。请核对日期。",
        "{value} is not a calendar date. Check the date.",
    ),
    "input.not-text": Text(
        "应为文本（收到的是 {type}）。请填写文字。",
        "Must be text, not {type}. Type it as text.",
    ),
    "input.not-whole": Text(
        "应为整数（收到 {value!r}）。请填写数字。",
        "Must be a whole number, got {value!r}. Give a number.",
    ),
    "input.number-range": Text(
        "须在 {low} 至 {high} 之间。请修改数字。",
        "Must be between {low} and {high}. Change the number.",
    ),
    "input.too-long": Text(
        "最多 {max} 个字符，现有 {length} 个。请删减。",
        "At most {max} characters, got {length}. Shorten it.",
    ),
    "sheet-already-imported": Text(
        "这张表已于 {at} UTC 导入过，本次未作任何更改。",
        "This sheet was already imported at {at} UTC; nothing was applied again.",
    ),
    "sheet-rejected": Text(
        "表格有 {count} 处错误，未导入任何一行。请按每行的提示修改后重新上传。",
        "The sheet has {count} errors; no row was applied. Correct each row as shown and upload ag"
        "ain.",
    ),
    "sheet-too-large": Text(
        "表格超过 {max} 字节。请拆分成几个文件上传。",
        "The sheet is over {max} bytes. Split it into several files.",
    ),
    "sheet-unreadable.columns": Text(
        "表头缺少必需的列：{wanted}。请使用下载的模板。",
        "The header lacks required columns: {wanted}. Use the downloaded template.",
    ),
    "sheet-unreadable.csv": Text(
        "无法读取 CSV 文件（{reason}）。请检查文件，或改为上传 XLSX。",
        "Cannot read the CSV ({reason}). Check the file, or upload XLSX.",
    ),
    "sheet-unreadable.empty": Text(
        "上传的表格是空的。请填写后再上传。",
        "The uploaded sheet is empty. Fill it in and upload again.",
    ),
    "sheet-unreadable.encoding": Text(
        "无法识别 CSV 的编码。请另存为 UTF-8 或 GB18030 编码的 CSV，或上传 XLSX。",
        "The CSV is neither UTF-8 nor GB18030. Save it as UTF-8 CSV, or upload XLSX.",
    ),
    "sheet-unreadable.no-rows": Text(
        "表格只有表头，没有数据行。请填写数据后再上传。",
        "The sheet has a header but no rows. Fill in rows and upload again.",
    ),
    "sheet-unreadable.too-large": Text(
        "表格超过 {mb} MB。请拆分成几个文件上传。",
        "The sheet is over {mb} MB. Split it into several files.",
    ),
    "sheet-unreadable.too-many-rows": Text(
        "一次最多导入 {max} 行。请拆分成几个文件上传。",
        "At most {max} rows at a time. Split the sheet.",
    ),
    "sheet-unreadable.xlsx": Text(
        "无法读取 XLSX 文件（{reason}）。请用 Excel 或 WPS 重新保存后上传。",
        "Cannot read the XLSX file ({reason}). Save it again in Excel or WPS and upload.",
    ),
}
