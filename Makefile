# The two commands of the README. Both set the machine up first (idempotent).
.PHONY: setup demo test test-postgres bench

setup:
	@scripts/setup.sh

# Set up, then ingest samples/ into the embedded SQLite database and print the counts per state.
# (adv ingest exits 1 when some documents need review; the samples include broken ones on purpose.)
demo: setup
	@.venv/bin/adv init
	@.venv/bin/adv ingest samples/ || [ $$? -eq 1 ]

# The whole test suite (CI runs this, once on SQLite and once on PostgreSQL when it answers).
# Two workers (the machine has two cores); a test file stays on one worker, in order.
test: setup
	@.venv/bin/python -m pytest -q -n 2 --dist loadfile

test-postgres: setup
	@ADV_TEST_DATABASE_URL=$${ADV_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} \
		.venv/bin/python -m pytest -q -n 2 --dist loadfile

bench: setup
	@.venv/bin/python bench/edifact.py
