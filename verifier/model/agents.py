"""The agent representation: a small tree language for oracle-using agents.

An agent's *program* (for one game and one seat) is a tree of output nodes:

- :class:`Play` - a constant mixed strategy over the agent's own actions;
- :class:`PlayEstimate` - the agent's estimate of its own strategy (LP's "output p1");
- :class:`Mix` - with probability ``prob`` run one subtree, else the other.
  ``prob`` is a constant or a polynomial in the *true* strategies: exact
  sampling through the oracle ("cooperate with probability f(s)");
- :class:`If` - branch on a condition;
- :class:`Choose` - any randomisation over the options (e.g. "choose among
  the candidates o1").

and conditions:

- :class:`Query` - an oracle call "is P(s) above t?" on the true strategies:
  true when P > t, false when P < t, and at P = t true with the oracle's one
  tie probability q for that query. A query is identified by its polynomial
  in the two players' absolute strategies, its threshold and an optional
  ``machine`` label (:func:`query_key`): every call to the same query, in
  either program, is an independent draw from the same q;
- :class:`Surely` - the post's "delta-surely": a strict or weak polynomial
  inequality that must hold at every profile within ``delta`` of the agent's
  estimate; computed by the agent itself, so two-valued;
- :class:`SurelyCone` - "some non-negative rates, not both zero, make every
  listed gain positive at every profile within ``delta``" (LP's Pareto test
  under the cone reading of the post's D);
- :class:`SurelyOutside` - "no profile within ``delta`` has all the listed
  polynomials non-negative" (a region agent's exact "delta-surely outside
  the polygon"; two-action games);
- ``&``, ``|``, ``~`` on conditions (:class:`AllOf`, :class:`AnyOf`,
  :class:`Negation`), each oracle call an independent draw.

Polynomials use agent-relative variables ``("self", k)`` and ``("opp", k)``.
An `Agent` (in `verifier.model.builders`) is a named builder turning a `SeatView` (the
game seen from one seat) into a program; the exact interpreter and the Z3 compiler
both read programs and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from fractions import Fraction
from functools import cached_property, lru_cache
from typing import Iterator

from ..errors import InputError
from .params import is_symbol, symbols_of
from .poly import Poly
from .readings import KEYS


class AgentError(InputError):
    """An agent or program is malformed."""


# ----------------------------------------------------------------- nodes


class Node:
    """An output node: produces a distribution over the agent's own actions."""

    def children(self) -> tuple:
        """The nodes directly below this one (none for a leaf)."""
        return ()

    def __repr__(self) -> str:
        """The node's kind and fields, nodes deeper than three levels shown as ``...``: a
        program whose branches share subtrees has exponentially many paths."""
        return _node_repr(self, 3)


def _node_repr(node, depth: int) -> str:
    def show(value):
        if isinstance(value, Node):
            return _node_repr(value, depth - 1)
        if isinstance(value, tuple) and value and all(isinstance(v, Node) for v in value):
            return "(" + ", ".join(show(v) for v in value) + ",)"
        return repr(value)
    if depth <= 0 and node.children():
        return f"{type(node).__name__}(...)"
    return f"{type(node).__name__}(" + ", ".join(
        f"{f.name}={show(getattr(node, f.name))}" for f in fields(node)) + ")"


@dataclass(frozen=True, repr=False)
class Play(Node):
    """Output a constant mixed strategy (a tuple of Fractions over own actions)."""

    dist: tuple


@dataclass(frozen=True, repr=False)
class PlayEstimate(Node):
    """Output the agent's estimate of its own strategy."""


@dataclass(frozen=True, repr=False)
class Mix(Node):
    """With probability ``prob`` run ``first``, otherwise ``second``."""

    prob: Poly
    first: Node
    second: Node

    def children(self):
        """The two mixed nodes."""
        return (self.first, self.second)


@dataclass(frozen=True, repr=False)
class If(Node):
    """Run ``then`` when ``cond`` holds, else ``orelse`` (both when undecided)."""

    cond: "Cond"
    then: Node
    orelse: Node

    def children(self):
        """The two branches."""
        return (self.then, self.orelse)


@dataclass(frozen=True, repr=False)
class Choose(Node):
    """Any randomisation over ``options``."""

    options: tuple

    def children(self):
        """The options."""
        return tuple(self.options)


# ------------------------------------------------------------ conditions


