#!/usr/bin/env bash
# The project's test command: installs what the browser tests and the
# connector tests need (once), then runs every test in the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-browser-tests.sh
bash scripts/setup-run-tests.sh
cargo test --workspace
