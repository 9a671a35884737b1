"""Given events, when a command, then events or the refusal: needs and offers of neighbours."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

from pointsbank.domain.common import Actor, Conflict, Context, DomainError, Forbidden, Role
from pointsbank.domain.household import Household
from pointsbank.domain.need import Need, NeedState, Offer, OfferState
from pointsbank.domain.resident import Resident
from pointsbank.domain.rule import Category, Rule
from pointsbank.domain.terms import CapExceeded, Terms
from tests.refusals import raises_refusal

COMMUNITY = uuid4()
AT = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
TODAY = date(2026, 11, 22)
STAFF = Context(Actor("staff-1", Role.STAFF, COMMUNITY), AT, TODAY)


def as_resident(resident: Resident) -> Context:
    return Context(Actor(f"user-{resident.id}", Role.RESIDENT, COMMUNITY, resident.id), AT, TODAY)


def given_resident(household: Household | None = None, grid: str = "g1") -> Resident:
    resident = Resident.enrol(uuid4(), COMMUNITY, grid, False, False, date(2026, 1, 1), STAFF)
    if household is not None:
        resident.join_household(household, date(2026, 2, 1), STAFF)
    resident.collect_events()
    return resident


def given_household() -> Household:
    return Household.create(uuid4(), COMMUNITY, "王家", STAFF)


def given_need(poster: Resident, category: str = "repair") -> Need:
    need = Need.post(uuid4(), poster, category, as_resident(poster))
    need.collect_events()
    return need


def test_a_posted_need_carries_ids_category_grid_and_poster_but_no_text() -> None:
    poster = given_resident(grid="g2")
    need = Need.post(uuid4(), poster, "repair", as_resident(poster))
    [event] = need.collect_events()
    assert isinstance(event, Need.Posted)
    assert (event.community_id, event.grid, event.category, event.poster_id) == (
        COMMUNITY,
        "g2",
        "repair",
        poster.id,
    )
    assert event.actor_id == f"user-{poster.id}" and event.occurred_on == TODAY
    assert event.reason == "need posted"  # fixed words: what the resident wrote stays out
    assert need.state == NeedState.OPEN


def test_a_need_of_an_unknown_category_is_refused() -> None:
    poster = given_resident()
    with raises_refusal(DomainError, "invalid-command.sharing-category"):
        Need.post(uuid4(), poster, "gardening", as_resident(poster))


def test_nobody_posts_a_need_for_another_resident() -> None:
    poster, other = given_resident(), given_resident()
    with raises_refusal(Forbidden, "forbidden.sharing-not-poster"):
        Need.post(uuid4(), poster, "repair", as_resident(other))


def test_a_neighbour_takes_an_open_need_then_the_poster_confirms_it_done() -> None:
    poster, helper = given_resident(given_household()), given_resident(given_household())
    need = given_need(poster)
    need.take(helper, poster, as_resident(helper))
    need.confirm(True, as_resident(poster))
    taken, confirmed = need.collect_events()
    assert isinstance(taken, Need.Taken) and taken.helper_id == helper.id
    assert isinstance(confirmed, Need.Closed) and confirmed.state == "done"
    assert need.state == NeedState.DONE and need.helper_id == helper.id


def test_the_poster_may_say_it_was_not_done() -> None:
    poster, helper = given_resident(), given_resident()
    need = given_need(poster)
    need.take(helper, poster, as_resident(helper))
    need.confirm(False, as_resident(poster))
    assert need.state == NeedState.NOT_DONE


def test_only_the_poster_confirms() -> None:
    poster, helper = given_resident(), given_resident()
    need = given_need(poster)
    need.take(helper, poster, as_resident(helper))
    need.collect_events()
    with raises_refusal(Forbidden, "forbidden.sharing-not-poster"):
        need.confirm(True, as_resident(helper))
    assert need.collect_events() == [] and need.state == NeedState.TAKEN


def test_taking_a_need_of_ones_own_household_is_refused() -> None:
    home = given_household()
    poster, relative = given_resident(home), given_resident(home)
    need = given_need(poster)
    with raises_refusal(Forbidden, "forbidden.sharing-own-household"):
        need.take(relative, poster, as_resident(relative))
    assert need.collect_events() == [] and need.state == NeedState.OPEN


def test_taking_ones_own_need_is_refused() -> None:
    poster = given_resident()
    need = given_need(poster)
    with raises_refusal(Forbidden, "forbidden.sharing-own-need"):
        need.take(poster, poster, as_resident(poster))


def test_a_taken_need_cannot_be_taken_again() -> None:
    poster, first, second = given_resident(), given_resident(), given_resident()
    need = given_need(poster)
    need.take(first, poster, as_resident(first))
    with raises_refusal(Conflict, "conflict.sharing-state"):
        need.take(second, poster, as_resident(second))
    assert need.helper_id == first.id


def test_an_open_need_cannot_be_confirmed() -> None:
    poster = given_resident()
    need = given_need(poster)
    with raises_refusal(Conflict, "conflict.sharing-state"):
        need.confirm(True, as_resident(poster))


def test_the_poster_withdraws_and_nobody_can_take_it_then() -> None:
    poster, helper = given_resident(), given_resident()
    need = given_need(poster)
    need.withdraw(as_resident(poster))
    assert need.state == NeedState.WITHDRAWN
    with raises_refusal(Conflict, "conflict.sharing-state"):
        need.take(helper, poster, as_resident(helper))


def test_staff_hide_a_need_only_with_a_reason() -> None:
    poster = given_resident()
    need = given_need(poster)
    with raises_refusal(DomainError, "invalid-command.sharing-hide-reason"):
        need.hide("  ", STAFF)
    need.hide("广告内容", STAFF)
    [hidden] = need.collect_events()
    assert isinstance(hidden, Need.Closed) and hidden.state == "hidden"
    assert (hidden.reason, hidden.actor_role) == ("广告内容", "staff")


def test_an_offer_records_kind_terms_category_and_grid() -> None:
    poster = given_resident(grid="g2")
    offer = Offer.post(uuid4(), poster, "tutoring", "skill", "help", as_resident(poster))
    [event] = offer.collect_events()
    assert isinstance(event, Offer.Posted)
    assert (event.category, event.kind, event.terms, event.grid) == (
        "tutoring",
        "skill",
        "help",
        "g2",
    )
    assert event.poster_id == poster.id and offer.state == OfferState.OPEN


def test_an_offer_of_an_unknown_kind_is_refused() -> None:
    poster = given_resident()
    with raises_refusal(DomainError, "invalid-command.offer-kind"):
        Offer.post(uuid4(), poster, "other", "money", "give", as_resident(poster))


def test_an_offer_is_withdrawn_by_its_poster_or_hidden_by_staff_once() -> None:
    poster, other = given_resident(), given_resident()
    offer = Offer.post(uuid4(), poster, "other", "item", "lend", as_resident(poster))
    with raises_refusal(Forbidden, "forbidden.sharing-not-poster"):
        offer.withdraw(as_resident(other))
    offer.withdraw(as_resident(poster))
    assert offer.state == OfferState.WITHDRAWN
    with raises_refusal(Conflict, "conflict.sharing-state"):
        offer.hide("不当内容", STAFF)


ADMIN = Context(Actor("admin", Role.ADMIN), AT, TODAY)
NEIGHBOUR = Rule.establish(
    "NEIGHBOUR", "邻里互助", Category.NEIGHBOURLY, 3, Terms(cap_month=6), ADMIN
)


def test_confirmed_help_is_proposed_for_approval_even_below_the_rules_threshold() -> None:
    poster, helper = given_resident(), given_resident()
    version = helper.propose_award(NEIGHBOUR, 1, TODAY, "邻里互助", as_resident(poster))
    [event] = helper.collect_events()
    assert isinstance(event, Resident.ApprovalRequested)
    assert (event.kind, event.points, event.actor_role) == ("award", 3, "resident")
    assert helper.is_pending(version) and helper.balance == 0


def test_proposed_help_counts_towards_the_rules_monthly_cap() -> None:
    poster, helper = given_resident(), given_resident()
    for _ in range(2):
        helper.propose_award(NEIGHBOUR, 1, TODAY, "邻里互助", as_resident(poster))
    with raises_refusal(CapExceeded, "cap-exceeded.month"):
        helper.propose_award(NEIGHBOUR, 1, TODAY, "邻里互助", as_resident(poster))


def test_repeated_help_between_the_same_two_residents_is_capped_per_month_by_the_rule() -> None:
    paired = Rule.establish(
        "PAIRED", "邻里互助", Category.NEIGHBOURLY, 3, Terms(cap_pair_month=3), ADMIN
    )
    poster, other, helper = given_resident(), given_resident(), given_resident()
    first = helper.propose_award(paired, 1, TODAY, "邻里互助", as_resident(poster))
    helper.approve(first, paired, STAFF)  # approved help still counts towards the pair's cap
    with raises_refusal(CapExceeded, "cap-exceeded.pair-month"):
        helper.propose_award(paired, 1, TODAY, "邻里互助", as_resident(poster))
    helper.propose_award(paired, 1, TODAY, "邻里互助", as_resident(other))  # another pair
    next_month = date(2026, 12, 1)
    later = Context(as_resident(poster).actor, AT, next_month)
    helper.propose_award(paired, 1, next_month, "邻里互助", later)  # a new month


def test_a_community_override_of_the_pair_cap_applies_to_its_residents() -> None:
    paired = Rule.establish(
        "PAIRED", "邻里互助", Category.NEIGHBOURLY, 3, Terms(cap_pair_month=3), ADMIN
    )
    paired.override(COMMUNITY, {"cap_pair_month": 6}, "本社区放宽", ADMIN)
    poster, helper = given_resident(), given_resident()
    helper.propose_award(paired, 1, TODAY, "邻里互助", as_resident(poster))
    helper.propose_award(paired, 1, TODAY, "邻里互助", as_resident(poster))  # 6: allowed here
    with raises_refusal(CapExceeded, "cap-exceeded.pair-month"):
        helper.propose_award(paired, 1, TODAY, "邻里互助", as_resident(poster))
