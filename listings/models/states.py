"""The state machines of listings and applications: every legal move, written once.

Models derive their move methods from these (`application.make_offer(by=...)`),
services look moves up here, and forms take their choices from here."""

from __future__ import annotations

from labjobs.states import LAB, MODERATOR, STUDENT, SYSTEM, Move, StateMachine

from .choices import IN_PROCESS, ApplicationStatus, ListingStatus

L = ListingStatus
LISTING_MOVES = StateMachine(
    Move("submit", frozenset({L.DRAFT, L.REJECTED}), L.PENDING, "submit", LAB),
    Move("publish_trusted", frozenset({L.DRAFT, L.REJECTED}), L.PUBLISHED, "publish", LAB),
    Move("withdraw_submission", frozenset({L.PENDING}), L.DRAFT, "withdraw", LAB),
    Move("approve", frozenset({L.PENDING}), L.PUBLISHED, "approve", MODERATOR),
    Move("reject", frozenset({L.PENDING}), L.REJECTED, "reject", MODERATOR, needs_reason=True),
    Move("close", frozenset({L.PUBLISHED}), L.CLOSED, "close", LAB, needs_reason=True),
    Move("expire", frozenset({L.PUBLISHED}), L.EXPIRED, "expire", SYSTEM),
    Move("renew", frozenset({L.PUBLISHED, L.EXPIRED}), L.PUBLISHED, "renew", LAB),
)

A = ApplicationStatus
APPLICATION_MOVES = StateMachine(
    Move("submit", frozenset({A.SAVED}), A.SUBMITTED, "submit", STUDENT),
    Move("start_review", frozenset({A.SUBMITTED}), A.REVIEWING, "review", LAB, "Under review"),
    Move(
        "invite_to_interview", frozenset({A.SUBMITTED, A.REVIEWING}), A.INTERVIEW,
        "invite to interview", LAB, "Invite to interview",
    ),
    Move(
        "make_offer", frozenset({A.SUBMITTED, A.REVIEWING, A.INTERVIEW}), A.OFFER,
        "make an offer on", LAB, "Make an offer",
    ),
    Move("accept_offer", frozenset({A.OFFER}), A.ACCEPTED, "accept", STUDENT),
    Move("decline_offer", frozenset({A.OFFER}), A.DECLINED, "decline", STUDENT),
    Move(
        "mark_not_selected", IN_PROCESS, A.NOT_SELECTED, "mark as not selected", LAB,
        "Not selected",
    ),
    Move("withdraw", IN_PROCESS, A.WITHDRAWN, "withdraw", STUDENT),
)  # fmt: skip
del L, A
