#!/usr/bin/env bash
# demo.sh — the main job on the bundled example: installs HiGHS if needed,
# builds auxon and runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
bash scripts/setup-highs.sh
mkdir -p bin out
go build -o bin/auxon ./cmd/auxon
bin/auxon version
bin/auxon plan templates/example.xlsx -o out/example-plan.xlsx --json out/example-plan.json --time-limit "${AUXON_DEMO_TIME_LIMIT:-20s}"
