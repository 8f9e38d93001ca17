"""The old single module of the claims layer, kept for one version (0.x): it re-exports
the public names it had, from the modules that now hold them. New code imports
:mod:`verifier.claims` or those modules:

- :mod:`verifier.claims.formulas` - :class:`Vars`, the variables formulas are written in;
- :mod:`verifier.claims.kinds` - the registry of statement kinds and its dispatchers;
- :mod:`verifier.claims.statements` - the kinds Always, Exists, Unique, NoFixedPoint, Extreme;
- :mod:`verifier.claims.decide` - the steps of deciding them that the kinds share;
- :mod:`verifier.claims.claim` - :class:`Claim` and :class:`ClaimResult`;
- :mod:`verifier.claims.certify` - certificates of claims' verdicts;
- :mod:`verifier.claims.catalogue` - claim files, workers' tasks, stored results.
"""

from ..decision.solver import SolverUnknown
from ..errors import ClaimError
from .catalogue import (ProveTask, StoredResult, claim_key, failed_result, file_stem,
                        load_claims, prove_task, result_path, store_result, stored_result,
                        write_claim_certificate)
from .certify import claim_certificate, point_evidence
from .claim import ROLES, VERDICTS, Claim, ClaimResult
from .formulas import Vars
from .kinds import Statement, question
from .statements import Always, Exists, Extreme, NoFixedPoint, Unique

__all__ = ["Always", "Claim", "ClaimError", "ClaimResult", "Exists", "Extreme",
           "NoFixedPoint", "ProveTask", "ROLES", "SolverUnknown", "Statement",
           "StoredResult", "Unique", "VERDICTS", "Vars", "claim_certificate", "claim_key",
           "failed_result", "file_stem", "load_claims", "point_evidence", "prove_task",
           "question", "result_path", "store_result", "stored_result",
           "write_claim_certificate"]
