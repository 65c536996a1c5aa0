#!/usr/bin/env bash
# Every GPU figure docs/gpu.md still lists in one call, within a budget: usage
# `bash docs/device-check/all.sh [seconds]` (default 480: a lease of 15 minutes less a cold start,
# with room to run a part again). bench.sh gets 60% of it, demo.sh what is left; each skips its
# least important runs first. Logs: $OUT/bench.log, $OUT/demo.log, $OUT/bench-logs.tgz, $OUT/demo-runs.tgz.
set -u
TOTAL=${1:-480}
begin=$(date +%s)
bash "$(dirname "$0")/bench.sh" $(( TOTAL * 60 / 100 ))
bash "$(dirname "$0")/demo.sh" $(( TOTAL - $(date +%s) + begin ))
echo "=== all done in $(( $(date +%s) - begin )) s"
