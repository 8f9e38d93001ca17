"""`rov check`: a certificate re-verified from its data alone, into a :class:`Report`.

The problem is rebuilt from the certificate (game, agents checked against the library,
region, question, result), the obligations the verdict needs are derived anew
(:mod:`verifier.checker.obligations`), each is discharged by its evidence
(:mod:`verifier.checker.kinds`), and the verdict must follow from them. Nothing here
finds evidence or imports a solver (docs/certificates.md, "What the checker trusts").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import Callable

from ..errors import EvidenceRejected, InputError
from ..model.agents import AgentError
from ..model.games import BUILTIN_GAMES, GameError, builtin_game, game_from_json, pd_game
from ..model.library import parse_agent
from ..model.numbers import compare
from ..model.params import ParameterError, parse_region
from .codec import decode_program, encode_program
from .format import FORMAT, ORACLE, READABLE, VERDICTS, VERSION, CertificateError, canonical, \
    content_hash, decode_question, decode_result, fields
from .kinds import KINDS, Context, check_evidence
from .obligations import needed_obligations


@dataclass(frozen=True)
class Report:
    """What checking one certificate found: ``ok`` only when everything re-verified."""

    ok: bool
    kind: str
    verdict: str
    subject: str
    checked: tuple  # one line per obligation
    problem: str = ""  # the first thing that did not check
    setting: str = ""  # the game and its payoffs' hash, the agents, the tie model, readings
    oracle_model: bool = True  # False: made with deterministic tie answers, not the oracle

    def line(self) -> str:
        """The report as one line of `rov check`: ok or FAILED, subject, verdict, evidence
        kind, the setting it holds in, and what was checked or the problem. A certificate
        made with deterministic tie answers says so in its status."""
        status = "FAILED" if not self.ok else "ok" if self.oracle_model else \
            "ok, but NOT under the oracle model (deterministic tie answers)"
        what = "; ".join(self.checked) if self.ok else self.problem
        where = f" in {self.setting}" if self.setting else ""
        return f"{status}: {self.subject}: {self.verdict} [{self.kind}]{where} - {what}"

    def to_json(self) -> dict:
        """The report as JSON data (`rov check --json`)."""
        return {"ok": self.ok, "kind": self.kind, "verdict": self.verdict,
                "subject": self.subject, "setting": self.setting,
                "oracle_model": self.oracle_model, "checked": list(self.checked),
                "problem": self.problem}


def check(cert, redecide: Callable | None = None) -> Report:
    """Re-verify a certificate (parsed JSON) from its data alone.

    ``redecide``: how solver-agreed evidence is decided again, a function (SMT-LIB text,
    seconds) -> the solvers' answers (:func:`verifier.evidence.agreement.solver_agreement`,
    which the checker never imports); None (``rov check --no-solvers``): such evidence
    fails. Malformed or wrong data never raises: it is a report that is not ``ok``
    (EvidenceRejected and InputError from the decoders and checks, ArithmeticError,
    RecursionError). Any other exception is a bug of the checker and propagates;
    `rov check` reports it as such (exit status 4), never as a verdict on the data.
    """
    subject, kind, verdict = "certificate", "?", "?"
    known: dict = {}  # the setting, as soon as the problem is decoded far enough to say it
    try:
        if not isinstance(cert, dict):
            raise CertificateError("a certificate is a JSON object")
        cert = fields(cert)
        if cert.get("format") != FORMAT:
            raise CertificateError(f"not a {FORMAT} (format is {cert.get('format')!r})")
        if cert.get("version") in (1, 2):
            raise CertificateError(f"schema version {cert['version']} was written under the "
                                   f"withdrawn per-position tie model (each call position its "
                                   f"own tie answer, an over-approximation of the oracle); "
                                   f"prove the claim again to get a version {VERSION} "
                                   f"certificate")
        if cert.get("version") not in READABLE:
            raise CertificateError(f"schema version {cert.get('version')!r} is not supported "
                                   f"(this checker reads versions "
                                   f"{', '.join(map(str, READABLE))})")
        if not (isinstance(cert.get("kind"), str) and isinstance(cert.get("verdict"), str)):
            raise CertificateError("kind and verdict: strings")
        kind, verdict = cert["kind"], cert["verdict"]
        claim = cert.get("claim")
        subject = claim["id"] if isinstance(claim, dict) and "id" in claim else "solve"
        if cert.get("hash") != content_hash(cert):
            raise CertificateError("the content hash does not match the content")
        checked = _check(cert, redecide, known)
        return Report(True, kind, verdict, subject, tuple(checked), "", **known)
    except (EvidenceRejected, InputError, ArithmeticError, RecursionError) as err:
        # malformed or wrong data: a failed check (a bug of ours raises instead)
        return Report(False, kind, verdict, subject, (), f"{type(err).__name__}: {err}",
                      **known)


def _check(cert: dict, redecide: Callable | None, known: dict) -> list:
    """The lines of what was checked; ``known`` gets the report's setting and oracle_model
    as soon as the game, agents and tie model are decoded (a failed check names them too)."""
    problem = cert["problem"]
    keys = {"game", "agents", "tie_randomization", "oracle", "question", "assumptions"}
    if not isinstance(problem, dict) or set(problem) != keys:
        raise CertificateError(f"problem: needs {', '.join(sorted(keys))}")
    assumptions = problem.get("assumptions")
    if assumptions is not None and not isinstance(assumptions, str):
        raise CertificateError("problem.assumptions: a string or null")
    try:
        region = None if assumptions is None else parse_region(assumptions)
    except ParameterError as err:
        raise CertificateError(f"problem.assumptions: {err}") from None
    if problem["oracle"] != ORACLE:
        raise CertificateError(f"oracle model {problem['oracle']!r} is not known (this checker "
                               f"knows {ORACLE!r})")
    game = game_from_json(problem["game"], where="problem.game")
    if game.name in BUILTIN_GAMES and \
            canonical(builtin_game(game.name).to_json()) != canonical(game.to_json()):
        raise CertificateError(f"the game is named {game.name!r} but is not the built-in "
                               f"{game.name} (its payoffs or actions differ)")
    if "".join(game.name.split()).startswith("pd(") and \
            canonical(replace(game, saddle=None).to_json()) != \
            canonical(_named_pd(game.name).to_json()):
        raise CertificateError(f"the game is named {game.name!r} but is not that prisoner's "
                               f"dilemma (its payoffs or actions differ)")
    agents = problem["agents"]
    if not (isinstance(agents, list) and len(agents) == 2):
        raise CertificateError("problem.agents: two agents")
    programs, notes, needs = [], [], []
    for seat, a in enumerate(agents):
        if not isinstance(a, dict) or set(a) != {"spec", "program"}:
            raise CertificateError(f"agent {seat + 1}: needs spec and program")
        prog = decode_program(a["program"], f"agent {seat + 1}")
        if (prog.n_self, prog.n_opp) != (game.num_actions(seat), game.num_actions(1 - seat)):
            raise CertificateError(f"agent {seat + 1}: its program does not fit the game")
        note, requirements = _library_match(a["spec"], prog, game, seat)
        notes.append(note)
        needs += requirements
        programs.append(prog)
    symbols = set().union(*(p.symbols for p in programs)) | set(game.symbols)
    if region is None and symbols:
        raise CertificateError(f"the problem uses parameters {', '.join(sorted(symbols))} but "
                               f"the problem states no assumptions")
    if region is not None and not set(region.symbols) <= symbols:
        raise CertificateError("the assumptions name parameters neither the agents nor the "
                               "game use")
    specs = [a["spec"] for a in agents]

    def programs_at(params):
        """The programs at exact parameter values, checked to lie in the region."""
        if params is None:
            if symbols:
                raise CertificateError("a witness over a region needs its parameter values")
            return tuple(programs)
        if region is None or set(params) != symbols:
            raise CertificateError(f"parameter values {sorted(params)} do not match the "
                                   f"agents' parameters {sorted(symbols)}")
        if not region.contains(params):
            raise CertificateError(f"the parameter values {params} lie outside the region")
        try:
            concrete = game.at(params)
            return tuple(parse_agent(spec, params).program(concrete, seat)
                         for seat, spec in enumerate(specs))
        except (AgentError, GameError) as err:
            raise CertificateError(f"cannot instantiate the agents: {err}") from None
    tie = problem["tie_randomization"]
    if not isinstance(tie, bool):
        raise CertificateError("tie_randomization: true or false")
    known.update(setting=_setting(game, specs, programs, tie), oracle_model=tie)
    question = decode_question(problem["question"])
    verdict = cert["verdict"]
    if verdict not in VERDICTS:
        raise CertificateError(f"verdict {verdict!r} carries no evidence to check")
    result = decode_result(cert["result"], question)
    needed = needed_obligations(game, programs, tie, question, verdict, result,
                                [] if region is None else region.formulas,
                                needs if region else [])
    evidence = cert["evidence"]
    if not isinstance(evidence, list) or len(evidence) != len(needed):
        raise CertificateError(f"the verdict needs {len(needed)} obligations, the evidence "
                               f"has {len(evidence) if isinstance(evidence, list) else 0}")
    context = Context(game, tie, result, programs_at, redecide)
    lines, kinds = [], []
    for ob, ev in zip(needed, evidence):
        if not isinstance(ev, dict) or ev.get("obligation") != ob.name:
            raise CertificateError(f"evidence for {ob.name!r} is missing")
        lines.append(check_evidence(ob, ev, context))
        kinds.append(ev["kind"])
    claimed = max(kinds, key=KINDS.index) if kinds else "witness"
    if cert["kind"] != claimed:
        raise CertificateError(f"kind says {cert['kind']!r}, the evidence is {claimed!r}")
    _check_verdict(question, verdict, result, cert.get("claim"))
    return [n for n in notes if n] + lines


def _setting(game, specs, programs, tie: bool) -> str:
    """What the verdict is about, in words: the game with a hash of its payoffs, the agents,
    the tie model and each agent's reading keys."""
    payoffs = hashlib.sha256(canonical(game.to_json())).hexdigest()[:12]
    ties = "one tie probability per query" if tie else "deterministic tie answers"
    readings = [f"agent {seat + 1} reading: "
                + ",".join(f"{k}={v}" for k, v in prog.reading)
                for seat, prog in enumerate(programs) if prog.reading]
    return ", ".join([f"{game.name} (payoffs sha256 {payoffs})", " vs ".join(specs), ties]
                     + (readings or ["no agent has reading keys"]))


