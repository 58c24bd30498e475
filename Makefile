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
# bench: every benchmark but the scale ones and the 500×50 to a 1% gap
# (bench-scale runs those).
bench:
	. scripts/env.sh && go test -run '^$$' -bench . -skip 'Scale|Plan2000x100|Plan500x50Long' -benchmem ./...
bench-scale:
	. scripts/env.sh && go test -run '^$$' -bench 'Scale|Plan2000x100|Plan500x50Long' -benchtime 1x -timeout 60m ./planner
