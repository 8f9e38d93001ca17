"""The registry of statement kinds, and the dispatchers that go through it.

A statement kind is one class (a frozen dataclass) with three methods:

- ``describe(v)`` - its formal text, generated from its formulas (``v`` a :class:`Vars`);
- ``decide(pair, v, progress)`` - its verdict with a :class:`Pair`: ``(verdict, detail)``,
  ``verdict`` one of ``holds``, ``fails``, ``unknown``;
- ``question(v, detail)`` - the statement as data for certificates, a dict whose ``type``
  is the kind's registered name (``detail`` the result's evidence, or None).

and one registration, the decorator :func:`statement_kind`. Every place that dispatches on
the kind (:func:`describe`, :func:`decide`, :func:`question`, and the claim's check of its
statement) goes through :data:`KINDS`; a statement of an unregistered class is refused
there with :class:`InternalError` (docs/architecture.md, "How to add a claim kind").
"""

from __future__ import annotations

from ..errors import InternalError

METHODS = ("describe", "decide", "question")  # what every kind defines


class Statement:
    """The base of the statement kinds: what a claim says about the fixed points of its
    pair. Subclasses define :data:`METHODS` and are registered with :func:`statement_kind`."""

    kind = ""  # the registered name, also the certificate question's type


KINDS: dict[type, str] = {}  # statement class -> its name, in registration order


def statement_kind(name: str):
    """Register a statement class under ``name`` (a decorator). Raises InternalError for a
    name or class registered twice, a class that is not a :class:`Statement`, or one that
    does not define every method of :data:`METHODS` itself."""

    def register(cls: type) -> type:
        if not (isinstance(cls, type) and issubclass(cls, Statement)):
            raise InternalError(f"statement kind {name!r}: {cls!r} is not a Statement")
        if name in KINDS.values() or cls in KINDS:
            raise InternalError(f"statement kind {name!r} ({cls.__name__}) registered twice")
        missing = [m for m in METHODS if not callable(cls.__dict__.get(m))]
        if missing:
            raise InternalError(f"statement kind {cls.__name__} lacks {', '.join(missing)}")
        cls.kind = name
        KINDS[cls] = name
        return cls

    return register


def kind_of(check) -> str:
    """The registered name of a statement's kind. Raises InternalError for an object
    whose class is not registered (subclasses of a kind are not that kind)."""
    try:
        return KINDS[type(check)]
    except (KeyError, TypeError):
        raise InternalError(f"not a registered statement kind: {check!r}") from None


def kind_names() -> str:
    """The registered classes' names for messages: ``"Always, Exists or Extreme"``."""
    names = [cls.__name__ for cls in KINDS]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def describe(check, v) -> str:
    """What ``check`` claims of the fixed points, as text generated from its formulas."""
    kind_of(check)
    return check.describe(v)


def decide(check, pair, v, progress=None) -> tuple[str, dict]:
    """The verdict on ``check`` for ``pair`` and its evidence (``detail``). Raises
    ClaimError for a malformed statement, SolverUnknown when the solver gives up."""
    kind_of(check)
    return check.decide(pair, v, progress)


def question(check, v, detail: dict | None = None) -> dict:
    """The claim's statement as data (formulas over seat variables), for certificates;
    ``detail`` (the result's evidence) decides the form where it can change it."""
    kind_of(check)
    return check.question(v, detail)