def _named_pd(name: str):
    """The prisoner's dilemma a game's name ``pd(T,R,P,S)`` says it is."""
    try:
        return pd_game(name)
    except GameError as err:
        raise CertificateError(f"problem.game: {err}") from None


def _library_match(spec, prog, game, seat) -> str:
    """The stored program must be what the library makes of the spec, when it is a library spec."""
    if not isinstance(spec, str):
        raise CertificateError("an agent's spec is a string")
    try:
        agent = parse_agent(spec)
    except AgentError:
        if prog.symbols:
            raise CertificateError(f"agent {seat + 1}: parameters are only for library "
                                   f"agents") from None
        return f"agent {seat + 1} is custom: its program is taken as stated", []
    try:  # a library spec must build on this game: never taken as a custom program
        made = agent.program(game, seat)
    except AgentError as err:
        raise CertificateError(f"agent {seat + 1}: {err}") from None
    if canonical(encode_program(made)) != canonical(encode_program(prog)):
        raise CertificateError(f"agent {seat + 1}: the program is not what {spec!r} builds")
    return "", list(made.requirements)


def _check_verdict(question: dict, verdict: str, result: dict, claim) -> None:
    """The verdict follows from the checked obligations (and the claim's expectation is stated)."""
    if question["type"] == "solve":
        if verdict != "solved":
            raise CertificateError("a solve certificate has verdict 'solved'")
        return
    if verdict not in ("holds", "fails"):
        raise CertificateError(f"verdict {verdict!r}")
    if question["type"] == "extreme_formula":
        # holds only with a fixed point reaching the formula for every parameter; a bound
        # nothing reaches is not shown to be the inf/sup, so it certifies only a "fails"
        # of a claim that it is attained
        holds = "witness" not in result and result.get("attained") is True and \
            question["attained"] is not False
        if "witness" not in result and result.get("attained") is False and \
                question["attained"] is False:
            raise CertificateError("a bound nothing reaches decides nothing about a claim "
                                   "that the extreme is not attained")
        if holds != (verdict == "holds"):
            raise CertificateError(f"the formula is {'not ' if 'witness' in result else ''}a "
                                   f"bound, attained: {result.get('attained')}; the verdict "
                                   f"{verdict!r} does not follow")
    if question["type"] == "extreme":
        claimed = question["value"]
        agrees = claimed is None or compare(claimed, result["value"]) == 0
        if question["attained"] is False:
            agrees = False  # an attained optimum was shown
        if agrees != (verdict == "holds"):
            raise CertificateError(f"the optimum shown is {result['value']}; the verdict "
                                   f"{verdict!r} does not follow")
