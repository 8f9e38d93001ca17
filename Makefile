# Everything starts from python3 alone: the first target creates .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: prove check check-no-solvers test bench bench-nash bench-jobs bench-tournament bench-optima figures fuzz findings clean lock \
	architecture compare

# The exact versions (and hashes) of every dependency, extras included, are in requirements.lock;
# uv (pinned here) installs them in parallel. `make lock` writes the lock again from pyproject.toml.
UV_VERSION := 0.13.9
UV := $(BIN)/uv

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(UV) pip install --quiet --python $(BIN)/python --require-hashes --compile-bytecode \
		-r requirements.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

lock:
	test -x $(UV) || { test -x $(BIN)/python || $(PYTHON) -m venv $(VENV); \
		$(BIN)/python -m pip install --quiet uv==$(UV_VERSION); }
	$(UV) pip compile --quiet pyproject.toml --extra test --extra bench --python-version 3.11 \
		--generate-hashes -o requirements.lock

prove: $(STAMP)
	$(BIN)/rov prove proofs/ --certificates certificates/ --positivstellensatz-seconds 600

# re-verify every certificate that `make prove` wrote
check: $(STAMP)
	$(BIN)/rov check certificates/*.json

# the witness and farkas certificates again, in a process where z3 cannot be imported
check-no-solvers: $(STAMP)
	$(BIN)/python bench/check_without_solvers.py certificates/*.json

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/solve_all.py

# best-response pairs against pygambit and nashpy on random n x n games (and lrslib's
# lrsnash, the strongest anchor, when it is on the PATH or given as LRSNASH=/path/to/lrsnash)
bench-nash: $(STAMP)
	$(BIN)/python bench/nash_compare.py --sizes 2,3,4,5,6,7,8 --games 10 --identity 6,7,8,9,10 \
		$(if $(LRSNASH),--lrsnash $(LRSNASH))

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .hypothesis

# every claim under every reading that can change it (the reading matrix); resumable. Exit
# status 1 (some verdicts differ from the expected ones, unknowns included) still writes the
# page, which lists them; any other failure stops make.
findings: $(STAMP)
	$(BIN)/rov prove proofs/ --reading-matrix --jobs 2 --claim-seconds 300 \
		--results results/findings --resume --findings docs/findings.md > /dev/null \
		|| test $$? -eq 1

NELP = "nelp(eps=1/10,delta=1/1000)"
LP = "lp(eps=1/10,delta=1/1000)"
GREEN = "region(eps=1/10,delta=1/1000,polygon=(1,-1),(6,-1),(6,7),(1,2))"
YELLOW = "region(eps=1/10,delta=1/1000,polygon=(-1/2,-1),(7,-1),(7,13/2))"

figures: $(STAMP)
	mkdir -p docs/figures
	$(BIN)/rov plot --game pd-a -o docs/figures/kite.png --title "pd-a: the outcome kite, minmax lines and Pareto frontier"
	$(BIN)/rov plot $(NELP) $(NELP) --game pd-a -o docs/figures/red.png --title "neLP vs neLP on pd-a: the red boundary"
	$(BIN)/rov plot --pair $(NELP),$(LP) --pair $(NELP),cooperatebot --game pd-a -o docs/figures/red-blue.png --title "neLP vs LP and neLP vs CooperateBot on pd-a: red and blue"
	$(BIN)/rov plot $(GREEN) $(GREEN) --game pd-a -o docs/figures/green-kite.png --title "two green agents on pd-a"
	$(BIN)/rov plot --pair $(GREEN),$(YELLOW) --pair $(YELLOW),$(YELLOW) --game pd-a -o docs/figures/green-yellow.png --title "green vs yellow, and yellow vs yellow, on pd-a"

# the layer picture and the tables of docs/architecture.md, measured from the source
architecture: $(STAMP)
	$(BIN)/python docs/architecture.py

# the catalogue's verdicts, certificate hashes and check reports against a commit (BEFORE=rev)
compare: $(STAMP)
	$(BIN)/python bench/compare_catalogue.py --before $(BEFORE)

bench-jobs: $(STAMP)
	$(BIN)/python bench/prove_jobs.py

bench-tournament: $(STAMP)
	$(BIN)/python bench/tournament_table.py --game pd-a --jobs 2 --max-seconds 1800

bench-optima: $(STAMP)
	$(BIN)/python bench/optima.py --max-seconds 600


# the long differential fuzzing run, one Hypothesis seed per core: 2 x 5000 estimate-free
# and 2 x 1000 estimating problems (docs/fuzzing.md)
FUZZ_RUN = FUZZ_EXAMPLES=5000 FUZZ_ESTIMATING_EXAMPLES=1000 $(BIN)/python -m pytest -q -s \
	-p no:cacheprovider tests/test_fuzz.py
fuzz: $(STAMP)
	$(FUZZ_RUN) --hypothesis-seed=1 > fuzz-1.log 2>&1 & \
	$(FUZZ_RUN) --hypothesis-seed=2 > fuzz-2.log 2>&1; \
	wait; grep -h "^fuzz \(estimate-free\|estimating\):\|passed\|failed" fuzz-1.log fuzz-2.log
