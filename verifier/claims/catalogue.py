"""The claims catalogue: claim files, running their claims in workers, and results
stored under keys (for ``rov prove --resume``).

Claim files are Python: loading one runs its code. Certificates (data, never
code) are what is shared with people who should not run our code.
"""

from __future__ import annotations

import hashlib
import json
import re
import runpy
import time
from dataclasses import dataclass, replace
from pathlib import Path

from ..checker.format import CertificateError
from ..decision.jobs import OutOfTime, ProcessDied, run_bounded, write_atomically
from ..errors import ClaimError
from ..model.agents import AgentError
from ..model.games import GameError
from ..model.readings import DEFAULT, Reading, parse_reading
from .certify import claim_certificate
from .claim import Claim, ClaimResult


def load_claims(paths: list) -> list[Claim]:
    """The claims of the given claim files and folders (``*.py``, sorted).

    A claim file is Python that defines ``CLAIMS``, a list of :class:`Claim`,
    and optionally ``FAMILY``, the heading its claims are listed under, and
    ``SENTENCE``, the sentence key of its claims that name none.
    """
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(f for f in p.glob("*.py") if not f.name.startswith("_"))
        elif p.is_file():
            files.append(p)
        else:
            raise ClaimError(f"{p}: no such claim file or folder")
    claims, seen = [], {}
    for f in files:
        try:
            namespace = runpy.run_path(str(f))
        except (ClaimError, AgentError, GameError) as err:
            raise ClaimError(f"{f}: {err}") from None
        except TypeError as err:
            raise ClaimError(f"{f}: malformed claim: {err}") from None
        found = namespace.get("CLAIMS")
        if not isinstance(found, (list, tuple)) or not all(isinstance(c, Claim) for c in found):
            raise ClaimError(f"{f}: a claim file defines CLAIMS, a list of Claim")
        family = str(namespace.get("FAMILY", f.stem))
        sentence = str(namespace.get("SENTENCE", ""))
        found = [c if c.family else replace(c, family=family) for c in found]
        found = [c if c.sentence else replace(c, sentence=sentence) for c in found]
        for c in found:
            if c.id in seen:
                raise ClaimError(f"claim id {c.id} appears in {seen[c.id]} and {f}")
            seen[c.id] = f
        claims += found
    if not claims:
        raise ClaimError("no claims found in " + ", ".join(map(str, paths)))
    return claims


@dataclass(frozen=True)
class ProveTask:
    """One claim to decide in a worker: plain data, so it pickles to any process.

    ``paths`` are the claim files (absolute, so a Dask worker finds them);
    ``certificates`` the folder to write the claim's certificate in, or None;
    ``reading`` the reading's text (:mod:`verifier.model.readings`).
    """

    paths: tuple
    claim_id: str
    timeout: float | None  # wall-clock seconds of each solver query (None: no such bound)
    certificates: str | None = None
    farkas_seconds: float = 5.0
    reading: str = DEFAULT.text
    claim_seconds: float | None = None  # wall-clock limit of one claim (None: no limit)
    positivstellensatz_seconds: float | None = None  # None: the timeout


_LOADED: dict = {}  # claim files -> {id: Claim}, loaded once per worker process


def failed_result(claim: Claim, reason: str, reading: Reading = DEFAULT,
                  seconds: float = 0.0) -> ClaimResult:
    """The result of a claim whose run was lost (its worker died or was stopped after
    ``seconds`` of wall-clock time): unknown, with why, and the formal text it would
    have decided."""
    try:
        formal = claim.formal_text(reading)
    except ClaimError:
        formal = ""
    return ClaimResult(claim.id, claim.statement, formal, claim.source, claim.game,
                       tuple(str(a) for a in claim.agents), "unknown",
                       claim.expected_under(reading), seconds, {"reason": reason},
                       note=claim.note,
                       family=claim.family, sentence=claim.sentence, role=claim.role,
                       reading=",".join(f"{k}={getattr(reading, k)}"
                                        for k in claim.reading_keys))


def claim_key(claim: Claim, reading: Reading = DEFAULT) -> str:
    """A digest of what decides a claim's verdict (a changed claim is decided again); its
    statement, expected verdict, sentence, role and note do not, and are read from the
    claim."""
    try:
        formal = claim.formal_text(reading)
    except ClaimError as err:  # not stated under this reading
        formal = str(err)
    data = [claim.id, claim.game, [str(a) for a in claim.agents], formal, claim.assume,
            claim.tie_randomization, reading.text]
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()


def file_stem(claim_id: str, reading: Reading = DEFAULT) -> str:
    """A claim's file name stem: its id, and the reading when it is not the default."""
    tag = "" if reading == DEFAULT else "@" + reading.text
    return re.sub(r"[^A-Za-z0-9._@=,-]", "_", claim_id + tag)


def result_path(folder: Path, claim_id: str, reading: Reading = DEFAULT) -> Path:
    return folder / (file_stem(claim_id, reading) + ".result.json")


