# The two commands a newcomer needs. Each installs what is missing first.
.PHONY: run test bench bench-mapping bundle demos

## Build and serve Tenantry on SQLite at http://localhost:3000
run:
	@scripts/run.sh

## Run every test (Rust on SQLite and PostgreSQL, Playwright in Chromium)
test:
	@scripts/test.sh

## Measure the tenancy engine (figures in BENCHMARKS.md); ARGS="--tenants 1000"
bench:
	@scripts/bench.sh $(ARGS)

## Mapping engine figures: 10,000 repositories x 200 rules (release build)
bench-mapping:
	@scripts/bench-mapping.sh $(ARGS)

## Bytes the browser fetches for each route's first page (release build)
bundle:
	@scripts/bundle.sh

## The security review's demonstrations (H1-H3, M1-M3), black-box, against a
## release build; prints what each gave (docs/SECURITY.md keeps the figures)
demos:
	@scripts/setup.sh
	@PATH="$$HOME/.cargo/bin:$$PATH" cargo build --release -p server --bin tenantry
	@python3 scripts/review-demos.py $(ARGS)
