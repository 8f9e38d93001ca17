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
from .params import symbols_of
from .poly import Poly


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
        from .validation import validate  # it reads the node classes of this module
        validate(self)

    def __getstate__(self) -> dict:
        """Pickled without the cached values: ``choice_free`` and ``shapes`` hold ``id``s,
        which a copy's nodes do not have."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def __setstate__(self, state: dict) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)

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
        return list(self._queries)

    @cached_property
    def _queries(self) -> tuple:
        return tuple(dict.fromkeys(c for c in self._distinct[1] if isinstance(c, Query)))

    def query_keys(self, seat: int):
        """The distinct keys (:func:`query_key`) of the program's queries when it sits in
        ``seat``, in the order of :meth:`queries`: the queries a tie probability may be given
        for (a read-only, ordered view with constant-time membership). Raises KeyError
        for a seat other than 0 or 1."""
        return self._query_keys[seat].keys()

    @cached_property
    def _query_keys(self) -> dict:
        return {seat: dict.fromkeys(query_key(q, seat) for q in self._queries) for seat in (0, 1)}

    def distinct(self) -> tuple[list, list]:
        """Each distinct node and condition once: shared subtrees are visited once, so
        this is linear in the program's size even where its paths are exponential."""
        return list(self._distinct[0]), list(self._distinct[1])

    @cached_property
    def _distinct(self) -> tuple[tuple, tuple]:
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
        return tuple(nodes.values()), tuple(conds.values())

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
    def shapes(self) -> dict:
        """For each node (``id(node)``), the index of its subtree's shape: equal subtrees,
        the same object or not, get one index. The compiler and the interpreter key what
        they evaluate once per run by it, so that a program and a copy of it that shares
        other subtrees (a certificate's decoded program) give the same system."""
        index: dict = {}
        shape_of: dict = {}
        conds = self.cond_shapes

        def visit(node: Node) -> int:
            if id(node) not in shape_of:
                children = tuple(visit(c) for c in node.children())
                own = {Play: lambda: node.dist, Mix: lambda: node.prob,
                       If: lambda: conds[id(node.cond)]}.get(type(node), lambda: None)()
                shape_of[id(node)] = index.setdefault((type(node), own, children), len(index))
            return shape_of[id(node)]

        visit(self.body)
        return shape_of

    @cached_property
    def cond_shapes(self) -> dict:
        """For each condition (``id(cond)``), the index of its value, like :attr:`shapes`:
        equal conditions get one index, and each object is hashed once (a condition whose
        parts share objects has exponentially many paths)."""
        index: dict = {}
        shape_of: dict = {}

        def visit(cond: Cond) -> int:
            if id(cond) not in shape_of:
                parts = tuple(visit(c) for c in cond.parts())
                own = None if isinstance(cond, (AllOf, AnyOf, Negation)) else cond
                shape_of[id(cond)] = index.setdefault((type(cond), own, parts), len(index))
            return shape_of[id(cond)]

        for node in self.distinct()[0]:
            if isinstance(node, If):
                visit(node.cond)
        return shape_of

    @cached_property
    def asking(self) -> frozenset:
        """The ids of the conditions with an oracle Query in them (each visited once)."""
        asks: dict = {}

        def visit(cond: Cond) -> bool:
            if id(cond) not in asks:
                below = [visit(c) for c in cond.parts()]  # every part, not just to the first
                asks[id(cond)] = isinstance(cond, Query) or any(below)
            return asks[id(cond)]

        for cond in self.distinct()[1]:
            visit(cond)
        return frozenset(k for k, v in asks.items() if v)

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


def __getattr__(name: str):
    """`Agent`, `SeatView` and `prob` moved to `verifier.model.builders`; these names are
    kept here for one version (docs/architecture.md, "Moved modules")."""
    if name in ("Agent", "SeatView", "prob"):
        from . import builders
        return getattr(builders, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
