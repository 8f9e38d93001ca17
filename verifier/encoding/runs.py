"""The encoding of one run of one program (docs/semantics.md, sections 3-6): the
conditions of its ``If`` nodes as formulas over the run's estimate and the shared tie
variables, and its output as polynomials in them. `RunEncoder` adds what it needs to a
`verifier.encoding.compiler.System`; `RunVars` are the variables of one run.

Raises `UnknownNode` on a node or condition kind it does not handle. Never imports z3.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations_with_replacement, product
from typing import TYPE_CHECKING

from ..errors import UnknownNode
from ..model.agents import (AgentError, AllOf, AnyOf, Choose, Cond, Constant, If, Mix, Negation,
                            Node, Play, PlayEstimate, Program, Query, Surely, SurelyCone,
                            SurelyOutside, query_key)
from ..model.poly import Atom, Formula, Not, Poly, Truth, conj, disj, implies, rates_meet, some_rates

if TYPE_CHECKING:  # the system a run is added to (compiler imports this module)
    from .compiler import System


@dataclass
class RunVars:
    """The variables of one run: its estimate, choices and output."""

    output: list  # Polys, one per own action
    estimate: tuple | None = None  # (own Polys, opponent Polys)
    conds: dict = field(default_factory=dict)  # If path -> BoolVar (query-free conditions)
    choices: dict = field(default_factory=dict)  # Choose path -> [BoolVar]
    weight: Poly | None = None


# pairs of rows one cone test may write (3 x 3 actions: 72 rows, 2628 pairs; 4 x 4: 664 128)
MAX_CONE_ROW_PAIRS = 10000

_NEGATED = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}
_CLOSED = {"<": "<=", "<=": "<=", ">": ">=", ">=": ">="}


def _meet_on_segment(f: tuple, g: tuple) -> Formula:
    """Some point of a segment has f >= 0 and g >= 0, for f and g affine along it with
    values (f0, f1) and (g0, g1) at its ends (the sets where each holds are intervals
    reaching an end of the segment)."""
    (f0, f1), (g0, g1) = f, g
    return disj([conj([f0 >= 0, g0 >= 0]), conj([f1 >= 0, g1 >= 0]),
                 conj([f0 >= 0, g1 >= 0, f0 * g1 - f1 * g0 >= 0]),
                 conj([g0 >= 0, f1 >= 0, g0 * f1 - g1 * f0 >= 0])])


class RunEncoder:
    """Encodes one run of one program into ``system``: its conditions (as formulas over
    the run's estimate and the shared tie variables) and its output terms (Polys, one per
    own action), adding the constraints they need to the system as it goes."""

    def __init__(self, system: System, prog: Program, seat: int, run: RunVars,
                 own: list, opp: list, vertices, stem: str):
        self.s, self.prog, self.seat, self.run = system, prog, seat, run
        self.own, self.opp, self.vertices, self.stem = own, opp, vertices, stem
        self._memo: dict = {}  # (id of a box condition, positive) -> its formula in this run
        self._shared: dict = {}  # (shape of another condition, positive or "prob") -> its term
        self._outputs: dict = {}  # shape of a Choose-free node -> its output terms in this run
        self._at_points: dict = {}  # Poly -> its values at the pairs of box points

    def true_term(self, poly: Poly) -> Poly:
        """A polynomial in the agent-relative variables, at the true profile (the system's
        strategy terms)."""
        return poly.substitute({("self", k): x for k, x in enumerate(self.own)}
                               | {("opp", k): x for k, x in enumerate(self.opp)})

    def at(self, poly: Poly, v_self: list, v_opp: list) -> Poly:
        """A polynomial at a vertex of the estimate boxes."""
        return poly.substitute({("self", k): x for k, x in enumerate(v_self)}
                               | {("opp", k): x for k, x in enumerate(v_opp)})

    def _op(self, op: str, positive: bool) -> str:
        op = op if positive else _NEGATED[op]
        return _CLOSED[op] if self.s.closed and positive else op

    # -- two-valued conditions -------------------------------------------------
    def cond(self, cond: Cond, path: tuple, positive: bool) -> Formula:
        """A query-free condition (``positive``) or its negation, negations pushed in.

        In a closed system strict "surely" comparisons are relaxed to weak
        ones where they occur positively: every constraint is then closed,
        and the system describes a closed superset of the fixed points.
        """
        # a query-free condition depends only on the run's estimate, not on where it occurs;
        # keyed by its value, so that equal conditions (one object or not) agree
        key = (self.prog.cond_shapes[id(cond)], positive)
        if isinstance(cond, (Surely, SurelyCone, SurelyOutside)):
            if key not in self._memo:
                encode = {Surely: self._surely, SurelyCone: self._cone,
                          SurelyOutside: self._outside}[type(cond)]
                self._memo[key] = encode(cond, positive)
            return self._memo[key]
        if key not in self._shared:
            self._shared[key] = self._compound(cond, path, positive)
        return self._shared[key]

    def _compound(self, cond: Cond, path: tuple, positive: bool) -> Formula:
        if isinstance(cond, (AllOf, AnyOf)):
            parts = [self.cond(c, path + (i,), positive) for i, c in enumerate(cond.conds)]
            conjunctive = isinstance(cond, AllOf) == positive
            return conj(parts) if conjunctive else disj(parts)
        if isinstance(cond, Negation):
            return self.cond(cond.cond, path + (0,), not positive)
        if isinstance(cond, Constant):
            return Truth(cond.value == positive)
        raise UnknownNode(f"the compiler has no rule for the condition {cond!r}")

    def _at_pairs(self, poly: Poly) -> list:
        """A polynomial's values at the pairs of points of the two estimate boxes
        (:func:`verifier.encoding.boxes.box_points`); computed once per polynomial, for the
        condition and its negation alike."""
        if poly not in self._at_points:
            self._at_points[poly] = [self.at(poly, v_self, v_opp)
                                       for v_self, v_opp in product(*self.vertices)]
        return self._at_points[poly]

    def _surely(self, cond: Surely, positive: bool) -> Formula:
        """The comparison at every pair of points of the estimate boxes."""
        op = self._op(cond.op, positive)
        atoms = [Atom(value, op) for value in self._at_pairs(cond.poly)]
        return conj(atoms) if positive else disj(atoms)

    def _cone(self, cond: SurelyCone, positive: bool) -> Formula:
        """Rates (1 - t, t), t in [0, 1], making every row (a, b) positive at every vertex.

        The set of good t for one row is an interval reaching 0 or 1, so by Helly's
        theorem in one dimension some t serves every row exactly when every two rows
        share one (:func:`verifier.model.poly.rates_meet`). With two actions each and gains that vanish when
        their mover already plays its target (LP's: a = s(x) alpha(y), b = r(y)
        beta(x)), the rows are first scaled by 1 / (s(x) r(y)), which leaves one row
        per payoff, the least alpha / r and the least beta / s over the vertices
        (:meth:`_factored_rows`); otherwise every vertex's rows are paired."""
        op = ">=" if self.s.closed and positive else ">"
        factored = self._factored_rows(cond, op)
        if factored is not None:
            axis, rows = factored
            holds = conj(axis + [some_rates(rows, op)])
        else:
            pairs = len(self.vertices[0]) * len(self.vertices[1])
            count = pairs * len(cond.gains)
            if count * (count + 1) // 2 > MAX_CONE_ROW_PAIRS:
                raise AgentError(
                    f"{self.prog.name}: its cone test on {self.prog.n_self} x {self.prog.n_opp} "
                    f"actions pairs every two of {count} rows, {count * (count + 1) // 2} "
                    f"pairs a condition (at most {MAX_CONE_ROW_PAIRS}); use directions=equal "
                    f"or fewer actions")
            at = [(self._at_pairs(a), self._at_pairs(b)) for a, b in cond.gains]
            rows = [(on_a[pair], on_b[pair]) for pair in range(pairs) for on_a, on_b in at]
            holds = conj([rates_meet(f, g, op) for j, f in enumerate(rows) for g in rows[j:]])
        return holds if positive else Not(holds)

    def _factored_rows(self, cond: SurelyCone, op: str):
        """For two actions each, when every gain a vanishes at one pure strategy of mine
        and every b at one of the opponent's: (conditions of the rows whose scale
        vanishes, [(A, B) per gain pair]) with A and B new variables defined as the
        least scaled coefficients; None otherwise."""
        prog = self.prog
        if prog.n_self != 2 or prog.n_opp != 2:
            return None

        def pure(role, k):
            return {(role, j): int(j == k) for j in range(2)}

        def vanishing(polys, role):
            for k in (0, 1):
                if all(p.substitute(pure(role, k)).is_constant() and
                       p.substitute(pure(role, k)).constant_value() == 0 for p in polys):
                    return k
            return None
        o_self = vanishing([a for a, _ in cond.gains], "self")
        o_opp = vanishing([b for _, b in cond.gains], "opp")
        if o_self is None or o_opp is None:
            return None
        key = ("rows", self.prog.cond_shapes[id(cond)])
        if key not in self._memo:
            xs, ys = self.vertices  # the two ends of my box and of the opponent's
            scale_x = [x[1 - o_self] for x in xs]  # a = scale_x * alpha(y)
            scale_y = [y[1 - o_opp] for y in ys]  # b = scale_y * beta(x)
            name = f"{self.stem}k{len(self._memo)}"
            rows, axis = [], []
            for w, (a, b) in enumerate(cond.gains):
                alpha = [a.substitute(pure("self", 1 - o_self) | {("opp", j): y[j] for j in (0, 1)})
                         for y in ys]
                beta = [b.substitute(pure("opp", 1 - o_opp) | {("self", j): x[j] for j in (0, 1)})
                        for x in xs]
                big_a, big_b = self.s.real_var(f"{name}a{w}"), self.s.real_var(f"{name}b{w}")
                for var, coeffs, scales in ((big_a, alpha, scale_y), (big_b, beta, scale_x)):
                    # var = the least coeff / scale over the vertices whose scale is positive
                    self.s.add(*(implies(sc > 0, var * sc <= c) for c, sc in zip(coeffs, scales)),
                                disj([conj([sc > 0, (var * sc).eq(c)])
                                      for c, sc in zip(coeffs, scales)]))
                rows.append((big_a, big_b))
                # a vertex where my scale is 0 needs b > 0 there (the opponent must move), and
                # where the opponent's scale is 0, a > 0; where both are, nothing moves
                for sx, bx in zip(scale_x, beta):
                    for sy in scale_y:
                        axis.append(implies(conj([sx.eq(0), sy > 0]), Atom(bx, op)))
                for sy, ay in zip(scale_y, alpha):
                    for sx in scale_x:
                        axis.append(implies(conj([sy.eq(0), sx > 0]), Atom(ay, op)))
            axis += [disj([Atom(sx, op), Atom(sy, op)]) for sx in scale_x for sy in scale_y]
            self._memo[key] = (axis, rows)
        return self._memo[key]

    def _outside(self, cond: SurelyOutside, positive: bool) -> Formula:
        """Negated: a profile of the box with every polynomial >= 0 (exact). Positive: along
        each of the box's four edges, two polynomials that are never both >= 0 (a
        necessary condition; the system is then ``relaxed``)."""
        lo_self, hi_self = self.vertices[0]
        lo_opp, hi_opp = self.vertices[1]
        name = f"{self.stem}k{len(self._memo)}"
        if not positive:
            x, y = self.s.real_var(name + "x"), self.s.real_var(name + "y")
            inside = [self.at(p, [x, 1 - x], [y, 1 - y]) >= 0 for p in cond.polys]
            return conj([lo_self[0] <= x, x <= hi_self[0], lo_opp[0] <= y, y <= hi_opp[0]]
                        + inside)
        self.s.relaxed = True
        corners = [(lo_self, lo_opp), (lo_self, hi_opp), (hi_self, hi_opp), (hi_self, lo_opp)]
        misses = []
        for (a_self, a_opp), (b_self, b_opp) in zip(corners, corners[1:] + corners[:1]):
            ends = [(self.at(p, a_self, a_opp), self.at(p, b_self, b_opp)) for p in cond.polys]
            misses.append(disj([Not(_meet_on_segment(f, g))
                                for f, g in combinations_with_replacement(ends, 2)]))
        return conj(misses)

    # -- probabilities of conditions with queries ---------------------------------
    def prob(self, cond: Cond, path: tuple) -> Poly:
        """The probability that a condition holds: a polynomial in the q's (every call an
        independent draw) and 0/1 indicators of its two-valued parts."""
        key = (self.prog.cond_shapes[id(cond)], "prob")  # the same in every place of the run
        if key not in self._shared:
            self._shared[key] = self._prob(cond, path)
        return self._shared[key]

    def _prob(self, cond: Cond, path: tuple) -> Poly:
        s = self.s
        if isinstance(cond, Query):
            return s.tie[query_key(cond, self.seat)]
        if isinstance(cond, (AllOf, AnyOf)):
            parts = [self.prob(c, path + (i,)) for i, c in enumerate(cond.conds)]
            if isinstance(cond, AllOf):
                out = Poly.const(1)
                for p in parts:
                    out = out * p
                return out
            miss = Poly.const(1)
            for p in parts:
                miss = miss * (1 - p)
            return 1 - miss
        if isinstance(cond, Negation):
            return 1 - self.prob(cond.cond, path + (0,))
        if isinstance(cond, Constant):
            return Poly.const(int(cond.value))
        flag = s.bool_var(f"{self.stem}b{_path_name(path)}")
        s.add(implies(flag, self.cond(cond, path, True)),
               implies(Not(flag), self.cond(cond, path, False)))
        return s.indicator(flag, f"{self.stem}z{_path_name(path)}")

    # -- outputs -----------------------------------------------------------------
    def node(self, node: Node, path: tuple) -> list:
        """The output terms of ``node`` (one Poly per own action), adding what it needs; raises
        UnknownNode on a kind it does not handle. A node with no Choose below is encoded
        once per run, at the first path that reaches it (:attr:`Program.choice_free`)."""
        if id(node) not in self.prog.choice_free:
            return self._node(node, path)
        shape = self.prog.shapes[id(node)]
        if shape not in self._outputs:
            self._outputs[shape] = self._node(node, path)
        return self._outputs[shape]

    def _node(self, node: Node, path: tuple) -> list:
        s = self.s
        if isinstance(node, Play):
            return [Poly.const(p) for p in node.dist]
        if isinstance(node, PlayEstimate):
            return list(self.run.estimate[0])
        if isinstance(node, Mix):
            p = self.true_term(node.prob)
            first, second = self.node(node.first, path + (0,)), self.node(node.second, path + (1,))
            return [p * a + (1 - p) * b for a, b in zip(first, second)]
        if isinstance(node, If) and id(node.cond) in self.prog.asking:
            p = self.prob(node.cond, path + ("c",))
            then, orelse = self.node(node.then, path + (0,)), self.node(node.orelse, path + (1,))
            out = [s.real_var(f"{self.stem}o{_path_name(path)}_{k}")
                   for k in range(self.prog.n_self - 1)]
            s.add(*(o.eq(b + p * (a - b)) for o, a, b in zip(out, then, orelse)))
            return out + [1 - sum(out, Poly())]
        if isinstance(node, If):
            flag = s.bool_var(f"{self.stem}if{_path_name(path)}")
            s.add(implies(flag, self.cond(node.cond, path + ("c",), True)),
                   implies(Not(flag), self.cond(node.cond, path + ("c",), False)))
            self.run.conds[path] = flag
            then, orelse = self.node(node.then, path + (0,)), self.node(node.orelse, path + (1,))
            return self._select([(flag, then), (Not(flag), orelse)], path)
        if isinstance(node, Choose):
            flags = [s.bool_var(f"{self.stem}ch{_path_name(path)}_{i}")
                     for i in range(len(node.options))]
            s.add(disj(flags))
            self.run.choices[path] = flags
            outs = [self.node(o, path + (i,)) for i, o in enumerate(node.options)]
            return self._select(list(zip(flags, outs)), path)
        raise UnknownNode(f"the compiler has no rule for the node {node!r}")

    def _select(self, cases: list, path: tuple) -> list:
        """Fresh output variables equal to the outputs of the case that holds."""
        s, n = self.s, self.prog.n_self
        out = [s.real_var(f"{self.stem}o{_path_name(path)}_{k}") for k in range(n - 1)]
        out.append(1 - sum(out, Poly()))
        for guard, values in cases:
            s.add(*(implies(guard, o.eq(v)) for o, v in zip(out[:-1], values[:-1])))
        return out


def _path_name(path: tuple) -> str:
    """A unique name fragment for a path: (1, 1) and (11,) must differ."""
    return "_".join(str(p) for p in path) or "root"


