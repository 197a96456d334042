"""State machines, written once per model: the legal moves (`StateMachine`), and the
abstract model whose `status` changes only through them (`StatefulModel`: one
conditional UPDATE and an event row per move, methods and properties derived)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from labjobs.errors import IllegalTransition

# Who makes a move: the lab's staff, the student, a moderator, or the scheduled jobs.
LAB, STUDENT, MODERATOR, SYSTEM = "lab", "student", "moderator", "system"


@dataclass(frozen=True)
class Move:
    name: str  # the model method: listing.approve(...)
    sources: frozenset[str]
    target: str
    verb: str  # for messages: "Cannot approve a listing that is draft"
    actor: str
    label: str = ""  # for forms that offer the move
    needs_reason: bool = False


class StateMachine:
    def __init__(self, *moves: Move):
        self._moves = {move.name: move for move in moves}

    def __getitem__(self, name: str) -> Move:
        return self._moves[name]

    def __iter__(self) -> Iterator[Move]:
        return iter(self._moves.values())

    def names(self, actor: str) -> frozenset[str]:
        return frozenset(move.name for move in self if move.actor == actor)

    def choices(self, actor: str) -> list[tuple[str, str]]:
        """(name, label) of the moves `actor` makes, for a form's select."""
        return [(move.name, move.label or move.verb) for move in self if move.actor == actor]


def _state_check(status: str) -> property:
    return property(lambda self: self.status == status, doc=f"In state {status!r}.")


def _move_check(move: Move) -> property:
    return property(lambda self: self.status in move.sources, doc=f"May {move.verb} now.")


def _derived_move(move: Move):
    def make_move(self, *, by=None, reason: str = "") -> None:
        self._move(move.name, by=by, reason=reason)

    make_move.__name__ = move.name
    make_move.__doc__ = f"Move to '{move.target}' (the {move.actor}'s move), recorded as an event."
    return make_move


class StatefulModel(models.Model):
    """A model with a `status` field whose changes are the moves of `machine`.

    Every move gets a method of its name, `(by=..., reason=...)`, unless the model
    writes its own (for moves that change more than the status), and a property
    `can_<move>`; every state gets a property `is_<state>`. Templates and views ask
    those (`listing.is_published`, `listing.can_renew`), never compare strings. Each move is one
    conditional UPDATE (`WHERE status = <the state we saw>`) plus an event row, in
    one transaction: two moderators clicking at once give one decision and one clear
    error, never two events.
    """

    machine: StateMachine = StateMachine()
    Status: type[models.TextChoices]
    event_parent_field: str = ""  # the event model's foreign key to this model

    class Meta:
        abstract = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for move in cls.machine:
            if not hasattr(cls, move.name):
                setattr(cls, move.name, _derived_move(move))
            if not hasattr(cls, f"can_{move.name}"):
                setattr(cls, f"can_{move.name}", _move_check(move))
        for status in getattr(cls, "Status", ()):
            if not hasattr(cls, f"is_{status}"):
                setattr(cls, f"is_{status}", _state_check(status))

    def event_model(self) -> type[models.Model]:
        return self._meta.get_field("events").related_model

    def record(self, *, by, reason: str) -> None:
        """An event for a change that is not a move (created, edited, joined)."""
        self.event_model()._default_manager.create(
            **{self.event_parent_field: self}, actor=by, from_status=self.status,
            to_status=self.status, reason=reason,
        )  # fmt: skip

    def _move(self, name: str, *, by, reason: str = "", **changes) -> None:
        move = self.machine[name]
        reason = (reason or "").strip()
        label = self._meta.verbose_name
        if self.status not in move.sources:
            allowed = ", ".join(sorted(move.sources))
            raise IllegalTransition(
                f"Cannot {move.verb} a {label} that is {self.get_status_display().lower()}"
                f" (only from: {allowed})."
            )
        if move.needs_reason and not reason:
            raise IllegalTransition(f"A reason is required to {move.verb} a {label}.")
        now = timezone.now()
        changes.setdefault("updated_at", now)
        with transaction.atomic():
            manager = type(self)._default_manager
            updated = manager.filter(pk=self.pk, status=self.status).update(
                status=move.target, **changes
            )
            if not updated:
                current = manager.filter(pk=self.pk).values_list("status", flat=True)
                raise IllegalTransition(
                    f"Cannot {move.verb} this {label}: it changed meanwhile "
                    f"(now {next(iter(current), 'deleted')}). Reload and try again."
                )
            self.event_model()._default_manager.create(
                **{self.event_parent_field: self},
                actor=by,
                from_status=self.status,
                to_status=move.target,
                reason=reason,
                created_at=now,
            )
        self.status = move.target
        for field, value in changes.items():
            setattr(self, field, value)


class StateEvent(models.Model):
    """One move (or other recorded change) of a StatefulModel: who, why, when. A
    subclass adds its foreign key (`related_name="events"`, named by the model's
    `event_parent_field`) and `from_status`/`to_status` with the model's choices."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.from_status} -> {self.to_status} ({self.created_at:%Y-%m-%d})"
