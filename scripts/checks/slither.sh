#!/usr/bin/env bash
# Static analysis of the production contracts with slither. The compiler is the project's solc-js (no downloads):
# slither-input.ts writes a solc standard-JSON input with hardhat.config.ts's settings, crytic-compile's solc-json
# platform compiles it through the `solc` wrapper beside this file, and slither-triage.ts fails on any finding that
# slither-triage.json does not justify. Usage: bash scripts/checks/slither.sh   (details: docs/checkers.md)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$CHECKS_ROOT"
checks_require_node
checks_ensure_venv

work="$(mktemp -d "${TMPDIR:-/tmp}/telco-slither.XXXXXX")"
trap 'rm -rf "$work"' EXIT

"$CHECKS_NODE" --disable-warning=ExperimentalWarning scripts/checks/slither-input.ts "$work/input.json"
# slither exits non-zero whenever it reports findings; whether they are acceptable is the triage's decision, and a
# crash shows as a missing or unsuccessful JSON report.
set +e
"$CHECKS_VENV/bin/slither" "$work/input.json" \
  --compile-force-framework solc-json \
  --solc "$CHECKS_ROOT/scripts/checks/solc" \
  --filter-paths 'node_modules/' \
  --json "$work/slither.json" >"$work/slither.log" 2>&1
status=$?
set -e
if [ ! -s "$work/slither.json" ]; then
  cat "$work/slither.log" >&2
  checks_fail "slither did not run (exit $status); its output is above"
fi
tail -n 1 "$work/slither.log"
"$CHECKS_NODE" --disable-warning=ExperimentalWarning scripts/checks/slither-triage.ts "$work/slither.json" ||
  { [ -z "${SLITHER_VERBOSE:-}" ] || cat "$work/slither.log"; exit 1; }
