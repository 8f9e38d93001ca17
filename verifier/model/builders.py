"""Agents as builders of programs: `Agent` (a spec and a function from a seat's view to a
program body) and `SeatView`, the game as one seat sees it, with the helpers the library's
builders write agents with (own and opponent action indices, probabilities and payoffs as
polynomials in the strategies, gains of moves, the security value); `prob` for Mix
probabilities. Source: docs/references.md [armstrong2016] for the quantities LP and neLP
compare.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable

from .agents import AgentError, Node, Play, Program
from .games import Game, GameError
from .numbers import exact
from .poly import Poly, var

@dataclass(frozen=True)
class SeatView:
    """The game as seen by the agent in seat ``seat``: helpers for builders."""

    game: Game
    seat: int
    needs: list = field(default_factory=list, compare=False, repr=False)  # read saddle atoms

    @property
    def n_self(self) -> int:
        """The number of this seat's actions."""
        return self.game.num_actions(self.seat)

    @property
    def n_opp(self) -> int:
        """The number of the opponent's actions."""
        return self.game.num_actions(1 - self.seat)

    def own(self, action) -> int:
        """The index of one of this seat's actions, given by name or index; raises GameError."""
        return self.game.action_index(self.seat, action)

    def theirs(self, action) -> int:
        """The index of one of the opponent's actions, given by name or index; raises GameError."""
        return self.game.action_index(1 - self.seat, action)

    def p_self(self, action) -> Poly:
        """My probability of playing ``action`` (name or index), as a Poly."""
        return var("self", self.own(action))

    def p_opp(self, action) -> Poly:
        """The opponent's probability of playing ``action``, as a Poly."""
        return var("opp", self.theirs(action))

    @property
    def u_self(self) -> Poly:
        """My expected payoff as a Poly in self/opp variables."""
        return self.game.relative_payoff_poly(self.seat, self.seat)

    def u_playing(self, action: int) -> Poly:
        """My expected payoff when I play ``action`` against the opponent's strategy
        (linear in the opponent's variables)."""
        return sum((self.game.payoff(self.seat, action, b) * var("opp", b)
                    for b in range(self.n_opp)), Poly())

    @property
    def u_opp(self) -> Poly:
        """The opponent's expected payoff as a Poly in self/opp variables."""
        return self.game.relative_payoff_poly(self.seat, 1 - self.seat)

    def play(self, action) -> Play:
        """Play ``action`` (a name or index) for sure."""
        return Play(self.game.pure(self.seat, action))

    def gain(self, whose: str, o_self: int, o_opp: int) -> Poly:
        """The post's D(p)(o_self, o_opp) for my ("self") or their ("opp") payoff, both
        players moving at equal rates."""
        who = self.seat if whose == "self" else 1 - self.seat
        return self.game.direction_gain(who, self.seat, o_self, o_opp)

    def move_gain(self, whose: str, mover: str, target: int) -> Poly:
        """The change in my ("self") or their ("opp") payoff when only ``mover`` ("self"
        or "opp") moves toward its pure action ``target``: one side of D."""
        who = self.seat if whose == "self" else 1 - self.seat
        return self.game.move_gain(who, self.seat, mover, target)

    @property
    def security_value(self) -> Fraction:
        """This seat's security (maximin) value in the game (exact; for symbolic payoffs
        the saddle's payoff, whose conditions join the program's requirements)."""
        self.needs.extend(self.game.security_requirements(self.seat))
        return self.game.security_value(self.seat)

    @property
    def security_strategy(self) -> tuple:
        """A maximin strategy of this seat (a Strategy; its saddle's conditions join the
        program's requirements)."""
        self.needs.extend(self.game.security_requirements(self.seat))
        return self.game.security_strategy(self.seat)


@dataclass(frozen=True)
class Agent:
    """A named agent: a builder from a :class:`SeatView` to a program body.

    ``spec`` is the text that names it (``nelp(eps=1/10,delta=1/1000)``),
    ``delta`` its estimate precision (None if it never estimates) and
    ``params`` its parameters, for display and serialisation. Parameters
    may be symbols (:mod:`verifier.model.params`); ``requirements`` are then the
    atoms over them that the agent's definition needs (``0 < eps < 1``).
    ``reading`` holds the values of the reading keys the agent takes
    (:mod:`verifier.model.readings`), as ``((key, value), ...)``; its
    ``estimates`` value, if any, is the programs' estimate model.
    """

    spec: str
    build: Callable[[SeatView], Node] = field(compare=False, repr=False)
    delta: Fraction | Poly | None = None
    params: tuple = ()
    requirements: tuple = ()
    reading: tuple = ()

    def program(self, game: Game, seat: int) -> Program:
        """The agent's program in seat ``seat`` (0 or 1) of ``game``; raises AgentError when it
        cannot play that game."""
        view = SeatView(game, seat)
        try:
            body = self.build(view)
        except GameError as err:
            raise AgentError(f"{self.spec} cannot play {game.name}: {err}") from None
        needs = tuple({repr(a): a for a in self.requirements + tuple(view.needs)}.values())
        return Program(body, game.num_actions(seat), game.num_actions(1 - seat),
                       self.delta, self.spec, needs,
                       dict(self.reading).get("estimates", "box"), self.reading)


def prob(x) -> Poly:
    """A Mix probability from a number or a Poly."""
    return x if isinstance(x, Poly) else Poly.const(exact(x))
