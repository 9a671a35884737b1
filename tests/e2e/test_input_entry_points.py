"""The same input policy at the other entry points, on both stores: sheet imports refuse a cell
row by row for the reasons the API refuses a field, and the command line refuses bad text."""

from __future__ import annotations

from typing import Any

from typer.testing import CliRunner

from api.cli import app
from api.services import Services
from tests.conftest import event_count
from tests.e2e.test_earning_api import as_csv, upload
from tests.e2e.test_earning_api import street as earning_street
from tests.street import Street

street = earning_street


def test_a_sheet_cell_is_held_to_the_input_policy_row_by_row(
    street: Street, services: Services
) -> None:
    resident = street.enrol()
    rows: list[list[Any]] = [
        [resident, "VOL", "2026-11-01", 1, "", "扫雪"],
        [resident, "VOL", "2026-11-01", 1, "", "扫雪\x00"],
        [resident, "VOL", "2026-11-01", 1, "", "记" * 501],
        [resident, "V OL", "2026-11-01", 1, "", ""],
        [resident, "VOL", "0", 1, "", ""],
        [resident, "VOL", "1999-12-31", 1, "", ""],
        [resident, "VOL", "2026-11-01", "1.5", "", ""],
        [resident, "VOL", "2026-11-01", "１", "", ""],
        [resident, "HOUR", "2026-11-01", "", "1e3", ""],
        [resident, "VOL", "2019-12-31", 1, "", ""],
    ]
    before = event_count(services)
    refused = upload(street, as_csv(rows), "十一月.csv")
    assert refused.status_code == 422, refused.text
    report = [(e["row"], e["field"]) for e in refused.json()["errors"]]
    assert report == [
        (3, "note"), (4, "note"), (5, "rule_code"), (6, "occurred_on"), (7, "occurred_on"),
        (8, "quantity"), (9, "quantity"), (10, "minutes"), (11, "occurred_on"),
    ]  # fmt: skip
    assert "U+0000" in refused.json()["errors"][0]["message"]
    assert event_count(services) == before


def test_sheet_text_is_stored_nfc_and_trimmed(street: Street) -> None:
    resident = street.enrol()
    rows: list[list[Any]] = [[resident, " VOL ", " 2026-11-01 ", " 2 ", "", " Jose\u0301 扫雪 "]]
    applied = upload(street, as_csv(rows), "十一月.csv")
    assert applied.status_code == 201, applied.text
    entries = street.ok("GET", f"/residents/{resident}/statement", "staff_a")["entries"]
    assert [(e["reason"], e["points"]) for e in entries] == [("José 扫雪", 20)]


def test_the_command_line_refuses_control_characters_in_names(
    services: Services, database_url: str
) -> None:
    runner = CliRunner()
    env = {"POINTSBANK_DATABASE_URL": database_url}
    refused = runner.invoke(
        app, ["token", "create", "--role", "admin", "--name", "zhang\x07wei"], env=env
    )
    assert refused.exit_code == 2 and "U+0007" in refused.output
    code = runner.invoke(
        app, ["token", "create", "--role", "staff", "--name", "li", "--community", "a\x00"], env=env
    )
    assert code.exit_code == 2 and "U+0000" in code.output
    created = runner.invoke(
        app, ["token", "create", "--role", "admin", "--name", " Zhang.Wei "], env=env
    )
    assert created.exit_code == 0, created.output
    services.projector.catch_up()
    names = [row["name"] for row in services.db.query("SELECT name FROM accounts", ())]
    assert names == ["zhang.wei"]  # user names compare case-insensitively, kept in lower case
