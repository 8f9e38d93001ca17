"""Claims: statements about the fixed points of a pair (Always, Exists, Unique, Extreme,
NoFixedPoint, over parameters too), how each is decided, and the catalogue's files.

May import: the model, semantics, encoding, decision, checker and evidence layers.
"""

from .claims import (Always, Claim, ClaimResult, Exists, Extreme, NoFixedPoint, Unique,
                     Vars)

__all__ = ["Always", "Claim", "ClaimResult", "Exists", "Extreme", "NoFixedPoint", "Unique",
           "Vars"]
