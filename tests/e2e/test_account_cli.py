"""`pointsbank account …` on both stores: passwords from stdin, refusals that create nothing."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.services import Services
from pointsbank.domain.account import Account
from tests.conftest import event_count
from tests.integration.test_ledger import enrol, setup_street

runner = CliRunner()


@pytest.fixture
def cli_env(services: Services, monkeypatch: pytest.MonkeyPatch) -> Services:
    monkeypatch.setenv("POINTSBANK_DATABASE_URL", services.settings.database_url)
    return services


def run(*args: str, password: str = "a decent passphrase") -> tuple[int, str]:
    result = runner.invoke(app, list(args), input=password + "\n")
    return result.exit_code, result.output


def test_account_create_list_disable_and_reset(cli_env: Services) -> None:
    staff = setup_street(cli_env)
    resident = str(enrol(cli_env, staff))
    code, out = run(
        "account",
        "create",
        "--name",
        "li.na",
        "--role",
        "staff",
        "--community",
        "a",
        "--resident",
        resident,
    )
    assert code == 0, out
    user_id = str(Account.id_for("li.na"))
    assert cli_env.sign_in.sign_in("li.na", "a decent passphrase", "cli", cli_env.now())
    assert run("account", "list")[1].splitlines() == ["li.na\tstaff\ta\tactive"]
    assert run("account", "reset-password", "li.na", password="a fresh temporary one")[0] == 0
    account = cli_env.accounts.find(user_id)
    assert account is not None and account.must_change_password
    assert run("account", "disable", "li.na")[0] == 0
    assert run("account", "list")[1].splitlines() == ["li.na\tstaff\ta\tdisabled"]


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (("--community", "zz"), "a decent passphrase", "没有社区代码为 zz 的社区"),
        (
            ("--community", "a", "--resident", "00000000-0000-0000-0000-000000000000"),
            "a decent passphrase",
            "没有居民",
        ),
        (("--community", "a"), "password1", "太常见"),
        (("--community", "a"), "short", "至少需要 8 个字符"),
    ],
)
def test_invalid_input_is_refused_and_creates_nothing(
    cli_env: Services, args: tuple[str, ...], password: str, message: str
) -> None:
    setup_street(cli_env)
    before = event_count(cli_env)
    code, out = run(
        "account", "create", "--name", "li.na", "--role", "staff", *args, password=password
    )
    assert code == 1 and message in out, out
    assert event_count(cli_env) == before
    assert cli_env.accounts.find(str(Account.id_for("li.na"))) is None


def test_a_duplicate_name_is_refused(cli_env: Services) -> None:
    setup_street(cli_env)
    assert run("account", "create", "--name", "boss", "--role", "admin")[0] == 0
    before = event_count(cli_env)
    code, out = run("account", "create", "--name", "BOSS", "--role", "auditor")
    assert code == 1 and "已被使用" in out
    assert event_count(cli_env) == before


def test_token_create_still_prints_a_working_token(cli_env: Services) -> None:
    setup_street(cli_env)
    code, out = run("token", "create", "--role", "clerk", "--name", "scanner", "--community", "a")
    assert code == 0, out
    actor = cli_env.accounts.authenticate(out.strip())
    assert actor is not None and actor.role.value == "clerk"


def test_the_demo_accounts_sign_in_and_survive_a_rerun(cli_env: Services) -> None:
    from api.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

    code, out = run("demo")
    assert code == 0, out
    assert all(name in out for name, _ in DEMO_ACCOUNTS) and DEMO_PASSWORD in out
    sessions = {
        name: cli_env.sign_in.sign_in(name, DEMO_PASSWORD, "demo", cli_env.now())
        for name, _ in DEMO_ACCOUNTS
    }
    roles = [cli_env.accounts.find(s.user_id).role.value for s in sessions.values()]  # type: ignore[union-attr]
    assert sorted(set(roles)) == ["admin", "auditor", "clerk", "staff"]
    assert roles.count("staff") == 4 and roles.count("clerk") == 2
    before = event_count(cli_env)
    assert run("demo")[0] == 0
    assert event_count(cli_env) == before
    for session in sessions.values():
        assert cli_env.accounts.sessions.resume(session.session_id, cli_env.now()) is not None
