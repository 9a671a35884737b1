"""An attacker with DBA rights: drops the append-only triggers and edits the event log by SQL."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from api.services import Services
from pointsbank.store import events_table


class Attacker:
    def __init__(self, services: Services) -> None:
        self.db = services.db
        self.sqlite = services.db.dialect == "sqlite"
        self.table = events_table(services.settings.database_url)
        self.pos = "rowid" if self.sqlite else "notification_id"
        self._drop_guards()

    def _drop_guards(self) -> None:
        if self.sqlite:
            for suffix in ("no_update", "no_delete"):
                self.db.execute(f"DROP TRIGGER IF EXISTS {self.table}_{suffix}")
        else:
            self.db.execute(f"DROP TRIGGER IF EXISTS {self.table}_append_only ON {self.table}")

    def positions(self) -> list[int]:
        rows = self.db.query(f"SELECT {self.pos} AS p FROM {self.table} ORDER BY {self.pos}")
        return [int(r["p"]) for r in rows]

    def row(self, position: int) -> dict[str, Any]:
        found = self.db.query_one(
            f"SELECT originator_id, originator_version, topic, state FROM {self.table} "
            f"WHERE {self.pos} = ?",
            (position,),
        )
        assert found is not None
        return found

    def write(self, position: int, row: dict[str, Any]) -> None:
        self.db.execute(
            f"UPDATE {self.table} SET originator_id = ?, originator_version = ?, topic = ?, "
            f"state = ? WHERE {self.pos} = ?",
            (
                row["originator_id"],
                row["originator_version"],
                row["topic"],
                bytes(row["state"]),
                position,
            ),
        )

    def flip_byte(self, position: int) -> None:
        row = self.row(position)
        state = bytearray(row["state"])
        state[len(state) // 2] ^= 0x01
        self.write(position, {**row, "state": bytes(state)})

    def delete(self, *positions: int) -> None:
        for position in positions:
            self.db.execute(f"DELETE FROM {self.table} WHERE {self.pos} = ?", (position,))

    def insert_forged(self, position: int, like: int) -> None:
        row = self.row(like)
        new_id = uuid4().hex if self.sqlite else str(uuid4())
        self.db.execute(
            f"INSERT INTO {self.table} ({self.pos}, originator_id, originator_version, topic, "
            "state) VALUES (?, ?, ?, ?, ?)",
            (position, new_id, 1, row["topic"], bytes(row["state"])),
        )

    def swap(self, first: int, second: int) -> None:
        a, b = self.row(first), self.row(second)
        self.write(first, {**a, "originator_version": -1})
        self.write(second, a)
        self.write(first, b)
