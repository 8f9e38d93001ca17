"""Two-player finite games with exact rational or symbolic payoffs.

A :class:`Game` has named actions for each player and two payoff matrices
indexed ``[action of player 0][action of player 1]``. Mixed strategies are
tuples of Fractions. Payoffs are bilinear in the two strategies; the module
gives expected payoffs, security (maximin) values and strategies computed by
an exact linear program, and the post's Pareto directions D(p1, p2)(o1, o2).

A payoff may also be a polynomial in parameter symbols (``pd(T,R,P,S)``, the
prisoner's dilemma with its standard letters; :mod:`verifier.model.params`).
A player whose own payoffs are numbers has its security value and strategy from the
linear program, as in a concrete game. Otherwise they are those of a *saddle point*
chosen for a region (:meth:`Game.saddle_candidates`, chosen by
:func:`verifier.decision.security.bind_security`): a pure pair of actions whose
conditions (:meth:`Game.security_requirements`) the region must imply, with the
player's action the only best reply to the other's, so that the security strategy
is the only one and equals the linear program's in the concrete game at every point
of the region.

>>> g = builtin_game("pd-a")
>>> g.expected_payoff(0, (Fraction(1), Fraction(0)), (Fraction(1, 2), Fraction(1, 2)))
Fraction(3, 2)
>>> g.security_value(0), g.action_names(g.security_strategy(0), 0)
(Fraction(1, 1), 'D')
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import cached_property
from pathlib import Path

from ..errors import InputError
from .numbers import InexactNumberError, exact
from .params import ParameterError, is_symbol, parse_expression
from .poly import Atom, Poly, var

Strategy = tuple  # tuple of Fractions, one per action, summing to 1
Profile = tuple  # (player 1's Strategy, player 2's Strategy)
Payoff = object  # a Fraction, or a Poly in parameter symbols
Saddle = tuple  # (own action index, opponent's action index), one pair per player


class GameError(InputError):
    """A game could not be built or read."""


@dataclass(frozen=True)
class Game:
    """A two-player game in strategic form with exact payoffs."""

    name: str
    actions: tuple  # (names of player 0's actions, names of player 1's actions)
    payoffs: tuple  # (U0, U1), each a tuple of rows of Payoffs, [a0][a1]
    saddle: tuple | None = None  # a Saddle or None per player: the pure security strategies
    unresolved: tuple = field(default=("", ""), compare=False, repr=False)  # why none, each

    def __post_init__(self):
        if len(self.actions) != 2 or len(self.payoffs) != 2:
            raise GameError("a game has exactly two players")
        n, m = (len(a) for a in self.actions)
        if n < 1 or m < 1:
            raise GameError("every player needs at least one action")
        for i, names in enumerate(self.actions):
            if len(set(names)) != len(names):
                raise GameError(f"player {i + 1} has repeated action names {names}")
        for i, matrix in enumerate(self.payoffs):
            if len(matrix) != n or any(len(row) != m for row in matrix):
                raise GameError(f"payoff matrix of player {i + 1} is not {n}x{m}")
            for row in matrix:
                for u in row:
                    if not (isinstance(u, Fraction) or isinstance(u, Poly) and u.variables()
                            and all(is_symbol(v) for v in u.variables())):
                        raise GameError(f"payoff {u!r} is neither an exact Fraction nor a "
                                        f"polynomial in parameter symbols")
        if self.saddle is not None:
            self._check_saddle()

    # construction -------------------------------------------------------
    @staticmethod
    def from_table(name: str, actions, table, rationalize: bool = False) -> "Game":
        """Build from ``table[a0][a1] = (u0, u1)`` with exact number inputs, or expressions
        in parameter symbols (strings such as ``"T"`` or ``"2*R - S"``, or Polys)."""
        try:
            u0 = tuple(tuple(payoff_value(cell[0], rationalize) for cell in row) for row in table)
            u1 = tuple(tuple(payoff_value(cell[1], rationalize) for cell in row) for row in table)
        except (InexactNumberError, ParameterError, TypeError, IndexError) as err:
            raise GameError(f"game {name!r}: bad payoff: {err}") from None
        return Game(name, tuple(tuple(str(a) for a in acts) for acts in actions), (u0, u1))

    # symbolic payoffs -------------------------------------------------------
    def player_symbols(self, player: int) -> tuple:
        """The symbols in ``player``'s own payoffs, sorted (() when they are numbers)."""
        return tuple(sorted({v for row in self.payoffs[player] for u in row
                             if isinstance(u, Poly) for v in u.variables()}))

    @cached_property
    def symbols(self) -> tuple:
        """The parameter symbols the payoffs use, sorted (empty for a concrete game)."""
        return tuple(sorted({v for matrix in self.payoffs for row in matrix for u in row
                             if isinstance(u, Poly) for v in u.variables()}))

    def at(self, values: dict) -> "Game":
        """The concrete game at exact values of its symbols (its saddle kept, and checked
        there), named with them (``pd(T,R,P,S) at P = 0, R = 1, ...``); itself when
        concrete. Raises GameError when a symbol has no value."""
        missing = set(self.symbols) - set(values)
        if missing:
            raise GameError(f"{self.name}: no value for {', '.join(sorted(missing))}")
        if not self.symbols:
            return self
        payoffs = tuple(tuple(tuple(u.evaluate(values) if isinstance(u, Poly) else u
                                    for u in row) for row in matrix) for matrix in self.payoffs)
        at = ", ".join(f"{n} = {values[n]}" for n in self.symbols)
        return Game(f"{self.name} at {at}", self.actions, payoffs, self.saddle)

    def saddle_candidates(self, player: int) -> list:
        """Every pure pair (a, b), ``player``'s action a and the other's b, that can be a
        saddle point of ``player``'s payoff matrix, with the atoms over the symbols that
        make it one (b minimises a's row, and a is the only best row against b: then a is
        the only maximin strategy, source [vonneumann1944]), as
        ``[((a, b), atoms), ...]`` in the order of the actions; a pair whose atoms are all
        constant and false is left out."""
        out = []
        n, m = self.num_actions(player), self.num_actions(1 - player)
        for a in range(n):
            for b in range(m):
                atoms = self._saddle_atoms(player, a, b)
                constant = [x for x in atoms if x.poly.is_constant()]
                if all(x.holds({}) for x in constant):
                    out.append(((a, b), [x for x in atoms if not x.poly.is_constant()]))
        return out

    def _saddle_atoms(self, player: int, a: int, b: int) -> list:
        n, m = self.num_actions(player), self.num_actions(1 - player)
        u = Poly.lift(self.payoff(player, a, b))
        return [Atom(Poly.lift(self.payoff(player, a, c)) - u, ">=") for c in range(m) if c != b] \
            + [Atom(u - Poly.lift(self.payoff(player, r, b)), ">") for r in range(n) if r != a]

    def security_requirements(self, player: int) -> list:
        """The non-constant atoms over the symbols that make the chosen saddle of ``player``
        one ([] for a concrete game or no saddle)."""
        if self.saddle is None or self.saddle[player] is None:
            return []
        a, b = self.saddle[player]
        return [x for x in self._saddle_atoms(player, a, b) if not x.poly.is_constant()]

    def _check_saddle(self) -> None:
        if not (isinstance(self.saddle, tuple) and len(self.saddle) == 2 and all(
                s is None or isinstance(s, tuple) and len(s) == 2
                and all(isinstance(k, int) for k in s)
                and 0 <= s[0] < self.num_actions(i) and 0 <= s[1] < self.num_actions(1 - i)
                for i, s in enumerate(self.saddle)) and self.saddle != (None, None)):
            raise GameError("a saddle is a pair of action indices (or none) for each player, "
                            "with at least one pair")
        for i, s in enumerate(self.saddle):
            if s is None:
                continue
            a, b = s
            for atom in self._saddle_atoms(i, a, b):
                if atom.poly.is_constant() and not atom.holds({}):
                    raise GameError(f"({self.actions[i][a]}, {self.actions[1 - i][b]}) is not "
                                    f"a saddle point of player {i + 1}'s payoffs with "
                                    f"{self.actions[i][a]} the only best reply")

    # basic facts ----------------------------------------------------------
    def num_actions(self, player: int) -> int:
        """How many actions ``player`` (0 or 1) has."""
        return len(self.actions[player])

    def action_index(self, player: int, action) -> int:
        """Index of an action given by name or index."""
        if isinstance(action, int) and 0 <= action < self.num_actions(player):
            return action
        try:
            return self.actions[player].index(action)
        except ValueError:
            raise GameError(f"player {player + 1} has no action {action!r} "
                            f"(actions: {', '.join(self.actions[player])})") from None

    def pure(self, player: int, action) -> Strategy:
        """The pure strategy playing ``action`` (name or index)."""
        k = self.action_index(player, action)
        return tuple(Fraction(int(j == k)) for j in range(self.num_actions(player)))

    def action_names(self, strategy: Strategy, player: int) -> str:
        """Readable support of a strategy, e.g. 'D' or '1/2 C + 1/2 D'."""
        parts = [(p, a) for p, a in zip(strategy, self.actions[player]) if p != 0]
        if len(parts) == 1:
            return parts[0][1]
        return " + ".join(f"{p} {a}" for p, a in parts)

    def expected_payoff(self, player: int, s0: Strategy, s1: Strategy):
        """Exact expected payoff of ``player`` at the profile (s0, s1). At rational
        profiles, the sum over the rows a of s0[a] times the row's payoff against s1, rows
        and columns of probability 0 left out; otherwise term by term, so that algebraic
        values keep the form in which they are printed."""
        matrix = self.payoffs[player]
        if all(type(p) in (int, Fraction) for p in (*s0, *s1)):
            return sum((x * sum((y * matrix[a][b] for b, y in enumerate(s1) if y), Fraction(0))
                        for a, x in enumerate(s0) if x), Fraction(0))
        return sum((s0[a] * s1[b] * matrix[a][b]
                    for a in range(len(s0)) for b in range(len(s1))), Fraction(0))

    @cached_property
    def payoff_polys(self) -> tuple:
        """Each player's expected payoff as a Poly in seat variables ("s", i, k)."""
        out = []
        for matrix in self.payoffs:
            p = Poly()
            for a, row in enumerate(matrix):
                for b, u in enumerate(row):
                    p = p + u * var("s", 0, a) * var("s", 1, b)
            out.append(p)
        return tuple(out)

    def relative_payoff_poly(self, player: int, whose: int) -> Poly:
        """Payoff of ``whose`` as a Poly in ``player``'s self/opp variables."""
        return self.payoff_polys[whose].rename(lambda v: _seat_to_role(v, player))

    # security values ---------------------------------------------------------
    @cached_property
    def _security(self) -> list:
        return [None, None]  # each player's (value, strategy), computed when first read

    def _secure(self, player: int) -> tuple:
        if self._security[player] is None:
            self._security[player] = self._maximin(player)
        return self._security[player]

    def _maximin(self, player: int):
        own, other = self.num_actions(player), self.num_actions(1 - player)
        if self.saddle is not None and self.saddle[player] is not None:
            a, b = self.saddle[player]
            return self.payoff(player, a, b), self.pure(player, a)
        if self.player_symbols(player):
            raise GameError(f"the security value of player {player + 1} in {self.name} depends "
                            f"on {', '.join(self.player_symbols(player))}: " + (
                                self.unresolved[player]
                                or "it needs a region that fixes a saddle point")
                            + " (docs/parameters.md, 'Symbolic payoffs')")
        matrix = [[self.payoff(player, a, b) for b in range(other)] for a in range(own)]
        return maximin(matrix)

    @property
    def symmetric(self) -> bool:
        """Whether swapping the players changes nothing: both have the same actions, and
        player 2's payoff at (a, b) is player 1's at (b, a)."""
        n = len(self.actions[0])
        return self.actions[0] == self.actions[1] and all(
            self.payoffs[1][a][b] == self.payoffs[0][b][a] for a in range(n) for b in range(n))

    def payoff(self, player: int, own: int, opp: int) -> Fraction:
        """Payoff to ``player`` when it plays ``own`` and the other plays ``opp``."""
        matrix = self.payoffs[player]
        return matrix[own][opp] if player == 0 else matrix[opp][own]

    def security_value(self, player: int) -> Payoff:
        """The minmax value (= maximin value, mixed) of ``player``: what it can guarantee;
        with a saddle, its payoff there. Raises GameError for symbolic payoffs and no
        saddle."""
        return self._secure(player)[0]

    def security_strategy(self, player: int) -> Strategy:
        """A maximin strategy of ``player`` guaranteeing its security value."""
        return self._secure(player)[1]

    def punishment_strategy(self, player: int) -> Strategy:
        """A minmax strategy of the *other* player: it holds ``player`` to its security value.

        >>> builtin_game("pd-a").punishment_strategy(0)
        (Fraction(0, 1), Fraction(1, 1))
        """
        own, other = self.num_actions(player), self.num_actions(1 - player)
        if self.saddle is not None and self.saddle[player] is not None:
            return self.pure(1 - player, self.saddle[player][1])
        negated = [[-self.payoff(player, a, b) for a in range(own)] for b in range(other)]
        return maximin(negated)[1]

    # Pareto directions ----------------------------------------------------------
    def direction_gain(self, whose: int, player: int, o_self: int, o_opp: int) -> Poly:
        """D(p)(o_self, o_opp) for ``whose``'s payoff, in ``player``'s self/opp variables.

        The derivative of ``whose``'s expected payoff when ``player`` moves its
        strategy toward pure ``o_self`` and the opponent toward pure ``o_opp``:
        U(e_o_self, p_opp) - U(p) + U(p_self, e_o_opp) - U(p). Bilinear.
        """
        return self.move_gain(whose, player, "self", o_self) + \
            self.move_gain(whose, player, "opp", o_opp)

    def move_gain(self, whose: int, player: int, mover: str, target: int) -> Poly:
        """The derivative of ``whose``'s expected payoff when only one player moves toward
        a pure action: ``mover`` is ``"self"`` (``player``) or ``"opp"`` (the other),
        ``target`` the action's index. U(e_target, p_opp) - U(p) for the self-mover, in
        ``player``'s self/opp variables; affine in each player's strategy.
        """
        u = self.relative_payoff_poly(player, whose)
        n = self.num_actions(player if mover == "self" else 1 - player)
        return u.substitute({(mover, k): int(k == target) for k in range(n)}) - u

    def pareto_directions(self, player: int, profile_self: Strategy, profile_opp: Strategy):
        """Pairs (o_self, o_opp) whose direction strictly improves both payoffs."""
        values = {("self", k): p for k, p in enumerate(profile_self)}
        values.update({("opp", k): p for k, p in enumerate(profile_opp)})
        return [(o, q) for o in range(len(profile_self)) for q in range(len(profile_opp))
                if all(self.direction_gain(w, player, o, q).evaluate(values) > 0 for w in (0, 1))]

    # serialisation ------------------------------------------------------------
    def to_json(self) -> dict:
        """The game as JSON data: name, actions and exact payoffs as strings."""
        n, m = self.num_actions(0), self.num_actions(1)
        out = {"name": self.name, "actions": [list(a) for a in self.actions],
               "payoffs": [[[str(self.payoffs[0][a][b]), str(self.payoffs[1][a][b])]
                            for b in range(m)] for a in range(n)]}
        if self.saddle is not None:
            out["saddle"] = [None if s is None else
                             [self.actions[i][s[0]], self.actions[1 - i][s[1]]]
                             for i, s in enumerate(self.saddle)]
        return out


