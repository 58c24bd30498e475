#!/usr/bin/env bash
# test.sh — the project's test command: installs HiGHS if needed, then
# checks formatting, vets and runs every test with the race detector.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
bash scripts/setup-highs.sh
command -v go >/dev/null 2>&1 || { echo "test: go not found on PATH" >&2; exit 1; }
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "test: gofmt would change:" >&2; echo "$unformatted" >&2; exit 1
fi
go vet ./...
go test -race -count=1 "$@" ./...
