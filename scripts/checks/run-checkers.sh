#!/usr/bin/env bash
# The independent checkers CI runs before `npm test` (.ci/run): slither over the contracts, then schemathesis against
# one member agent of a throwaway sandbox (devnet + agents in a temp data dir, started before slither so that it comes
# up meanwhile), which is stopped afterwards.
# Exits non-zero on an unjustified slither finding or a schemathesis failure. Details: docs/checkers.md
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$CHECKS_ROOT"
checks_require_node

# The sandbox that schemathesis tests starts first, in the background: it takes minutes to come up, slither meanwhile.
cli=("$CHECKS_NODE" --disable-warning=ExperimentalWarning bin/telco-ledger.mjs)
data_dir="$(mktemp -d "${TMPDIR:-/tmp}/telco-checkers.XXXXXX")"
log_dir="$CHECKS_ROOT/.tmp/checkers"
mkdir -p "$log_dir"
sandbox_pid=""

stop_sandbox() {
  local status=$?
  if [ -n "$sandbox_pid" ]; then
    # SIGTERM makes `sandbox up` stop its agents and devnet; whatever is left of the process group we started after
    # that (a child that ignored it) is terminated, then killed.
    kill -TERM "$sandbox_pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$sandbox_pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 -- "-$sandbox_pid" 2>/dev/null; then
      kill -TERM -- "-$sandbox_pid" 2>/dev/null || true
      sleep 2
      kill -KILL -- "-$sandbox_pid" 2>/dev/null || true
    fi
  fi
  cp "$data_dir/sandbox.log" "$log_dir/sandbox.log" 2>/dev/null || true
  if [ "$status" -ne 0 ] && [ -s "$data_dir/sandbox.log" ]; then
    echo "-- last lines of the sandbox log ($log_dir/sandbox.log):" >&2
    # The keys of a sandbox that no longer runs are harmless, but CI logs are no place for key-shaped strings.
    tail -n 30 "$data_dir/sandbox.log" | sed -E 's/tlk_[A-Za-z0-9_-]+/tlk_…/g' >&2
  fi
  rm -rf "$data_dir"
  exit "$status"
}
trap stop_sandbox EXIT

# Free ports, passed the way the sandbox reads them (environment), and its own process group (setsid) so that
# stopping it reaches every process it spawned.
ports="$("$CHECKS_NODE" --disable-warning=ExperimentalWarning scripts/checks/free-ports.ts 32)"
rpc_port="${ports%% *}"
base_port="${ports#* }"
TELCO_LEDGER_DATA="$data_dir" TELCO_LEDGER_RPC_PORT="$rpc_port" TELCO_LEDGER_BASE_PORT="$base_port" setsid "${cli[@]}" sandbox up >"$data_dir/sandbox.log" 2>&1 </dev/null &
sandbox_pid=$!
echo "checkers: sandbox starting (pid $sandbox_pid, data $data_dir, devnet port $rpc_port, agents from $base_port)"

echo "== $(date -u +%T) checkers: self-test (solc wrapper, slither input and triage, sandbox wait)"
"$CHECKS_NODE" --test --test-reporter=dot --disable-warning=ExperimentalWarning scripts/checks/*.test.ts

echo "== $(date -u +%T) checkers: slither"
bash scripts/checks/slither.sh

echo "== $(date -u +%T) checkers: schemathesis"

agent="$("$CHECKS_NODE" --disable-warning=ExperimentalWarning scripts/checks/wait-agent.ts \
  "$data_dir" "$sandbox_pid" "${CHECKERS_SANDBOX_TIMEOUT:-180}" ${CHECKERS_AGENT:+"$CHECKERS_AGENT"})"
bash scripts/checks/schemathesis.sh "${agent%% *}" "${agent#* }"
