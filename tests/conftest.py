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


@pytest.fixture(scope="session")
def certificate_schema():
    """docs/certificate.schema.json, parsed."""
    import json
    from pathlib import Path
    return json.loads((Path(__file__).parent.parent / "docs" / "certificate.schema.json")
                      .read_text())


def agents(*specs):
    return tuple(parse_agent(s) for s in specs)
