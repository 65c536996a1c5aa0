#!/usr/bin/env bash
# The demo on the GPU under each precision with four worker processes on the one GPU (the default
# there), then `compare` of their tables against the fp32 run: usage
# `bash docs/device-check/demo.sh [seconds]` (default 300; a run that would start with under 60 s
# left is skipped, and none runs over 180 s). The second run is the GPU resume check: the fp32 run
# again, stopped with SIGTERM after 20 s and started again on the same folder, which resumes it
# (compare against the first: the same tables where the resume is exact). The fp32 run with the
# explicit attention gives fp32's own spread, the noise that the precisions' differences are read
# against; the last, one process alone, what the workers gain (on an H100 it gave the four workers'
# tables exactly). Each run's exit code, Table 2, verdicts, skipped-step line and time go to the log;
# its tables, records and whole output go into one tarball (the encoders and plots stay behind).
set -u
. "$(dirname "$0")/common.sh"
BUDGET=${1:-300}
exec > >(tee "$OUT/demo.log") 2>&1
RUNS=$WORK/demo-runs; rm -rf "$RUNS"; mkdir -p "$RUNS"
SEEDS=(); [ "$REHEARSAL" = 1 ] && SEEDS=(--seeds 1)
finished=()
for run in "fp32 4" "fp32 4 resumed" "bf16-mixed 4" "fp16-mixed 4" "fp32 4 explicit" "fp32 1"; do
  set -- $run
  name="demo-$1-w$2${3:+-$3}"; props=()
  [ "${3:-}" = explicit ] && props=("-Dprefine.attention=explicit")
  t=$(left); [ "$t" -gt 180 ] && t=180
  if [ "$t" -lt 60 ]; then echo "=== $name skipped: $(left) s left"; continue; fi
  echo "=== $name ($(date +%T), limit $t s)"
  begin=$(date +%s)
  cmd=(prefine "${props[@]}" demo "${DEVICE[@]}" "${SEEDS[@]}" --precision "$1" --workers "$2" --out "$RUNS/$name")
  if [ "${3:-}" = resumed ]; then
    # stopped as a scheduler stops a job (timeout's exit 124; the demo's own line says what is kept), then resumed
    limited 20 "$name" "${cmd[@]}" > "$RUNS/$name-stopped.log" 2>&1
    src=$?
    echo "stopped after $(( $(date +%s) - begin )) s with exit $src: $(grep -h 'interrupted;' "$RUNS/$name-stopped.log" \
        | head -1 | cut -c1-200)"
    t=$(( t - $(date +%s) + begin ))
    # a stop that took most of the limit leaves too little to resume: `timeout 0` would mean no limit
    # at all, and a negative one is refused (exit 125) without running anything
    if [ "$t" -lt 30 ]; then echo "=== $name resume skipped: $t s left of its limit"; continue; fi
  fi
  limited "$t" "$name" "${cmd[@]}" > "$RUNS/$name.log" 2>&1
  rc=$?
  echo "exit $rc after $(( $(date +%s) - begin )) s$(timed_out $rc && echo " (time limit)")"
  grep -v '^\s*at \|WARN\|steps/s' "$RUNS/$name.log" | grep -A 8 '^\*\*Table 2' | head -9
  grep -E '^(SL|C|QA) targets: |^Average( std)?: |^fp16-mixed: |units run here' "$RUNS/$name.log"
  [ "${3:-}" = resumed ] && echo "training runs resumed from a checkpoint: $(grep -c 'resuming from' "$RUNS/$name.log")"
  echo "kernel fallbacks: $(grep -c "not using PyTorch's\|is not usable on" "$RUNS/$name.log")"
  # the demo writes its tables as units finish: only a run that ended is compared; exit 4 ended too,
  # with failed sweeps (an fp16 one that diverged, say) missing from tables that hold all the others
  { [ $rc -eq 0 ] || [ $rc -eq 4 ]; } && finished+=("$RUNS/$name")
done
(cd "$RUNS" && tar czf "$OUT/demo-runs.tgz" --exclude='*.safetensors' --exclude='*.ndlist' --exclude='*.png' \
    --exclude='*.svg' --exclude=tokenizer.json .)
# compare reads the tables only (some seconds); its own limit keeps the call within the budget's margin
if [ ${#finished[@]} -ge 2 ]; then
  limited 30 compare prefine compare "${finished[@]}" 2>&1 | grep -v WARN
fi
echo "=== done in $(( $(date +%s) - START )) s"
