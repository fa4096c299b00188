"""The domain errors of sessions and seats: each names the field and the rule, never a status
or a personal value (session and application ids only)."""

from __future__ import annotations

from collections.abc import Sequence

from kentei.field_errors import FieldError


class SessionRefusedError(ValueError):
    """A session cannot be created or changed as asked: every broken rule, by field."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        if not errors:
            raise ValueError("a refusal names at least one rule")
        super().__init__("; ".join(f"{e.field}: {e.problem}" for e in errors))
        self.errors = tuple(errors)

    @classmethod
    def one(cls, field: str, problem: str) -> SessionRefusedError:
        return cls([FieldError(field=field, problem=problem)])


class SessionNotFoundError(LookupError):
    """No such session in the caller's prefecture (and round)."""

    def __init__(self, field: str, session_id: str) -> None:
        super().__init__(f"{field}: no session {session_id}")
        self.field = field
        self.session_id = session_id


class SessionChangedError(RuntimeError):
    """Someone changed the session since it was read (optimistic version): read it again."""

    def __init__(self, session_id: str) -> None:
        super().__init__(f"session {session_id} changed since it was read")
        self.session_id = session_id


class SeatRefusedError(ValueError):
    """A seat cannot be taken or moved as asked (the target full, the sitting not seated
    there, another family...): names the field and the rule."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem
