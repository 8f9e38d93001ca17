"""What a user types on the command line besides agent specs: an exact profile
("1/10,9/10;1,0") and an objective polynomial ("u1 + u2", "p1(C)").

Raises `UsageError` (an `InputError`) with a one-line message on anything else.
"""

from __future__ import annotations

import ast

from ..errors import InputError, UsageError
from ..model.games import Profile
from ..model.numbers import InexactNumberError, exact
from ..model.poly import Poly


def parse_profile(text: str, game) -> Profile:
    """ "1/10,9/10;1,0" -> exact profile, validated against the game."""
    parts = text.split(";")
    if len(parts) != 2:
        raise UsageError("a profile is two strategies separated by ';', e.g. \"1/10,9/10;1,0\"")
    profile = []
    for i, part in enumerate(parts):
        try:
            s = tuple(exact(x) for x in part.split(","))
        except InexactNumberError as err:
            raise UsageError(f"profile: {err}") from None
        n = game.num_actions(i)
        if len(s) != n or any(p < 0 for p in s) or sum(s) != 1:
            raise UsageError(f"profile: strategy {i + 1} ({part}) is not a distribution over "
                             f"{n} actions")
        profile.append(s)
    return tuple(profile)


def parse_objective(text: str, game) -> Poly:
    """A polynomial from text such as "u1", "u1 + u2", "p1(C)", "2*p1(C) - 1/2"."""
    from ..claims import Vars  # imports Z3: only commands that solve get here
    v = Vars(game)
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        raise UsageError(f"cannot read objective {text!r}") from None

    def build(node):
        if isinstance(node, ast.Expression):
            return build(node.body)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult)):
            left, right = build(node.left), build(node.right)
            return {ast.Add: left + right, ast.Sub: left - right,
                    ast.Mult: left * right}[type(node.op)]
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            right = build(node.right)
            if not right.is_constant() or right.constant_value() == 0:
                raise UsageError("objective: divide only by non-zero numbers")
            return build(node.left) * (1 / right.constant_value())
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = build(node.operand)
            return -inner if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool):
            return Poly.const(exact(node.value))
        if isinstance(node, ast.Name) and node.id in ("u1", "u2"):
            return getattr(v, node.id)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in ("p1", "p2") and len(node.args) == 1 and not node.keywords:
            arg = node.args[0]
            name = arg.id if isinstance(arg, ast.Name) else getattr(arg, "value", None)
            return getattr(v, node.func.id)(name)
        raise UsageError(f"objective: cannot read {ast.unparse(node)!r} (use u1, u2, p1(ACTION), "
                         f"p2(ACTION), numbers, + - * /)")

    try:
        return build(tree)
    except InputError as err:
        raise UsageError(f"objective: {err}") from None
