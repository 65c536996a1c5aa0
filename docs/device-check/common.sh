# Sourced by bench.sh and demo.sh: where the jar runs, where output goes, and the time budget.
#
# With the GPU kit (.gpu-kit/ at the checkout's root, see docs/gpu.md) every command goes through
# the kit's run.sh, which builds DJL's JNI against the machine's PyTorch on first use and runs inside
# the kit's app folder; otherwise `java` runs examples/target/prefine.jar and HF_PEER names
# hf_peer.py. DEVICE_CHECK_REHEARSAL=1 runs the same sequence on a CPU at toy sizes, to try the
# scripts without a GPU. $OUT (default ./device-check-out) receives one log per script and one
# tarball of the demo runs' tables and records: few files, since some runners return only a few.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$PWD/device-check-out}
WORK=${WORK:-/tmp/prefine-device-check}
mkdir -p "$OUT" "$WORK"
REHEARSAL=${DEVICE_CHECK_REHEARSAL:-0}
# a rehearsal runs on this machine's own Java and CPU engine, whatever kit lies in the checkout:
# the kit's run.sh would build DJL's JNI against a CUDA PyTorch that a CPU host lacks
if [ -f "$ROOT/.gpu-kit/run.sh" ] && [ "$REHEARSAL" != 1 ]; then
  KIT=$ROOT/.gpu-kit/run.sh; JAR=prefine.jar; PEER=../hf_peer.py
else
  KIT=; JAR=${PREFINE_JAR:-$ROOT/examples/target/prefine.jar}; PEER=${HF_PEER:-}
fi
if [ "$REHEARSAL" = 1 ]; then DEVICE=(--device cpu); else DEVICE=(--device gpu); fi
export ROOT KIT JAR PEER REHEARSAL PREFINE_MALLOC_TUNING=off
START=$(date +%s)

# in_kit PROGRAM ARGS...: through the kit's run.sh where there is one, else as it is
in_kit() {
  if [ -n "$KIT" ]; then bash "$KIT" "$@"; else "$@"; fi
}

# prefine [-Dname=value...] COMMAND ARGS...: the CLI, system properties first
prefine() {
  local props=()
  while [[ ${1:-} == -D* ]]; do props+=("$1"); shift; done
  in_kit java "${props[@]}" -jar "$JAR" "$@"
}

# hf_peer BATCH LENGTH MODE...: Hugging Face's step beside prefine's, or a line saying why not
hf_peer() {
  if [ "$REHEARSAL" = 1 ] || [ -z "$PEER" ]; then
    echo "HF peer not run (rehearsal, or no hf_peer.py: set HF_PEER)"; return 0
  fi
  in_kit python3 "$PEER" "$@"
}

# probe_masked_row: masked_row.py (a fully masked attention row on the fused kernel), or a line saying why not
probe_masked_row() {
  if [ "$REHEARSAL" = 1 ]; then echo "masked-row probe not run (rehearsal: it needs CUDA)"; return 0; fi
  in_kit python3 "$ROOT/docs/device-check/masked_row.py"
}
# timeout runs programs, not functions: these go to its child shell
export -f in_kit prefine hf_peer probe_masked_row

# timeout's SIGTERM lets a JVM run its shutdown hooks (the demo saves what it has); one that is
# still running GRACE s later gets SIGKILL, so no run outlasts its limit by more than that
GRACE=10
# timed_out RC: whether timeout stopped the run (124 after SIGTERM, 137 after SIGKILL)
timed_out() { [ "$1" = 124 ] || [ "$1" = 137 ]; }

# limited SECONDS TAG COMMAND...: COMMAND (a function too) under timeout, which sends SIGTERM to
# the whole process group. The shell between timeout and the JVM traps SIGTERM so that it waits
# for the JVM's shutdown instead of dying at once: else timeout returns while the JVM still runs,
# orphaned (a stopped demo would still be saving when its resume starts), and SIGKILL never comes
limited() {
  local t=$1 tag=$2; shift 2
  timeout -k "$GRACE" "$t" bash -c 'trap : TERM; "$@"' "$tag" "$@"
}

# seconds left of the budget given as the script's first argument
left() { echo $(( BUDGET - $(date +%s) + START )); }