def store_result(folder: Path, claim: Claim, result: ClaimResult,
                 reading: Reading = DEFAULT) -> None:
    """Write one decided claim's result, atomically (for ``rov prove --resume``)."""
    data = {"format": "rov-claim-result", "claim_key": claim_key(claim, reading),
            "result": result.to_json(),
            "summaries": {str(d): result.summary(d) for d in (None, 4, 6)}}
    write_atomically(str(result_path(folder, claim.id, reading)),
                     json.dumps(data, indent=1) + "\n")


def stored_result(folder: Path, claim: Claim,
                  reading: Reading = DEFAULT) -> "StoredResult | None":
    """The stored result of this very claim, or None (missing, unreadable or stale)."""
    path = result_path(folder, claim.id, reading)
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("claim_key") != claim_key(claim, reading) or \
            not isinstance(data.get("result"), dict) or not isinstance(data.get("summaries"), dict):
        return None
    # the expectation is the claim's, as it is now (it does not decide the verdict)
    expected = "n/a" if data["result"].get("verdict") == "n/a" else claim.expected_under(reading)
    return StoredResult(data["result"] | {"expected": expected, "sentence": claim.sentence,
                                          "role": claim.role, "note": claim.note,
                                          "statement": claim.statement},
                        data["summaries"])


@dataclass(frozen=True)
class StoredResult:
    """A claim result read back from its file: what the table, ``--json`` and the findings
    page need (exact text; numbers are not re-read)."""

    data: dict
    summaries: dict

    def __getattr__(self, name):
        if name in ("id", "statement", "formal", "source", "game", "verdict", "expected",
                    "seconds", "note", "family", "assumptions", "certificate", "sentence",
                    "role", "reading"):
            return self.data.get(name, "")
        raise AttributeError(name)

    @property
    def agents(self) -> tuple:
        return tuple(self.data.get("agents", ()))

    @property
    def detail(self) -> dict:
        """Which evidence the stored result has ("reason", "counterexample", "witness"),
        as JSON: enough to name the command that explains it, not to re-read numbers."""
        return {k: self.data[k] for k in ("reason", "counterexample", "witness")
                if k in self.data}

    @property
    def as_expected(self) -> bool:
        return self.verdict == self.expected

    def summary(self, decimals: int | None = None) -> str:
        return self.summaries.get(str(decimals), self.summaries.get("None", ""))

    def to_json(self, decimals: int | None = None) -> dict:
        return dict(self.data, resumed=True)


def prove_task(task: ProveTask) -> ClaimResult:
    """Decide one claim under one reading (and write its certificate): the unit of
    ``rov prove --jobs``. With ``claim_seconds``, the decision and then the certificate
    each run in a forked process stopped after that many seconds of wall-clock time: a
    decision stopped is unknown; a certificate stopped is not written (the verdict
    stays, its certificate's note says why)."""
    if task.paths not in _LOADED:
        _LOADED[task.paths] = {c.id: c for c in load_claims(list(task.paths))}
    claim = _LOADED[task.paths][task.claim_id]
    reading = parse_reading(task.reading)
    if task.claim_seconds is None:
        result = claim.run(task.timeout, reading=reading)
    else:
        start = time.perf_counter()
        try:
            result = run_bounded(lambda: claim.run(task.timeout, reading=reading),
                                 task.claim_seconds)
        except (OutOfTime, ProcessDied) as err:
            return failed_result(claim, f"--claim-seconds: {err}", reading,
                                 time.perf_counter() - start)
    if task.certificates is None:
        return result

    def certify() -> ClaimResult:
        return write_claim_certificate(claim, result, Path(task.certificates),
                                       task.farkas_seconds, task.timeout, reading,
                                       task.positivstellensatz_seconds)
    if task.claim_seconds is None:
        return certify()
    try:  # the certificate's evidence search gets a limit of its own, as long
        return run_bounded(certify, task.claim_seconds)
    except (OutOfTime, ProcessDied) as err:
        (Path(task.certificates) / (file_stem(claim.id, reading) + ".json")).unlink(
            missing_ok=True)  # an earlier run's certificate is not this verdict's
        return replace(result, certificate={"path": None, "kind": None,
                                            "note": f"not written: --claim-seconds: {err}"})


def write_claim_certificate(claim: Claim, result: ClaimResult, folder: Path,
                            farkas_seconds: float, solver_seconds: float | None,
                            reading: Reading = DEFAULT,
                            positivstellensatz_seconds: float | None = None) -> ClaimResult:
    """Write the claim's certificate (if its verdict has one); the result records where.
    Evidence budgets in seconds: :func:`verifier.evidence.certificates.certificate`."""
    path = folder / (file_stem(claim.id, reading) + ".json")
    try:
        cert = claim_certificate(claim, result, reading, farkas_seconds=farkas_seconds,
                                 solver_seconds=solver_seconds,
                                 positivstellensatz_seconds=positivstellensatz_seconds)
    except CertificateError as err:
        return replace(result, certificate={"path": None, "kind": None, "note": str(err)})
    write_atomically(str(path), json.dumps(cert, indent=1) + "\n")
    return replace(result, certificate={"path": str(path), "kind": cert["kind"],
                                        "seconds": cert["seconds"]["certify"]})
