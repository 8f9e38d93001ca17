"""Shared exact fixtures."""

from fractions import Fraction

import pytest

from verifier import builtin_game, parse_agent

F = Fraction


@pytest.fixture(scope="session")
def pd_a():
    return builtin_game("pd-a")


@pytest.fixture(scope="session")
def pd_b():
    return builtin_game("pd-b")


def agents(*specs):
    return tuple(parse_agent(s) for s in specs)
