"""Security values of a game with symbolic payoffs: the saddle point a region fixes.

A game such as ``pd(T,R,P,S)`` has no number for a player's security value until the
region says which pure pair of actions is a saddle point of that player's payoffs, with
its action the only best reply
(:meth:`verifier.model.games.Game.saddle_candidates`). :func:`bind_security` asks a
solver, for each candidate in order, whether the region implies its conditions, and binds
the first that it does; the conditions then become requirements of every program that
reads the security value, which the certificates re-prove ("the region gives the agents
..."), so this choice is only a search step. :func:`security_cases` lists the
candidates that some part of the region allows: the case split to state when no single
candidate covers the region. Source: docs/references.md [armstrong2016] (the security
value "min" of LP and neLP).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import product

from ..encoding import smt
from ..encoding.smt import SolverUnknown, Z3Queries
from ..model.games import Game
from ..model.params import ParameterError, Region
from ..model.poly import Not, atom_text, conj

Saddle = tuple  # (own action index, opponent's action index)


@dataclass(frozen=True)
class SecurityCase:
    """One case of a player's security value on a region: the saddle (a Saddle), the
    atoms over the symbols that make it one, and the value there (a Poly or Fraction)."""

    player: int
    saddle: Saddle
    atoms: tuple
    value: object

    def text(self, game: Game) -> str:
        """The case in words: 'player 1 plays D (value P) when P - S >= 0, ...'."""
        a, _ = self.saddle
        where = ", ".join(atom_text(x) for x in self.atoms) or "always"
        return (f"player {self.player + 1} plays {game.actions[self.player][a]} "
                f"(security value {self.value}) when {where}")


def _implied(region: Region, atoms, queries: Z3Queries) -> bool:
    """Whether the solver shows that the region implies every atom (an unknown is no)."""
    try:
        return all(queries.model(smt.formulas(region.formulas + [Not(x)])) is None
                   for x in atoms)
    except SolverUnknown:
        return False


def security_cases(game: Game, region: Region, queries: Z3Queries) -> list[SecurityCase]:
    """For each player, the saddle candidates whose conditions some point of the region
    satisfies (solver queries; an unknown keeps the candidate), in the order of the
    actions; of pairs with the same action, value and conditions, the first."""
    out, seen = [], set()
    for player in (p for p in (0, 1) if game.player_symbols(p)):
        for pair, atoms in game.saddle_candidates(player):
            # two pairs of one action, value and conditions are one case
            key = (player, pair[0], str(game.payoff(player, *pair)),
                   tuple(sorted(atom_text(x) for x in atoms)))
            if key in seen:
                continue
            seen.add(key)
            try:
                possible = queries.model(smt.formulas(region.formulas + list(atoms))) is not None
            except SolverUnknown:
                possible = True
            if possible:
                out.append(SecurityCase(player, pair, tuple(atoms),
                                        game.payoff(player, *pair)))
    return out


def _pick(game: Game, region: Region, player: int, queries: Z3Queries) -> Saddle | None:
    """The first saddle candidate of ``player`` whose conditions the region implies."""
    return next((pair for pair, atoms in game.saddle_candidates(player)
                 if _implied(region, atoms, queries)), None)


def bind_security(game: Game, region: Region | None, queries: Z3Queries) -> Game:
    """The game with each player's strict saddle point bound for the region (unchanged when
    concrete or already bound). A player whose security value differs across the region
    gets none: building an agent that reads it raises GameError with the cases."""
    if not game.symbols or game.saddle is not None or region is None:
        return game
    chosen, why = [], []
    for player in (0, 1):
        pick = _pick(game, region, player, queries) if game.player_symbols(player) else None
        chosen.append(pick)
        if pick is None:
            cases = "; ".join(c.text(game) for c in security_cases(game, region, queries)
                              if c.player == player)
            why.append(f"on {region.text} the cases are: "
                       f"{cases or 'none with a pure saddle point'}; state one in "
                       f"the region (`rov game GAME --assume REGION` writes each case's "
                       f"region)")
        else:
            why.append("")
    saddle = None if chosen == [None, None] else tuple(chosen)
    return replace(game, saddle=saddle, unresolved=tuple(why))


@dataclass(frozen=True)
class PlayerSecurity:
    """A player's security value on a region: the bound saddle (a Saddle, or None when it
    depends on the case or the player's payoffs are numbers), its cases (SecurityCase), and
    whether the solver showed that the cases cover the region (None: it could not tell)."""

    player: int
    saddle: Saddle | None
    cases: tuple
    covered: bool | None

    def to_json(self, game: Game, region: Region) -> dict:
        """The report as JSON: action names, exact values as text, each case's region."""
        def names(pair):
            return [game.actions[self.player][pair[0]], game.actions[1 - self.player][pair[1]]]
        concrete = not game.player_symbols(self.player)
        return {"player": self.player + 1,
                "saddle": None if self.saddle is None else names(self.saddle),
                "value": str(game.security_value(self.player)) if concrete else
                None if self.saddle is None else str(game.payoff(self.player, *self.saddle)),
                "covered": self.covered,
                "cases": [{"saddle": names(c.saddle), "value": str(c.value),
                           "conditions": [atom_text(x) for x in c.atoms],
                           "assume": case_region(region, c)} for c in self.cases]}


