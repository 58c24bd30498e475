# Convenience targets; the scripts are the source of truth.
.PHONY: setup demo test bench bench-scale build
setup:
	bash scripts/setup-highs.sh
build:
	. scripts/env.sh && go build -o bin/auxon ./cmd/auxon
demo:
	./scripts/demo.sh
test:
	./scripts/test.sh
# bench: every benchmark but the scale ones (about 10 and 2 minutes:
# bench-scale runs them).
bench:
	. scripts/env.sh && go test -run '^$$' -bench . -skip 'Scale|Plan2000x100' -benchmem ./...
bench-scale:
	. scripts/env.sh && go test -run '^$$' -bench 'Scale|Plan2000x100' -benchtime 1x -timeout 60m ./planner
