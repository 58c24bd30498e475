# Convenience targets; the scripts are the source of truth.
.PHONY: setup demo test bench build
setup:
	bash scripts/setup-highs.sh
build:
	. scripts/env.sh && go build -o bin/auxon ./cmd/auxon
demo:
	./scripts/demo.sh
test:
	./scripts/test.sh
bench:
	. scripts/env.sh && go test -run '^$$' -bench . -benchmem ./...