class Cond:
    """A condition inside an :class:`If`."""

    def __and__(self, other: "Cond") -> "Cond":
        return AllOf((self, other))

    def __or__(self, other: "Cond") -> "Cond":
        return AnyOf((self, other))

    def __invert__(self) -> "Cond":
        return Negation(self)

    def parts(self) -> tuple:
        """The conditions directly inside this one (none for an atom)."""
        return ()


@dataclass(frozen=True)
class Query(Cond):
    """Oracle call: is ``poly`` (at the true strategies) above ``threshold``?

    Any polynomial comparison is an oracle query: a bounded polynomial is an
    affine image of the probability of a machine that samples both players,
    and comparisons are invariant under positive affine maps. Two calls with
    the same polynomial (in absolute strategies), threshold and ``machine``
    ask the same query and share its tie probability; give different
    ``machine`` labels to model two different machines that compute the same
    probability (docs/semantics.md, section 2).
    """

    poly: Poly
    threshold: Fraction = Fraction(0)
    machine: str = ""


@dataclass(frozen=True)
class Surely(Cond):
    """``poly op 0`` at every profile within ``delta`` of the agent's estimate.

    ``op`` is one of ``<``, ``<=``, ``>``, ``>=``; ``poly`` must be affine in
    each player's strategy (like payoffs), so the check reduces to the
    vertices of the box around the estimate.
    """

    poly: Poly
    op: str


@dataclass(frozen=True)
class SurelyCone(Cond):
    """Some rates ``(r_self, r_opp) >= 0``, not both 0, make every gain positive on the box.

    ``gains`` is a tuple of pairs ``(when_self_moves, when_opp_moves)``: the
    condition holds when one pair of rates, the same at every profile within
    ``delta`` of the estimate, gives ``r_self * a + r_opp * b > 0`` for every
    pair ``(a, b)`` at every such profile. Each polynomial must be affine in
    each player's strategy. LP's test under ``directions=cone``
    (docs/semantics.md, section "Readings").
    """

    gains: tuple


@dataclass(frozen=True)
class SurelyOutside(Cond):
    """No profile within ``delta`` of the estimate has every polynomial ``>= 0``.

    With the inside functions of a convex polygon's edges, "the payoff pair of
    every profile of the delta-box lies outside the polygon": a region agent's
    ``region_test=exact``. For two-action games; each polynomial affine in
    each player's strategy.
    """

    polys: tuple


@dataclass(frozen=True)
class AllOf(Cond):
    """Every one of ``conds`` holds; each query in them is its own independent call."""
    conds: tuple

    def parts(self):
        """Its conditions."""
        return tuple(self.conds)


@dataclass(frozen=True)
class AnyOf(Cond):
    """At least one of ``conds`` holds; each query in them is its own independent call."""
    conds: tuple

    def parts(self):
        """Its conditions."""
        return tuple(self.conds)


@dataclass(frozen=True)
class Negation(Cond):
    """``cond`` does not hold."""
    cond: Cond

    def parts(self):
        """The negated condition."""
        return (self.cond,)


@dataclass(frozen=True)
class Constant(Cond):
    """A condition that always (``value`` True) or never holds."""
    value: bool


SURELY_OPS = ("<", "<=", ">", ">=")

# ---------------------------------------------------------------- programs


# every kind of the language: each walker handles all of them or raises UnknownNode
NODE_KINDS = (Play, PlayEstimate, Mix, If, Choose)
CONDITION_KINDS = (Query, Surely, SurelyCone, SurelyOutside, AllOf, AnyOf, Negation, Constant)


