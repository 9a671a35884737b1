"""Opening accounts with passwords and signing in over HTTP, for the accounts tests."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from uuid import UUID

from fastapi.testclient import TestClient

from api.services import Services
from pointsbank.accounts import OPERATOR
from pointsbank.application import Command, Outcome
from pointsbank.credentials import IssuedToken
from pointsbank.domain.common import Actor, Role
from pointsbank.domain.community import Community

PASSWORD = "correct horse battery"


def operator_command(
    services: Services, actor: Actor = OPERATOR, at: datetime | None = None
) -> Command:
    return Command(services.context(actor, at), key=str(uuid.uuid4()), fingerprint="test")


def open_account(
    services: Services,
    name: str,
    role: Role,
    community: str | None = None,
    resident: UUID | None = None,
    password: str = PASSWORD,
) -> Outcome:
    scope = [Community.id_for(community)] if community else []
    outcome = services.accounts.open(
        operator_command(services), name, name, role, scope, resident, password
    )
    services.projector.catch_up()
    return outcome


def issue_token(services: Services, user_id: str, label: str = "test") -> IssuedToken:
    """A fresh API token of the account, made as the account itself makes one."""
    account = services.accounts.find(user_id)
    assert account is not None
    cmd = operator_command(services, services.accounts.actor_of(account))
    body = services.accounts.create_token(cmd, label).body
    return IssuedToken(body["token_id"], user_id, body["token"])


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Sign in through the page; returns the session's CSRF token from the landing page."""
    response = client.post("/ui/login", data={"username": name, "password": password})
    assert response.status_code == 200, response.text
    return csrf_of(client.get("/ui/password").text)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)
