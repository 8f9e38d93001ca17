"""Certificates: every kind re-verifies, z3 is not needed for witness and farkas,
and any single change to a certificate is caught with a message saying what."""

import copy
import json
import subprocess
import sys

import pytest

from verifier import builtin_game, parse_agent
from verifier.evidence.certificates import check, content_hash
from verifier.claims.claims import claim_certificate, load_claims
from verifier.decision.solver import Pair


def _claim_cert(claim_id, farkas_seconds=20.0, **options):
    claim, = [c for c in load_claims(["proofs/"]) if c.id == claim_id]
    return claim_certificate(claim, claim.run(60), farkas_seconds=farkas_seconds, **options)


@pytest.fixture(scope="module")
def certs():
    pair = Pair(builtin_game("pd-a"), (parse_agent("nicerbot(eps=1/10)"),
                                       parse_agent("nicerbot(eps=1/10)")))
    solved = pair.certificate(pair.solve(find_all=True))
    return {"witness": _claim_cert("C13-whenever-pd-a"),     # fails: a counterexample
            "farkas": _claim_cert("C1"),                     # unique: witness + Farkas
            "solver-agreed": _claim_cert("L1-tight-a-pd-a", farkas_seconds=0,
                                         positivstellensatz_seconds=0),
            "optimum": _claim_cert("C13-tight-a-pd-a"),
            "solve": solved}


def test_each_kind_re_verifies(certs):
    assert certs["witness"]["kind"] == "witness"
    assert certs["farkas"]["kind"] == "farkas"
    assert certs["solver-agreed"]["kind"] == "solver-agreed"
    for name, cert in certs.items():
        report = check(json.loads(json.dumps(cert)))
        assert report.ok, (name, report.problem)
    assert "agreement, not a proof" in check(certs["solver-agreed"]).line()


def test_solver_agreed_evidence_re_verifies_again_in_the_same_process(certs):
    # Z3 now decides in a child process: its state after one certificate cannot change
    # the next (the same certificate twice once ran past 5 minutes in one process)
    for _ in range(2):
        assert check(json.loads(json.dumps(certs["solver-agreed"]))).ok
    from verifier.evidence.agreement import decide_z3
    assert decide_z3("(declare-fun x () Real)(assert (> (* x x) 2))(check-sat)", 5) == "sat"
    assert decide_z3("(assert (> 0 1))(check-sat)", 5) == "unsat"
    assert decide_z3("(assert (> y 1))", 5).startswith("error: ")


def test_solver_agreed_needs_the_solvers(certs):
    report = check(certs["solver-agreed"], run_solvers=False)
    assert not report.ok and "not re-verifiable" in report.problem


def test_witness_and_farkas_check_without_z3(certs, tmp_path):
    files = []
    for name in ("witness", "farkas", "solve"):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(certs[name]))
        files.append(str(path))
    code = ("import sys; sys.modules['z3'] = None\n"  # any import of z3 now fails
            "from verifier.apps.cli import main\n"
            f"status = main(['check', *{files!r}])\n"
            "assert 'z3' not in sys.modules or sys.modules['z3'] is None\n"
            "sys.exit(status)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 re-verified, 0 failed" in done.stdout


def _rehashed(cert):
    cert["hash"] = content_hash(cert)
    return cert


def _mutations(cert):
    """(what, change) pairs: each alters one value of the certificate."""
    def at(*keys):
        def get(c):
            for k in keys[:-1]:
                c = c[k]
            return c, keys[-1]
        return get

    out = [("verdict", lambda c: c.__setitem__(
               "verdict", {"holds": "fails", "fails": "holds", "solved": "holds"}[c["verdict"]])),
           ("payoff", lambda c: c["problem"]["game"]["payoffs"][0][0].__setitem__(0, "7/2")),
           ("kind", lambda c: c.__setitem__("kind", "witness" if c["kind"] != "witness"
                                            else "farkas"))]
    program = cert["problem"]["agents"][0]["program"]
    if program["delta"] is not None:
        out.append(("parameter", lambda c: c["problem"]["agents"][0]["program"]
                    .__setitem__("delta", "1/999")))
    out.append(("spec", lambda c: c["problem"]["agents"][0].__setitem__(
        "spec", "nicerbot(eps=1/7)")))
    question = cert["problem"]["question"]
    if "formula" in question:
        out.append(("claim", lambda c: c["problem"]["question"].__setitem__(
            "formula", {"not": c["problem"]["question"]["formula"]})))
    if question["type"] == "extreme":
        out.append(("claim", lambda c: c["problem"]["question"].__setitem__("sense", "max")))
    result = cert["result"]
    if "witness" in result:
        out.append(("witness", lambda c: c["result"]["witness"]["profile"][0].__setitem__(
            0, "1/3")))
    for ev in cert["evidence"]:
        if ev["kind"] == "farkas":
            out.append(("smtlib", lambda c: c["evidence"][-1].__setitem__(
                "smtlib", c["evidence"][-1]["smtlib"].replace("0.0)", "1.0)", 1))))
            out.append(("multiplier", lambda c: _bump_multiplier(c["evidence"][-1])))
            out.append(("lemma dropped", lambda c: c["evidence"][-1]["lemmas"].pop()))
    return out


def _bump_multiplier(ev):
    for lemma in ev["lemmas"]:
        for key in ("linear", "products", "equalities"):
            if key in lemma:
                row = lemma[key][0]
                row[-1] = str(int(row[-1].split("/")[0]) + 1) + (
                    "/" + row[-1].split("/")[1] if "/" in row[-1] else "")
                return
    raise AssertionError("no multiplier")


@pytest.mark.parametrize("name", ["witness", "farkas", "solver-agreed", "optimum", "solve"])
def test_every_single_change_is_caught(certs, name):
    base = certs[name]
    for what, change in _mutations(base):
        plain = copy.deepcopy(base)
        change(plain)
        assert plain != base, what
        assert "content hash" in check(plain).problem, what  # caught by the hash at once
        forged = _rehashed(plain)  # a forger recomputes the hash: the real checks must catch it
        report = check(forged, run_solvers=(name == "solver-agreed"))
        assert not report.ok, f"{name}: changing the {what} was not caught"
        assert report.problem, what


def test_wrong_schema_version_and_garbage():
    assert "version" in check({"format": "rov-certificate", "version": 99}).problem
    assert not check([1, 2, 3]).ok
    assert "format" in check({"format": "something else"}).problem


def test_certificates_validate_against_the_json_schema(certs, certificate_schema):
    """docs/certificate.schema.json describes what the writer produces (every kind)."""
    import jsonschema
    for cert in certs.values():
        jsonschema.validate(json.loads(json.dumps(cert)), certificate_schema)
