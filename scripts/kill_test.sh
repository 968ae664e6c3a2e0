#!/usr/bin/env bash
# Kill anywhere: each tool killed by SIGKILL or SIGTERM at random moments, then rerun; the outputs
# must never be partial under their names, and the rerun must give the uninterrupted run's bytes
# and leave no temporary file. Options and checks: scripts/kill_test.py. Debian's python3 on
# purpose: nothing beyond the standard library, whatever python3 comes first on PATH.
set -euo pipefail
exec /usr/bin/python3 "$(dirname "$0")/kill_test.py" "$@"
