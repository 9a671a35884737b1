"""Needs and offers between neighbours: residents post, take and confirm; staff hide.

When a poster confirms a need done, the helper's points are proposed under the catalogue rule
邻里互助 and wait in the staff approvals queue like any other pending award: the rule's caps, the
conflict-of-interest checks and year close apply there, as they do to every award.
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from pointsbank.commands import Command, CommandLoop, Decision, Outcome
from pointsbank.domain.authority import require_disinterested, require_role
from pointsbank.domain.common import DomainError, Forbidden, Role, require
from pointsbank.domain.need import Need, Offer
from pointsbank.domain.resident import Resident
from pointsbank.registry import PostText
from pointsbank.years import require_year_open

NEED_NAMESPACE = uuid5(NAMESPACE_URL, "https://pointsbank.example/need")
OFFER_NAMESPACE = uuid5(NAMESPACE_URL, "https://pointsbank.example/offer")
HELP_RULE = "NEIGHBOUR"  # 邻里互助, one occasion per confirmed need
MAX_TEXT = 200


def check_text(text: PostText) -> None:
    for field, value in (
        ("description", text.description),
        ("when", text.when),
        ("where", text.where),
    ):
        require(
            len(value) <= MAX_TEXT and (field != "description" or bool(value.strip())),
            DomainError("invalid-command.sharing-text", {"max": MAX_TEXT}, field=field),
        )


class SharingCommands(CommandLoop):
    def post_need(self, cmd: Command, category: str, text: PostText) -> Outcome:
        poster = self._acting_resident(cmd)
        need_id = uuid5(NEED_NAMESPACE, f"{cmd.ctx.actor.user_id}\x00{cmd.key}")
        check_text(text)

        def decide() -> Decision:
            need = Need.post(need_id, poster, category, cmd.ctx)
            return [need], 201, {"need_id": str(need_id)}

        return self.execute(cmd, decide, lambda: self.registry.keep_text(need_id, poster.id, text))

    def post_offer(
        self, cmd: Command, category: str, kind: str, terms: str, text: PostText
    ) -> Outcome:
        poster = self._acting_resident(cmd)
        offer_id = uuid5(OFFER_NAMESPACE, f"{cmd.ctx.actor.user_id}\x00{cmd.key}")
        check_text(text)

        def decide() -> Decision:
            offer = Offer.post(offer_id, poster, category, kind, terms, cmd.ctx)
            return [offer], 201, {"offer_id": str(offer_id)}

        return self.execute(cmd, decide, lambda: self.registry.keep_text(offer_id, poster.id, text))

    def take_need(self, cmd: Command, need_id: UUID) -> Outcome:
        def decide() -> Decision:
            helper = self._acting_resident(cmd)
            need = self.load(cmd.ctx.actor, Need, need_id, "need")
            need.take(helper, self.get(Resident, need.poster_id, "resident"), cmd.ctx)
            return [need], 200, _body(need)

        # Neighbours taking the same need take turns: the first takes it, the next is told so.
        return self.execute(cmd, decide, serial=(need_id,))

    def confirm_need(self, cmd: Command, need_id: UUID, done: bool) -> Outcome:
        """The poster says whether it was done; done proposes the helper's points."""

        def decide() -> Decision:
            poster = self._acting_resident(cmd)
            need = self.load(cmd.ctx.actor, Need, need_id, "need")
            need.confirm(done, cmd.ctx)
            if not done or need.helper_id is None:
                return [need], 200, _body(need)
            helper = self.get(Resident, need.helper_id, "resident")
            require_disinterested(cmd.ctx.actor, helper, poster, cmd.ctx.today)
            require_year_open(self, helper.community_id, cmd.ctx.today)
            version = helper.propose_award(
                self.rule(HELP_RULE), 1, cmd.ctx.today, "邻里互助：需求已确认完成", cmd.ctx
            )
            return [need, helper], 200, {**_body(need), "request_version": version}

        return self.execute(cmd, decide)

    def withdraw_need(self, cmd: Command, need_id: UUID) -> Outcome:
        return self._act(cmd, Need, need_id, "need", lambda post: post.withdraw(cmd.ctx))

    def withdraw_offer(self, cmd: Command, offer_id: UUID) -> Outcome:
        return self._act(cmd, Offer, offer_id, "offer", lambda post: post.withdraw(cmd.ctx))

    def hide_post(self, cmd: Command, post_id: UUID, reason: str) -> Outcome:
        """Staff hide an improper need or offer of their community, with a reason."""
        require_role(cmd.ctx.actor, Role.STAFF)
        kind: type[Need] | type[Offer] = Need if self.find(Need, post_id) else Offer
        what = "need" if kind is Need else "offer"
        return self._act(cmd, kind, post_id, what, lambda post: post.hide(reason, cmd.ctx))

    def _act(
        self, cmd: Command, kind: type[Need] | type[Offer], post_id: UUID, what: str, act: object
    ) -> Outcome:
        def decide() -> Decision:
            post = self.load(cmd.ctx.actor, kind, post_id, what)
            act(post)  # type: ignore[operator]
            return [post], 200, {f"{what}_id": str(post_id), "state": post.state.value}

        return self.execute(cmd, decide)

    def _acting_resident(self, cmd: Command) -> Resident:
        actor = cmd.ctx.actor
        require_role(actor, Role.RESIDENT)
        resident = self.actor_resident(actor)
        require(resident is not None, Forbidden("forbidden.sharing-not-poster"))
        assert resident is not None
        return resident


def _body(need: Need) -> dict[str, object]:
    return {"need_id": str(need.id), "state": need.state.value}
