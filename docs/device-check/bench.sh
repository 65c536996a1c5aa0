#!/usr/bin/env bash
# The GPU-speed figures of docs/gpu.md in one run on one GPU, next to the Hugging Face peer, most
# important first: usage `bash docs/device-check/bench.sh [seconds]` (default 420; a run that
# would start with under 30 s left is skipped, and none runs over 150 s). Each run prints its
# step figures and the peak GPU memory nvidia-smi saw while it ran.
set -u
. "$(dirname "$0")/common.sh"
BUDGET=${1:-420}
exec > >(tee "$OUT/bench.log") 2>&1
MEM=$WORK/memory; mkdir -p "$MEM"
command -v nvidia-smi > /dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv

# run TAG COMMAND...: one benchmark under the budget, with nvidia-smi's peak of used memory
run() {
  local tag=$1; shift
  local t; t=$(left); [ "$t" -gt 150 ] && t=150
  if [ "$t" -lt 30 ]; then echo "=== $tag skipped: $(left) s left"; return; fi
  echo "=== $tag: $* ($(date +%T), limit $t s)"
  local sampler=""
  if command -v nvidia-smi > /dev/null; then
    ( while :; do nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits; sleep 0.2; done ) > "$MEM/$tag" &
    sampler=$!
  fi
  timeout "$t" bash -c '"$@"' "$tag" "$@" 2>&1 | grep -v '^\s*at \|^$\|WARN.*SLF4J' | tail -24
  if [ -n "$sampler" ]; then
    kill "$sampler" 2> /dev/null; wait "$sampler" 2> /dev/null
    echo "nvidia-smi peak used: $(sort -n "$MEM/$tag" | tail -1) MiB"
  fi
}

# on the GPU each run warms up until the JIT is idle; the rehearsal keeps fixed warm-ups, since
# on a CPU an automatic one of these toy steps takes 13-27 s and the sequence would not fit its budget
if [ "$REHEARSAL" = 1 ]; then
  BIG=(--model DEMO --length 16); B128=(--batch 32); B32=(--batch 8); WARM=(--warmup 5); WARM_TINY=(--warmup 20)
else
  BIG=(--model XLMR_BASE); B128=(--batch 128); B32=(--batch 32); WARM=(--warmup auto); WARM_TINY=(--warmup auto)
fi
FULL=("${DEVICE[@]}" "${BIG[@]}" --part FULL "${WARM[@]}" --steps 15)
TINY=("${DEVICE[@]}" --model DEMO --batch 64 --length 64 --part FULL "${WARM_TINY[@]}" --steps 60)

run x128-bf16 prefine bench "${FULL[@]}" "${B128[@]}" --precision bf16-mixed --profile
# bf16 alone: the sampler keeps a process's maximum, and x128-bf16's nvidia-smi peak is compared with this one's
run hf128-bf16 hf_peer 128 128 bf16
run hf128 hf_peer 128 128 fp16 tf32
# the peer's own kind of step (one token-classification task), early: the like-for-like figure
run x128-token prefine bench "${FULL[@]}" "${B128[@]}" --precision bf16-mixed --formats TOKEN
run demo-model prefine bench "${TINY[@]}" --profile
run x128-fp16 prefine bench "${FULL[@]}" "${B128[@]}" --precision fp16-mixed
TORCH_ALLOW_TF32_CUBLAS_OVERRIDE=1 run x128-tf32 prefine bench "${FULL[@]}" "${B128[@]}" --precision fp32
run x32-bf16 prefine bench "${FULL[@]}" "${B32[@]}" --precision bf16-mixed
run hf32 hf_peer 32 128 bf16
# the headline pair again: on the H100 HF's own step moved by +-10% from one run to the next
run x128-bf16-r2 prefine bench "${FULL[@]}" "${B128[@]}" --precision bf16-mixed
run hf128-bf16-r2 hf_peer 128 128 bf16
# shares: the fused attention, the non-blocking batch upload, stacked heads, the mask
run x128-explicit prefine -Dprefine.attention=explicit bench "${FULL[@]}" "${B128[@]}" --precision bf16-mixed
run x128-direct prefine -Dprefine.batchUpload=direct bench "${FULL[@]}" "${B128[@]}" --precision bf16-mixed
run demo-model-direct prefine -Dprefine.batchUpload=direct bench "${TINY[@]}"
run x128-29tasks prefine bench "${FULL[@]}" "${B128[@]}" --precision bf16-mixed --tasks 29
run x128-29tasks-separate prefine -Dprefine.heads=separate bench "${FULL[@]}" "${B128[@]}" --precision bf16-mixed --tasks 29
run x128-padded prefine bench "${FULL[@]}" "${B128[@]}" --precision bf16-mixed --padded
echo "=== done in $(( $(date +%s) - START )) s"
