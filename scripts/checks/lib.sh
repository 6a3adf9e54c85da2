# Shared by the checker scripts (sourced, not run): the repository root, the project's Node 22, and the Python venv
# holding the pinned checker tools (requirements.txt), created on first use and refreshed when the pins change.
# shellcheck shell=bash

CHECKS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CHECKS_VENV="${TELCO_CHECKERS_VENV:-$CHECKS_ROOT/.venv-checkers}"
CHECKS_NODE="$CHECKS_ROOT/node_modules/.bin/node"

checks_fail() {
  echo "checkers: $*" >&2
  exit 1
}

checks_require_node() {
  [ -x "$CHECKS_NODE" ] || checks_fail "$CHECKS_NODE is missing: run \`npm install\` first (it installs Node 22)"
}

# Creates or updates the venv. The stamp holds the hash of requirements.txt, so an unchanged venv costs nothing.
checks_ensure_venv() {
  local python="${PYTHON:-python3}" requirements="$CHECKS_ROOT/scripts/checks/requirements.txt" stamp wanted
  command -v "$python" >/dev/null || checks_fail "$python not found: the checkers need Python 3.11 with venv and pip"
  stamp="$CHECKS_VENV/.requirements.sha256"
  wanted="$(sha256sum "$requirements" | cut -d' ' -f1)"
  if [ -x "$CHECKS_VENV/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ]; then return 0; fi
  echo "checkers: installing pinned slither and schemathesis into $CHECKS_VENV"
  if [ ! -x "$CHECKS_VENV/bin/python" ] && ! "$python" -m venv "$CHECKS_VENV"; then
    # Debian's python3 ships venv's pip bootstrap separately; CI runs as root and may add it.
    rm -rf "$CHECKS_VENV"
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      local minor
      minor="$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
      apt-get install -y -qq --no-install-recommends "python$minor-venv" >/dev/null || true
    fi
    "$python" -m venv "$CHECKS_VENV" || checks_fail "cannot create a venv with $python (install python3-venv)"
  fi
  "$CHECKS_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements" ||
    checks_fail "pip install -r $requirements failed"
  echo "$wanted" >"$stamp"
}