def case_region(region: Region, case: SecurityCase) -> str:
    """The region of one case, as text for ``--assume``."""
    return ", ".join([region.text] + [atom_text(x) for x in case.atoms])


def security_report(game: Game, region: Region, queries: Z3Queries) -> list[PlayerSecurity]:
    """For each player: the saddle :func:`bind_security` would bind on the region, the cases
    some part of the region allows, and whether they cover it (a solver query: no point of
    the region outside every case; unknown is None). Raises ParameterError for an empty
    region."""
    if queries.model(smt.formulas(region.formulas)) is None:
        raise ParameterError(f"no parameter value satisfies the assumptions {region.text!r}")
    cases = security_cases(game, region, queries)
    out = []
    for player in (0, 1):
        if not game.player_symbols(player):
            out.append(PlayerSecurity(player, None, (), True))
            continue
        mine = tuple(c for c in cases if c.player == player)
        outside = region.formulas + [Not(conj(list(c.atoms))) for c in mine]
        try:
            covered = queries.model(smt.formulas(outside)) is None
        except SolverUnknown:
            covered = None
        out.append(PlayerSecurity(player, _pick(game, region, player, queries), mine, covered))
    return out


BOUNDARIES = ("the points where a player has several maximin strategies (the boundaries "
              "between the cases), or only a mixed one, lie in no case")


def reader_cases(game: Game, agents: tuple, region: Region,
                 queries: Z3Queries | None = None) -> list:
    """:func:`case_regions` for the seats whose agent reads a security value that the
    region does not fix (the agents that cannot be built on it): [] when none does.
    ``queries``: default limits when None."""
    from ..model.agents import AgentError
    queries = queries or Z3Queries()
    bound = bind_security(game, region, queries)
    readers = []
    for seat, agent in enumerate(agents):
        try:
            agent.program(bound, seat)
        except AgentError:
            readers.append(seat)
    return case_regions(game, region, queries, readers) if readers else []


def case_regions(game: Game, region: Region, queries: Z3Queries,
                 players=(0, 1)) -> list[tuple]:
    """The case split of a region that fixes no saddle point for some of ``players`` (those
    whose value an agent reads) with symbolic payoffs: one (region text for ``--assume``,
    its SecurityCases) per combination of those players' cases that some point satisfies
    (solver queries; an unknown keeps it), each region once, its conditions each once. []
    when every such player is bound on the region. Points where a player has several
    maximin strategies, or a mixed one, lie in no case."""
    bound = bind_security(game, region, queries)
    open_players = [p for p in players if game.player_symbols(p)
                    and (bound.saddle is None or bound.saddle[p] is None)]
    if not open_players:
        return []
    cases = security_cases(game, region, queries)
    out, seen = [], set()
    for combination in product(*([c for c in cases if c.player == p] for p in open_players)):
        atoms = list({atom_text(x): x for c in combination for x in c.atoms}.values())
        text = ", ".join([region.text] + [atom_text(x) for x in atoms])
        if text in seen:  # two saddles of the same action and conditions: one case
            continue
        seen.add(text)
        try:
            possible = queries.model(smt.formulas(region.formulas + atoms)) is not None
        except SolverUnknown:
            possible = True
        if possible:
            out.append((text, combination))
    return out
