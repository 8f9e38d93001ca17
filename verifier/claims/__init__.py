"""Claims: statements about the fixed points of a pair (Always, Exists, Unique, Extreme,
NoFixedPoint, over parameters too), how each is decided, and the catalogue's files.

Modules, from the bottom up: ``formulas`` (the variables formulas are written in),
``kinds`` (the registry of statement kinds), ``decide`` (deciding steps the kinds share),
``statements`` (the kinds), ``claim`` (claims and results), ``certify`` (certificates of
verdicts), ``catalogue`` (claim files, tasks, stored results); ``claims`` is the old single
module, re-exporting its names for one version.

May import: the model, semantics, encoding, decision, checker and evidence layers.
"""

from ..errors import ClaimError
from .catalogue import (ProveTask, StoredResult, claim_key, failed_result, file_stem,
                        load_claims, prove_task, result_path, store_result, stored_result,
                        write_claim_certificate)
from .certify import claim_certificate, point_evidence
from .claim import ROLES, VERDICTS, Claim, ClaimResult
from .formulas import Vars
from .kinds import KINDS, Statement, question, statement_kind
from .statements import Always, Exists, Extreme, NoFixedPoint, Unique

__all__ = ["Always", "Claim", "ClaimError", "ClaimResult", "Exists", "Extreme", "KINDS",
           "NoFixedPoint", "ProveTask", "ROLES", "Statement", "StoredResult", "Unique",
           "VERDICTS", "Vars", "claim_certificate", "claim_key", "failed_result", "file_stem",
           "load_claims", "point_evidence", "prove_task", "question", "result_path",
           "statement_kind", "store_result", "stored_result", "write_claim_certificate"]
