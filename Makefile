# Everything starts from python3 alone: the first target creates .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: prove check check-no-z3 test bench bench-nash findings clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

prove: $(STAMP)
	$(BIN)/rov prove proofs/ --certificates certificates/

# re-verify every certificate that `make prove` wrote
check: $(STAMP)
	$(BIN)/rov check certificates/*.json

# the witness and farkas certificates again, in a process where z3 cannot be imported
check-no-z3: $(STAMP)
	$(BIN)/python bench/check_without_z3.py certificates/*.json

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/solve_all.py

# best-response pairs against pygambit and nashpy on random n x n games
bench-nash: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python bench/nash_compare.py --sizes 2,3,4,5,6 --games 20

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .hypothesis

findings: $(STAMP)
	$(BIN)/rov prove proofs/ --findings docs/findings.md