# numbers that stay numbers (and their errors) although they have letters: 1e999, Infinity
NOT_SYMBOLIC = re.compile(r"\s*[+-]?((\d+\.?\d*|\.\d+)[eE][+-]?\d+|inf(inity)?|nan)\s*\Z",
                          re.IGNORECASE)


def payoff_value(value, rationalize: bool = False) -> Payoff:
    """A payoff: an exact number, or an expression in parameter symbols (a string with a
    letter in it, or a Poly), which is a Poly unless constant. Raises
    InexactNumberError or ParameterError."""
    if isinstance(value, Poly):
        return value.constant_value() if value.is_constant() else value
    try:
        return exact(value, rationalize)
    except InexactNumberError:
        if not (isinstance(value, str) and any(ch.isalpha() for ch in value)) \
                or NOT_SYMBOLIC.match(value):
            raise
    expr = parse_expression(value)
    return expr if isinstance(expr, Poly) else Fraction(expr)
    return exact(value, rationalize)


def maximin(matrix: list) -> tuple:
    """Exact value and maximin strategy of the row player of a zero-sum matrix game.

    Payoffs are shifted to be positive; then 1/value solves
    max 1.y subject to A y <= 1, y >= 0, by the simplex method with Bland's
    rule (which cannot cycle), and the row strategy is read off the optimal
    dual prices.

    >>> maximin([[Fraction(1), Fraction(-1)], [Fraction(-1), Fraction(1)]])
    (Fraction(0, 1), (Fraction(1, 2), Fraction(1, 2)))
    """
    n, m = len(matrix), len(matrix[0])
    shift = 1 - min(min(row) for row in matrix)
    # tableau rows: [A + shift | I | 1]; objective row: [-1 ... | 0 ... | 0]
    rows = [[matrix[a][b] + shift for b in range(m)] + [Fraction(int(k == a)) for k in range(n)]
            + [Fraction(1)] for a in range(n)]
    cost = [Fraction(-1)] * m + [Fraction(0)] * (n + 1)
    basis = [m + a for a in range(n)]
    while True:
        entering = next((j for j in range(m + n) if cost[j] < 0), None)
        if entering is None:
            break
        ratios = [(rows[i][-1] / rows[i][entering], basis[i], i)
                  for i in range(n) if rows[i][entering] > 0]
        _, _, leaving = min(ratios)  # bounded: A + shift > 0 keeps every y bounded
        pivot = rows[leaving][entering]
        rows[leaving] = [x / pivot for x in rows[leaving]]
        for i in range(n):
            if i != leaving and rows[i][entering] != 0:
                factor = rows[i][entering]
                rows[i] = [x - factor * y for x, y in zip(rows[i], rows[leaving])]
        factor = cost[entering]
        cost = [x - factor * y for x, y in zip(cost, rows[leaving])]
        basis[leaving] = entering
    total = cost[-1]  # optimal 1.y = 1 / (value + shift)
    prices = [cost[m + a] for a in range(n)]  # optimal dual x, summing to total
    strategy = tuple(x / total for x in prices)
    return 1 / total - shift, strategy


