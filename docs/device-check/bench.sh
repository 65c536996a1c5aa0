#!/usr/bin/env bash
# The GPU-speed figures of docs/gpu.md in one run on one GPU, next to the Hugging Face peer, most
# important first: usage `bash docs/device-check/bench.sh [seconds]` (default 300; a run that
# would start with under 30 s left is skipped, and none runs over 150 s). Each run prints its
# step figures, its exit code, any kernel that fell back from its fused path, and the peak GPU
# memory nvidia-smi saw while it ran; its whole output stays in $WORK/logs.
set -u
. "$(dirname "$0")/common.sh"
BUDGET=${1:-300}
exec > >(tee "$OUT/bench.log") 2>&1
MEM=$WORK/memory; LOGS=$WORK/logs; mkdir -p "$MEM" "$LOGS"
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
  limited "$t" "$tag" "$@" > "$LOGS/$tag.log" 2>&1
  local rc=$?
  grep -v '^\s*at \|^$\|WARN.*SLF4J' "$LOGS/$tag.log" | tail -40
  # one failing run never stops the others; 124 (137: killed GRACE s after): it ran past its limit
  echo "exit $rc$(timed_out $rc && echo " (time limit $t s)")"
  # the kernels' probes warn once when a fused path is not usable (AmpUpdateScale, FusedAdamW,
  # FusedAttention, HostToDevice); a bench run that fell back would measure the slow path
  echo "kernel fallbacks: $(grep -c "not using PyTorch's\|is not usable on" "$LOGS/$tag.log")"
  grep "not using PyTorch's\|is not usable on" "$LOGS/$tag.log" | cut -c1-240
  if [ -n "$sampler" ]; then
    kill "$sampler" 2> /dev/null; wait "$sampler" 2> /dev/null
    echo "nvidia-smi peak used: $(sort -n "$MEM/$tag" | tail -1) MiB"
  fi
}

# on the GPU the headline run and the demo model's warm up until the JIT is idle (at most 60 s);
# the others take 50 steps (on an H100 the forward's host time was near its device time after 10).
# The rehearsal keeps fixed warm-ups, since on a CPU an automatic one of these toy steps takes 13-27 s
if [ "$REHEARSAL" = 1 ]; then
  BIG=(--model DEMO --length 16); B128=(--batch 32); B32=(--batch 8); WARM=(--warmup 5); WARM_AUTO=(--warmup 5)
  WARM_TINY=(--warmup 20)
else
  BIG=(--model XLMR_BASE); B128=(--batch 128); B32=(--batch 32); WARM=(--warmup 50); WARM_AUTO=(--warmup auto)
  WARM_TINY=(--warmup auto)
fi
FULL=("${DEVICE[@]}" "${BIG[@]}" --part FULL "${WARM[@]}" --steps 15)
HEAD=("${DEVICE[@]}" "${BIG[@]}" --part FULL "${WARM_AUTO[@]}" --steps 15)
TINY=("${DEVICE[@]}" --model DEMO --batch 64 --length 64 --part FULL "${WARM_TINY[@]}" --steps 60)

# a fully masked attention row on the fused kernel under float16 and bfloat16 (needs CUDA)
run masked-row probe_masked_row
# the headline pair; --leak-check: the arrays alive once 2 steps have run and after the last step
run x128-bf16 prefine bench "${HEAD[@]}" "${B128[@]}" --precision bf16-mixed --profile --leak-check
# bf16 alone: the sampler keeps a process's maximum, and x128-bf16's nvidia-smi peak is compared with this one's
run hf128-bf16 hf_peer 128 128 bf16
# fp16-mixed: the loss scale's update is torch's _amp_update_scale_ unless "kernel fallbacks" says otherwise
run x128-fp16 prefine bench "${FULL[@]}" "${B128[@]}" --precision fp16-mixed --leak-check
TORCH_ALLOW_TF32_CUBLAS_OVERRIDE=1 run x128-tf32 prefine bench "${FULL[@]}" "${B128[@]}" --precision fp32 --leak-check
run hf128 hf_peer 128 128 tf32 fp16
# the demo model's step with a warm JIT
run demo-model prefine bench "${TINY[@]}" --profile
# the memory split: without PyTorch's caching allocator nvidia-smi's peak is the CUDA context and the
# tensors alive (sampled every 0.2 s, so a lower bound), for prefine and for HF alike
PYTORCH_NO_CUDA_MEMORY_CACHING=1 run x128-bf16-nocache prefine bench "${DEVICE[@]}" "${BIG[@]}" --part FULL \
    --warmup 3 --steps 5 "${B128[@]}" --precision bf16-mixed
PYTORCH_NO_CUDA_MEMORY_CACHING=1 run hf128-bf16-nocache hf_peer 128 128 bf16
# below: measured once on an H100 (docs/gpu.md); run when the budget allows
run x128-token prefine bench "${FULL[@]}" "${B128[@]}" --precision bf16-mixed --formats TOKEN
run x32-bf16 prefine bench "${FULL[@]}" "${B32[@]}" --precision bf16-mixed
run hf32 hf_peer 32 128 bf16
run x128-explicit prefine -Dprefine.attention=explicit bench "${FULL[@]}" "${B128[@]}" --precision bf16-mixed
run x128-direct prefine -Dprefine.batchUpload=direct bench "${FULL[@]}" "${B128[@]}" --precision bf16-mixed
run demo-model-direct prefine -Dprefine.batchUpload=direct bench "${TINY[@]}"
run x128-29tasks prefine bench "${FULL[@]}" "${B128[@]}" --precision bf16-mixed --tasks 29
run x128-29tasks-separate prefine -Dprefine.heads=separate bench "${FULL[@]}" "${B128[@]}" --precision bf16-mixed --tasks 29
run x128-padded prefine bench "${FULL[@]}" "${B128[@]}" --precision bf16-mixed --padded
(cd "$LOGS" && tar czf "$OUT/bench-logs.tgz" .)
echo "=== done in $(( $(date +%s) - START )) s"
