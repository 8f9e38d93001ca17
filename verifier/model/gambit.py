"""Gambit game files: read ``.nfg`` (and ``.efg``, in reduced strategic form), write ``.nfg``.

Reading and writing go through pygambit, never a parser of our own. Payoffs
come out exact: pygambit gives ``Rational`` (a ``Fraction``) or, for numbers
written with a decimal point, ``Decimal``, which converts exactly. pygambit is
imported only here and only when a Gambit file is used (its import is slow).
"""

from __future__ import annotations

import io
import math
import re
from fractions import Fraction
from pathlib import Path

from .games import MAX_ACTIONS, MAX_GAME_FILE_BYTES, Game, GameError

SUFFIXES = (".nfg", ".efg")


def read_gambit(path: str | Path) -> Game:
    """A two-player game from a Gambit ``.nfg`` or ``.efg`` file, with one-line errors."""
    path = Path(path)
    if path.suffix == ".nfg":
        _check_declared_sizes(path)
    import pygambit as gbt
    reader = gbt.read_efg if path.suffix == ".efg" else gbt.read_nfg
    try:
        g = reader(str(path))
    except (OSError, ValueError, RuntimeError) as err:
        raise GameError(f"{path}: not a readable Gambit game ({_first_line(err)})") from None
    if path.suffix == ".efg":
        _check_strategy_counts(g, str(path))
    return from_pygambit(g, path.stem, str(path))


_NFG_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}]|[^\s{}"]+')  # a quoted string, a brace, a word
_DIGITS = re.compile(r"[0-9]+")  # a count (str.isdigit would take "²", which int() refuses)


def _check_declared_sizes(path: Path) -> None:
    """Refuse an ``.nfg`` file whose header declares more than ``MAX_ACTIONS`` strategies
    for a player, or more than ``MAX_ACTIONS ** 2`` outcomes in all (any number of players),
    before pygambit allocates its table (a 60-byte file may declare 10^16 outcomes). Reads
    at most ``MAX_GAME_FILE_BYTES``, and only as far as the header: ``NFG 1 R "title"
    { players } { counts }`` or ``{ { names } { names } }``, braces with or without spaces;
    a list of names is refused as soon as it is too long; a header it cannot follow is
    left to pygambit's own reader."""
    try:
        with path.open("rb") as handle:
            head = handle.read(MAX_GAME_FILE_BYTES).decode("utf-8", errors="replace")
    except OSError as err:
        raise GameError(f"{path}: cannot read ({err.strerror or err})") from None
    tokens = iter(m.group() for m in _NFG_TOKEN.finditer(head))

    def refuse(declared: str) -> GameError:
        return GameError(f"{path}: declares a {declared} game, more than {MAX_ACTIONS} "
                         f"strategies a player or {MAX_ACTIONS ** 2} outcomes")
    try:
        while next(tokens) != "{":  # NFG 1 R "title"
            pass
        while next(tokens) != "}":  # the players (quoted: a brace inside quotes is a name)
            pass
        if next(tokens) != "{":
            return
        sizes, token = [], next(tokens)
        while token != "}":
            if token == "{":  # a list of strategy names: count them
                count = 0
                while next(tokens) != "}":
                    count += 1
                    if count > MAX_ACTIONS:
                        raise refuse(" x ".join(map(str, sizes + [f"{count}+"])))
                sizes.append(count)
            elif _DIGITS.fullmatch(token):
                sizes.append(int(token))
            else:
                return
            token = next(tokens)
    except StopIteration:  # a short header: pygambit says what is wrong
        return
    if any(size > MAX_ACTIONS for size in sizes) or math.prod(sizes) > MAX_ACTIONS ** 2:
        raise refuse(" x ".join(map(str, sizes)))


MAX_PURE_STRATEGIES = 4096  # before reduction: the largest product of action counts computed


def _check_strategy_counts(g, where: str) -> None:
    """Refuse an extensive game whose players' pure strategies (products of the numbers of
    actions at their information sets) exceed ``MAX_PURE_STRATEGIES``, before the reduced
    strategic form is computed (it can be exponential in the size of the file)."""
    import pygambit as gbt
    for player in g.players:  # labels (pygambit 17)
        count = 1
        for member in g.get_infosets(player):  # one History per information set
            count *= len(g.get_actions(gbt.H.path(*member.actions)))
            if count > MAX_PURE_STRATEGIES:
                raise GameError(f"{where}: player {player or '?'} has more than "
                                f"{MAX_PURE_STRATEGIES} pure strategies before reduction "
                                f"(at most {MAX_ACTIONS} after it are supported)")


def from_pygambit(g, default_name: str, where: str = "game") -> Game:
    """Our exact Game from a pygambit game (extensive ones in reduced strategic form)."""
    players = list(g.players)
    if len(players) != 2:
        raise GameError(f"{where}: a game of {len(players)} players; only two-player games")
    labels = [list(g.get_strategies(p)) for p in players]  # players and strategies: labels
    if any(len(names) > MAX_ACTIONS for names in labels):
        raise GameError(f"{where}: more than {MAX_ACTIONS} strategies a player")
    tables = [[[Fraction(0)] * len(labels[1]) for _ in labels[0]] for _ in players]
    for a, first in enumerate(labels[0]):
        for b, second in enumerate(labels[1]):
            payoffs = g.get_payoffs({players[0]: first, players[1]: second})
            for i, p in enumerate(players):  # Rational or Decimal: both exact
                tables[i][a][b] = Fraction(payoffs[p])
    try:
        title = g.title or default_name
    except UnicodeDecodeError:
        title = default_name
    return Game(str(title), tuple(tuple(n) for n in labels),
                tuple(tuple(tuple(row) for row in t) for t in tables))


def nfg_text(game: Game) -> str:
    """The game as Gambit ``.nfg`` text (exact payoffs)."""
    import numpy as np
    import pygambit as gbt
    arrays = [np.array(game.payoffs[i], dtype=object) for i in (0, 1)]
    g = gbt.StrategicGame.from_arrays(*arrays, title=game.name)
    g.relabel_players({"1": "Player 1", "2": "Player 2"})
    for player, names in zip(("Player 1", "Player 2"), game.actions):
        g.relabel_strategies(player, dict(zip(g.get_strategies(player), names)))
    out = io.StringIO()
    g.to_nfg(out)
    return out.getvalue()


def _first_line(err: Exception) -> str:
    return str(err).splitlines()[0] if str(err) else type(err).__name__