def _seat_to_role(v, player: int):
    if isinstance(v, str):  # a parameter symbol of a symbolic payoff
        return v
    _, seat, k = v
    return ("self" if seat == player else "opp", k)


def prisoners_dilemma(name: str, r, s, t, p) -> Game:
    """The symmetric prisoner's dilemma with payoffs R, S, T, P."""
    return Game.from_table(name, (("C", "D"), ("C", "D")),
                           [[(r, r), (s, t)], [(t, s), (p, p)]])


BUILTIN_GAMES = {
    "pd-a": lambda: prisoners_dilemma("pd-a", 3, 0, 5, 1),
    "pd-b": lambda: prisoners_dilemma("pd-b", 2, 0, 3, 1),
    "matching-pennies": lambda: Game.from_table(
        "matching-pennies", (("H", "T"), ("H", "T")),
        [[(1, -1), (-1, 1)], [(-1, 1), (1, -1)]]),
    "stag-hunt": lambda: Game.from_table(
        "stag-hunt", (("Stag", "Hare"), ("Stag", "Hare")),
        [[(4, 4), (0, 3)], [(3, 0), (3, 3)]]),
    "chicken": lambda: Game.from_table(
        "chicken", (("Swerve", "Straight"), ("Swerve", "Straight")),
        [[(0, 0), (-1, 1)], [(1, -1), (-10, -10)]]),
    "battle-of-the-sexes": lambda: Game.from_table(
        "battle-of-the-sexes", (("Opera", "Football"), ("Opera", "Football")),
        [[(3, 2), (0, 0)], [(0, 0), (2, 3)]]),
}

