"""The points bank: one application over the event store, composed of its capabilities.

The command loop lives in `commands.py`; each capability's commands in a module of its own.
"""

from __future__ import annotations

from pointsbank.commands import Busy, Command, Decision, Outcome, unknown
from pointsbank.domain.goods import Goods
from pointsbank.domain.resident import Resident
from pointsbank.households import HouseholdCommands
from pointsbank.points import PointsCommands
from pointsbank.sharing import SharingCommands
from pointsbank.street import StreetCommands

__all__ = ["Busy", "Command", "Decision", "Outcome", "PointsBank", "unknown"]


class PointsBank(StreetCommands, HouseholdCommands, PointsCommands, SharingCommands):
    name = "PointsBank"
    snapshotting_intervals = {Resident: 100, Goods: 100}  # noqa: RUF012
