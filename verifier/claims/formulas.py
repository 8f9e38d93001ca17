"""Formulas about a game's fixed points: the variables they are written in, and their text.

A :class:`Vars` gives the strategy probabilities and payoffs of a game as polynomials, so
that a claim's formula reads ``lambda v: (v.u1 >= 1) | (v.u2 >= 1)``; its :meth:`Vars.text`
turns a formula back into the readable text of the claim's formal version.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import ClaimError, UnknownNode
from ..model.games import Game
from ..model.params import is_symbol
from ..model.poly import And, Atom, BoolVar, Formula, Not, Or, Poly, Truth, named, some_rates, var

_OP_TEXT = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "==": "=", "!=": "!="}


@dataclass(frozen=True)
class Vars:
    """Strategy probabilities and payoffs of a game, as polynomials, for formulas.

    Polynomials made by :meth:`gain` keep their name (``D2(C,C)``), so that the
    formal text generated from a formula (:meth:`text`) names them.
    """

    game: Game
    names: dict = field(default_factory=dict, compare=False, repr=False)  # Poly -> name
    formulas: dict = field(default_factory=dict, compare=False, repr=False)  # id -> (f, name)

    def p1(self, action) -> Poly:
        """Probability that player 1 plays ``action`` (name or index)."""
        return var("s", 0, self.game.action_index(0, action))

    def p2(self, action) -> Poly:
        """Probability that player 2 plays ``action`` (name or index)."""
        return var("s", 1, self.game.action_index(1, action))

    def gain(self, player: int, o1, o2) -> Poly:
        """The post's D(p1,p2)(o1,o2) for ``player``'s payoff (1 or 2).

        The derivative of that payoff when player 1 moves toward pure ``o1``
        and player 2 toward pure ``o2`` (actions by name or index).
        """
        g = self.game
        a, b = g.action_index(0, o1), g.action_index(1, o2)
        d = g.direction_gain(player - 1, 0, a, b)
        d = d.rename(lambda v: ("s", 0 if v[0] == "self" else 1, v[1]))
        self.names.setdefault(d, f"D{player}({g.actions[0][a]},{g.actions[1][b]})")
        return d

    def move_gain(self, player: int, mover: int, action) -> Poly:
        """The change in ``player``'s payoff (1 or 2) when only player ``mover`` moves
        toward pure ``action``: one side of the post's D; named ``M1(P2->C)``."""
        g = self.game
        target = g.action_index(mover - 1, action)
        d = g.move_gain(player - 1, 0, "self" if mover == 1 else "opp", target)
        d = d.rename(lambda v: ("s", 0 if v[0] == "self" else 1, v[1]))
        self.names.setdefault(d, f"M{player}(P{mover}->{g.actions[mover - 1][target]})")
        return d

    def cone_pareto(self, o1, o2) -> Formula:
        """"Some rates r1, r2 >= 0, not both 0, move player 1 toward ``o1`` and player 2
        toward ``o2`` so that both payoffs rise": the post's D read as a cone
        (docs/semantics.md, Readings); named ``ParetoCone(o1,o2)``."""
        rows = [(self.move_gain(w, 1, o1), self.move_gain(w, 2, o2)) for w in (1, 2)]
        f = some_rates(rows)
        a, b = self.game.action_index(0, o1), self.game.action_index(1, o2)
        self.formulas[id(f)] = (f, f"ParetoCone({self.game.actions[0][a]},"
                                   f"{self.game.actions[1][b]})")
        return f

    def text(self, item, top: bool = True) -> str:
        """Readable text for a polynomial or formula, generated from it: P1(C), u1,
        D1(C,C) (the post's D for player 1's payoff), and, or, not."""
        if isinstance(item, Poly):
            return self._poly_text(item)
        if id(item) in self.formulas:
            return self.formulas[id(item)][1]
        if isinstance(item, Atom):  # strategy terms on the left, parameters on the right
            op = _OP_TEXT[item.op]
            right = Poly({m: -c for m, c in item.poly.terms.items()
                          if all(isinstance(v, str) for v, _ in m)})
            left = item.poly + right
            if left.is_constant():
                return f"{item.poly!r} {op} 0"
            text = str(right.constant_value()) if right.is_constant() else repr(right)
            if text == "0" and self._named(left) is None:
                for a, name in self._known():  # a difference of two named quantities
                    other = self._named(a - left)
                    if other is not None:
                        return f"{name} {op} {other}"
            return f"{self._poly_text(left)} {op} {text}"
        if isinstance(item, (And, Or)):
            joiner = " and " if isinstance(item, And) else " or "
            parts = []
            for p in item.parts:  # (a or (b or c)) reads as a or b or c
                parts += list(p.parts) if type(p) is type(item) and id(p) not in \
                    self.formulas else [p]
            inner = joiner.join(self.text(p, False) for p in parts)
            return inner if top else f"({inner})"
        if isinstance(item, Not) and isinstance(item.part, Atom) and \
                id(item.part) not in self.formulas:
            return self.text(item.part.negated())
        if isinstance(item, Not):
            return f"not {self.text(item.part, False)}"
        if isinstance(item, Truth):
            return "true" if item.value else "false"
        if isinstance(item, BoolVar):
            return item.name
        raise UnknownNode(f"no text for {item!r}")

    def _known(self) -> list:
        """Named polynomials: payoffs, gains made here, and each P1(a), P2(b)."""
        out = [(u, f"u{i + 1}") for i, u in enumerate(self.game.payoff_polys)]
        out += [(p, n) for p, n in self.names.items()]
        out += [(var("s", i, k), f"P{i + 1}({a})") for i in (0, 1)
                for k, a in enumerate(self.game.actions[i])]
        return out

    def _named(self, poly: Poly) -> str | None:
        return next((name for p, name in self._known() if p == poly), None)

    def _poly_text(self, poly: Poly) -> str:
        named_as = self._named(poly)
        if named_as is not None:
            return named_as
        parts = []
        for monomial, c in sorted(poly.terms.items(), key=repr):
            factors = [(v if isinstance(v, str) else
                        f"P{v[1] + 1}({self.game.actions[v[1]][v[2]]})")
                       + (f"^{e}" if e > 1 else "") for v, e in monomial]
            if c != 1 or not factors:
                factors.insert(0, str(c))
            parts.append("*".join(factors))
        return " + ".join(parts) or "0"

    def sym(self, name: str) -> Poly:
        """A parameter symbol (for claims over a parameter region)."""
        if not is_symbol(name):
            raise ClaimError(f"{name!r} is not a parameter name (letters only)")
        return named(name)

    @property
    def u1(self) -> Poly:
        """Player 1's expected payoff."""
        return self.game.payoff_polys[0]

    @property
    def u2(self) -> Poly:
        """Player 2's expected payoff."""
        return self.game.payoff_polys[1]