@dataclass(frozen=True)
class Program:
    """An agent's tree for one game and one seat, validated.

    ``delta`` is the precision of the agent's estimates (estimates lie within
    delta/2 of the truth; "delta-surely" looks delta around the estimate), or
    None for agents that never estimate. ``estimates`` is the estimate
    reading: ``"box"`` (any distribution within delta/2 of the truth) or
    ``"grid"`` (the post's grid: every probability but the last a multiple
    of delta/2, the last the remainder).
    """

    body: Node
    n_self: int
    n_opp: int
    delta: Fraction | Poly | None = None
    name: str = "agent"
    requirements: tuple = ()  # atoms over parameter symbols its parameters must satisfy
    estimates: str = "box"
    reading: tuple = ()  # ((key, value), ...): the reading keys its builder used

    def __post_init__(self):
        validate(self)

    def walk(self) -> Iterator[tuple[tuple, Node]]:
        """Every node occurrence with its path (child indices from the root): one per path,
        so exponential for a program whose branches share subtrees; walkers that need no
        paths use :meth:`distinct`."""
        yield from _walk(self.body, ())

    def conditions(self) -> Iterator[tuple[tuple, Cond]]:
        """Every condition occurrence with its path (If path + part indices); one per path,
        like :meth:`walk`."""
        for path, node in self.walk():
            if isinstance(node, If):
                yield from _walk_cond(node.cond, path + ("c",))

    def queries(self) -> list:
        """Every distinct Query of the program (equal ones once)."""
        _, conds = self.distinct()
        return list(dict.fromkeys(c for c in conds if isinstance(c, Query)))

    def distinct(self) -> tuple[list, list]:
        """Each distinct node and condition once: shared subtrees are visited once, so
        this is linear in the program's size even where its paths are exponential."""
        nodes: dict = {}
        conds: dict = {}
        todo = [self.body]
        while todo:
            node = todo.pop()
            if id(node) in nodes:
                continue
            nodes[id(node)] = node
            todo.extend(node.children())
            if isinstance(node, If):
                more = [node.cond]
                while more:
                    cond = more.pop()
                    if id(cond) not in conds:
                        conds[id(cond)] = cond
                        more.extend(cond.parts())
        return list(nodes.values()), list(conds.values())

    @cached_property
    def choice_free(self) -> frozenset:
        """The ids (``id(node)``) of the nodes with no Choose at or below them.

        In one run such a node's output depends only on the run's estimate and the oracle's
        tie probabilities, not on the path that reaches it, so the compiler and the
        interpreter evaluate each once per run: linear in the distinct nodes where a
        program's branches share subtrees. A node with a Choose below is evaluated once
        per path, since each path's Choose picks on its own (docs/semantics.md, section
        5): :attr:`choice_occurrences` of them."""
        return frozenset(id(n) for n in self.distinct()[0]) - _with_choose(self.body)[0]

    @cached_property
    def choice_occurrences(self) -> int:
        """How many times one run meets a node with a Choose below it: the paths from the
        root to such nodes, summed over them (0 for a program without Choose)."""
        return _with_choose(self.body)[1]

    @property
    def symbols(self) -> set:
        """The parameter symbols the program uses (empty for a concrete program)."""
        polys = [Poly.lift(self.delta or 0)] + [a.poly for a in self.requirements]
        nodes, conds = self.distinct()
        polys += [n.prob for n in nodes if isinstance(n, Mix)]
        polys += [c.poly for c in conds if isinstance(c, (Query, Surely))]
        polys += [p for c in conds if isinstance(c, SurelyCone) for pair in c.gains for p in pair]
        polys += [p for c in conds if isinstance(c, SurelyOutside) for p in c.polys]
        polys += [Poly.lift(c.threshold) for c in conds if isinstance(c, Query)]
        return set().union(*(symbols_of(p) for p in polys))

    @cached_property
    def uses_estimates(self) -> bool:
        """True when some node or condition reads the run's estimate of the profile."""
        nodes, conds = self.distinct()
        return any(isinstance(n, PlayEstimate) for n in nodes) or any(
            isinstance(c, (Surely, SurelyCone, SurelyOutside)) for c in conds)

    @property
    def one_run(self) -> bool:
        """True when one run describes every output: no estimate and no Choose, so the
        output is a function of the oracle's tie probabilities alone."""
        nodes, _ = self.distinct()
        return not self.uses_estimates and not any(isinstance(n, Choose) for n in nodes)

    @property
    def is_deterministic(self) -> bool:
        """True when the output is a single distribution (no ties, estimates or choices)."""
        nodes, conds = self.distinct()
        return not self.uses_estimates and not any(isinstance(n, Choose) for n in nodes) \
            and not any(isinstance(c, Query) for c in conds)


def _walk(node: Node, path: tuple):
    yield path, node
    for i, child in enumerate(node.children()):
        yield from _walk(child, path + (i,))


def _walk_cond(cond: Cond, path: tuple):
    yield path, cond
    for i, part in enumerate(cond.parts()):
        yield from _walk_cond(part, path + (i,))