MAX_GAME_FILE_BYTES = 1_000_000
MAX_ACTIONS = 64


PD_SPEC = re.compile(r"pd\((.*)\)\Z", re.S)


def pd_game(spec: str) -> Game:
    """The prisoner's dilemma ``pd(T,R,P,S)``: temptation, reward, punishment and sucker's
    payoffs, each a number or an expression in parameter symbols (``pd(T,R,P,S)``,
    ``pd(5,3,1,0)``); the name is the spec without spaces. Raises GameError."""
    m = PD_SPEC.match(spec.strip())
    if not m:
        raise GameError(f"{spec!r} is not pd(T,R,P,S)")
    args = m.group(1).split(",")
    if len(args) != 4 or any(not a.strip() for a in args):
        raise GameError(f"{spec!r}: pd takes four payoffs, T, R, P and S")
    try:
        t, r, p, s = (payoff_value(a.strip()) for a in args)
    except (InexactNumberError, ParameterError) as err:
        raise GameError(f"{spec!r}: {err}") from None
    return prisoners_dilemma("".join(spec.split()), r, s, t, p)


def builtin_game(name: str) -> Game:
    """The built-in game called ``name`` (`BUILTIN_GAMES`); raises GameError for another name."""
    try:
        return BUILTIN_GAMES[name]()
    except KeyError:
        raise GameError(f"unknown game {name!r} (built-in: {', '.join(BUILTIN_GAMES)})") from None


