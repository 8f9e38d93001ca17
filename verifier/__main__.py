"""`python -m verifier` is the `rov` command line."""

from .apps.cli import main

raise SystemExit(main())