def _with_choose(body: Node) -> tuple[set, int]:
    """The ids of the nodes with a Choose at or below them, and the number of their
    occurrences: paths from the root to such a node, summed over those nodes (each
    distinct node visited once)."""
    has: dict = {}
    order: list = []  # nodes with a Choose below, children before parents

    def visit(node: Node) -> bool:
        if id(node) not in has:
            below = [visit(c) for c in node.children()]  # every child, not just to the first
            has[id(node)] = isinstance(node, Choose) or any(below)
            if has[id(node)]:
                order.append(node)
        return has[id(node)]

    visit(body)
    paths = {id(n): 0 for n in order}
    paths[id(body)] = 1
    for node in reversed(order):  # parents before children
        for child in node.children():
            if has[id(child)]:
                paths[id(child)] += paths[id(node)]
    return {id(n) for n in order}, sum(paths[id(n)] for n in order)


QueryKey = tuple  # (polynomial in seat variables ("s", i, k), threshold, machine)


@lru_cache(maxsize=1 << 16)  # queries are immutable; the interpreter asks for keys often
def query_key(query: Query, seat: int) -> QueryKey:
    """The identity of a query asked by the agent in ``seat``: its polynomial in the two
    players' absolute strategies (``("s", i, k)``), its threshold and its machine label.

    >>> from verifier.model.poly import var
    >>> mine = query_key(Query(var("opp", 0), Fraction(1, 2)), 0)   # P2(C) > 1/2, asked by 1
    >>> mine == query_key(Query(var("self", 0), Fraction(1, 2)), 1)  # P_self(C) > 1/2, by 2
    True
    """
    def absolute(v):
        if isinstance(v, tuple) and v[0] in ("self", "opp"):
            return ("s", seat if v[0] == "self" else 1 - seat, v[1])
        return v
    return (query.poly.rename(absolute), query.threshold, query.machine)


def _role_groups():
    return (lambda v: v[0] == "self", lambda v: v[0] == "opp")


def _check_poly(poly: Poly, prog: Program, what: str) -> None:
    if not isinstance(poly, Poly):
        raise AgentError(f"{prog.name}: {what} must be a polynomial, got {poly!r}")
    for v in poly.variables():
        ok = is_symbol(v) or (isinstance(v, tuple) and len(v) == 2 and v[0] in ("self", "opp")
              and isinstance(v[1], int)
              and 0 <= v[1] < (prog.n_self if v[0] == "self" else prog.n_opp))
        if not ok:
            raise AgentError(f"{prog.name}: {what} uses unknown variable {v!r}")


def _check_probability(p: Poly, prog: Program) -> None:
    """A Mix probability must lie in [0, 1]: checked exactly where that is decidable here.

    Constants directly; polynomials affine in each player's strategy at the
    pure profiles (their extremes). Others are checked by the interpreter at
    each profile it meets.
    """
    if symbols_of(p):
        return  # symbolic: the parameters' requirements bound it
    if p.is_constant():
        values = [p.constant_value()]
    elif p.is_multiaffine(_role_groups()):
        values = [p.evaluate({**{("self", k): int(k == a) for k in range(prog.n_self)},
                              **{("opp", k): int(k == b) for k in range(prog.n_opp)}})
                  for a in range(prog.n_self) for b in range(prog.n_opp)]
    else:
        return
    if any(not 0 <= v <= 1 for v in values):
        raise AgentError(f"{prog.name}: Mix probability {p} leaves [0, 1]")