def load_game(spec: str, rationalize: bool = False) -> Game:
    """A built-in game by name, or a game read from a JSON or Gambit (.nfg, .efg) file.

    The file holds ``{"name": ..., "actions": [[...], [...]],
    "payoffs": [[[u0, u1], ...], ...]}`` with ``payoffs[a0][a1]``; payoffs are
    integers or strings such as "1/3" (floats only when exact).
    """
    if spec in BUILTIN_GAMES:
        return builtin_game(spec)
    if PD_SPEC.match(spec.strip()) and not Path(spec).exists():
        return pd_game(spec)
    path = Path(spec)
    if not path.exists():
        raise GameError(f"unknown game {spec!r}: not a built-in game "
                        f"({', '.join(BUILTIN_GAMES)}) nor an existing file")
    if path.stat().st_size > MAX_GAME_FILE_BYTES:
        raise GameError(f"{spec}: game file larger than {MAX_GAME_FILE_BYTES} bytes")
    if path.suffix in (".nfg", ".efg"):
        from .gambit import read_gambit
        return read_gambit(path)
    try:
        data = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise GameError(f"{spec}: not a JSON game file ({err})") from None
    return game_from_json(data, default_name=path.stem, rationalize=rationalize, where=spec)


def game_from_json(data, default_name: str = "game", rationalize: bool = False,
                   where: str = "game") -> Game:
    """Build a game from its JSON form, with one-line errors for bad data."""
    if not isinstance(data, dict):
        raise GameError(f"{where}: a game is a JSON object")
    unknown = set(data) - {"name", "actions", "payoffs", "saddle"}
    if unknown:
        raise GameError(f"{where}: unknown fields {sorted(unknown)}")
    actions, table = data.get("actions"), data.get("payoffs")
    if not (isinstance(actions, list) and len(actions) == 2
            and all(isinstance(a, list) and a for a in actions)):
        raise GameError(f"{where}: 'actions' must be two non-empty lists of action names")
    n, m = len(actions[0]), len(actions[1])
    if n > MAX_ACTIONS or m > MAX_ACTIONS:
        raise GameError(f"{where}: {n}x{m} game is larger than {MAX_ACTIONS} actions a player")
    if not (isinstance(table, list) and len(table) == n
            and all(isinstance(row, list) and len(row) == m for row in table)
            and all(isinstance(c, list) and len(c) == 2 for row in table for c in row)):
        raise GameError(f"{where}: 'payoffs' must be a {n}x{m} table of [u1, u2] pairs")
    game = Game.from_table(str(data.get("name", default_name)), actions, table, rationalize)
    if "saddle" not in data:
        return game
    saddle = data["saddle"]
    if not (isinstance(saddle, list) and len(saddle) == 2
            and all(s is None or isinstance(s, list) and len(s) == 2 for s in saddle)):
        raise GameError(f"{where}: 'saddle' must be two [own action, other's action] pairs "
                        f"(or null)")
    return replace(game, saddle=tuple(
        None if s is None else (game.action_index(i, s[0]), game.action_index(1 - i, s[1]))
        for i, s in enumerate(saddle)))
