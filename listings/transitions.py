"""State machines of listings and applications: named moves, refused when illegal, recorded."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone


class IllegalTransition(Exception):
    """A state change that the object's current state does not allow."""


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    verb: str  # for messages: "approve", "close", ...
    needs_reason: bool = False


class TransitionsMixin(models.Model):
    """A model with a `status` field whose changes go through `transitions`.

    Each move is one conditional UPDATE (`WHERE status = <the state we saw>`) plus an
    event row, in one transaction: two moderators clicking at once give one decision
    and one clear error, never two events.
    """

    transitions: dict[str, Transition] = {}
    event_model: str = ""  # "app_label.ModelName" of the event rows
    event_parent_field: str = ""  # the event's foreign key to this model

    class Meta:
        abstract = True

    def _move(self, name: str, *, by, reason: str = "", **changes) -> None:
        transition = self.transitions[name]
        reason = (reason or "").strip()
        label = self._meta.verbose_name
        if self.status not in transition.sources:
            allowed = ", ".join(sorted(transition.sources))
            raise IllegalTransition(
                f"Cannot {transition.verb} a {label} that is {self.get_status_display().lower()}"
                f" (only from: {allowed})."
            )
        if transition.needs_reason and not reason:
            raise IllegalTransition(f"A reason is required to {transition.verb} a {label}.")
        from django.apps import apps

        event_model = apps.get_model(self.event_model)
        now = timezone.now()
        changes.setdefault("updated_at", now)
        with transaction.atomic():
            updated = (
                type(self)
                ._default_manager.filter(pk=self.pk, status=self.status)
                .update(status=transition.target, **changes)
            )
            if not updated:
                current = (
                    type(self)._default_manager.filter(pk=self.pk).values_list("status", flat=True)
                )
                raise IllegalTransition(
                    f"Cannot {transition.verb} this {label}: it changed meanwhile "
                    f"(now {next(iter(current), 'deleted')}). Reload and try again."
                )
            event_model._default_manager.create(
                **{self.event_parent_field: self},
                actor=by,
                from_status=self.status,
                to_status=transition.target,
                reason=reason,
                created_at=now,
            )
        self.status = transition.target
        for field, value in changes.items():
            setattr(self, field, value)