def validate(prog: Program) -> None:
    """Raise AgentError unless the program is well formed."""
    if isinstance(prog.delta, Poly):
        if not all(is_symbol(v) for v in prog.delta.variables()):
            raise AgentError(f"{prog.name}: delta must be a number or an expression in "
                             f"parameters, got {prog.delta}")
    elif prog.delta is not None and not (0 < prog.delta):
        raise AgentError(f"{prog.name}: delta must be positive, got {prog.delta}")
    if not (isinstance(prog.reading, tuple) and all(
            isinstance(kv, tuple) and len(kv) == 2 and kv[0] in KEYS and kv[1] in KEYS[kv[0]]
            for kv in prog.reading)):
        raise AgentError(f"{prog.name}: reading must be ((key, value), ...) with keys "
                         f"{', '.join(KEYS)}")
    if dict(prog.reading).get("estimates", prog.estimates) != prog.estimates:
        raise AgentError(f"{prog.name}: its reading says estimates="
                         f"{dict(prog.reading)['estimates']}, its program {prog.estimates}")
    if prog.estimates not in ("box", "grid"):
        raise AgentError(f"{prog.name}: estimates must be 'box' or 'grid', got {prog.estimates!r}")
    if prog.estimates == "grid" and isinstance(prog.delta, Poly):
        raise AgentError(f"{prog.name}: estimates=grid needs a concrete delta (the grid "
                         f"n*delta/2 has unboundedly many points as delta varies)")
    if prog.estimates == "grid" and max(prog.n_self, prog.n_opp) > 2 and \
            prog.delta is not None and (2 / prog.delta).denominator != 1:
        raise AgentError(f"{prog.name}: estimates=grid with more than two actions needs 2/delta "
                         f"to be an integer (so that grid points of the simplex lie near every "
                         f"profile)")
    nodes, conds = prog.distinct()
    for node in nodes:
        if isinstance(node, Play):
            if len(node.dist) != prog.n_self or any(p < 0 for p in node.dist) \
                    or sum(node.dist) != 1:
                raise AgentError(f"{prog.name}: Play({node.dist}) is not a distribution "
                                 f"over {prog.n_self} actions")
        elif isinstance(node, Mix):
            _check_poly(node.prob, prog, "a Mix probability")
            _check_probability(node.prob, prog)
        elif isinstance(node, Choose):
            if not node.options:
                raise AgentError(f"{prog.name}: Choose needs at least one option")
        elif isinstance(node, PlayEstimate):
            if prog.delta is None:
                raise AgentError(f"{prog.name}: PlayEstimate needs an estimate precision delta")
        elif not isinstance(node, If):
            raise AgentError(f"{prog.name}: {node!r} is not an agent node")
    for cond in conds:
        if isinstance(cond, Query):
            _check_poly(cond.poly, prog, "a Query")
            if not isinstance(cond.machine, str):
                raise AgentError(f"{prog.name}: a Query's machine label is a string")
        elif isinstance(cond, (SurelyCone, SurelyOutside)):
            _check_box_condition(cond, prog)
        elif isinstance(cond, Surely):
            _check_poly(cond.poly, prog, "a Surely condition")
            if cond.op not in SURELY_OPS:
                raise AgentError(f"{prog.name}: Surely comparison must be one of {SURELY_OPS}")
            if not cond.poly.is_multiaffine(_role_groups()):
                raise AgentError(f"{prog.name}: Surely needs a polynomial affine in each "
                                 f"player's strategy, got {cond.poly}")
            if prog.delta is None:
                raise AgentError(f"{prog.name}: Surely needs an estimate precision delta")
        elif not isinstance(cond, (AllOf, AnyOf, Negation, Constant)):
            raise AgentError(f"{prog.name}: {cond!r} is not a condition")


def _check_box_condition(cond, prog: Program) -> None:
    """SurelyCone and SurelyOutside: well-formed, multi-affine, with an estimate."""
    if isinstance(cond, SurelyCone):
        ok = isinstance(cond.gains, tuple) and cond.gains and all(
            isinstance(g, tuple) and len(g) == 2 for g in cond.gains)
        if not ok:
            raise AgentError(f"{prog.name}: SurelyCone takes a non-empty tuple of "
                             f"(when_self_moves, when_opp_moves) pairs")
        polys = [p for g in cond.gains for p in g]
    else:
        if not (isinstance(cond.polys, tuple) and cond.polys):
            raise AgentError(f"{prog.name}: SurelyOutside takes a non-empty tuple of polynomials")
        if prog.n_self != 2 or prog.n_opp != 2:
            raise AgentError(f"{prog.name}: SurelyOutside (region_test=exact) is for games "
                             f"where both players have two actions")
        polys = list(cond.polys)
    name = type(cond).__name__
    for p in polys:
        _check_poly(p, prog, f"a {name} polynomial")
        if not p.is_multiaffine(_role_groups()):
            raise AgentError(f"{prog.name}: {name} needs polynomials affine in each player's "
                             f"strategy, got {p}")
    if prog.delta is None:
        raise AgentError(f"{prog.name}: {name} needs an estimate precision delta")


def __getattr__(name: str):
    """`Agent`, `SeatView` and `prob` moved to `verifier.model.builders`; these names are
    kept here for one version (docs/architecture.md, "Moved modules")."""
    if name in ("Agent", "SeatView", "prob"):
        from . import builders
        return getattr(builders, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
