#!/usr/bin/env bash
# Profiles the plain ONNX graph and the swinbench custom-op graph on ONNX Runtime's CUDA EP with ONNX Runtime's own
# profiler, and prints for each: the wall time per run, and the time per op type (with the provider each ran on and
# any Memcpy nodes). Needs no dotnet and no onnxruntime Python package: plugins-cu/tools/ort_profile (built by
# scripts/build-plugins.sh next to libswinbench_ort.so) loads libonnxruntime.so itself.
#
#   bash scripts/profile-ort-ops.sh PLAIN.onnx OPS.onnx [HEIGHT WIDTH]
#
# Two passes per model:
#   async     as the benchmark runs: the wall time per run is real; node times are host-side launch times
#   blocking  CUDA_LAUNCH_BLOCKING=1: every launch waits for its kernel, so node times include the GPU time and the
#             per-op-type totals compare the two graphs (the wall time of this pass is inflated, do not quote it)
# Environment: SWINBENCH_ORT_LIB  libonnxruntime.so (libonnxruntime_providers_cuda.so and _shared.so beside it;
#                                 default: the NuGet package's, as built into ort_profile)
#              WARMUP (3), ITERS (10), DEVICE (0), OUT (results/_scratch/ort-profile)
#              NHWC=1         the CUDA EP's prefer_nhwc for both models (the channels_last variants)
#              CONV_SEARCH    the CUDA EP's cudnn_conv_algo_search: EXHAUSTIVE (default, as the harness), HEURISTIC or
#                             DEFAULT
#              TORCH_LIB      torch/lib of the PyTorch install whose NVIDIA wheels hold the CUDA 13 libraries ORT's CUDA
#                             provider loads (cuBLAS, cuDNN 9, cuRAND); added to LD_LIBRARY_PATH as gpu-run.sh does
#                             (default: /opt/torch/.venv/lib/python3.12/site-packages/torch/lib, when present)
#              PROVIDER=cpu  a dry run of the whole script on the CPU EP (both passes, no CUDA needed)
# Export the two graphs on a machine with dotnet (random weights are fine for timing), e.g. SwinIR-M x2 FP16 hoisted:
#   dotnet bench/bin/Release/net10.0/swinbench.dll export-onnx --preset classical-x2 --mask hoisted --precision fp16 -o plain.onnx
#   dotnet bench/bin/Release/net10.0/swinbench.dll export-onnx --preset classical-x2 --mask hoisted --precision fp16 --kernels window_mask,ln_roll_partition,reverse_roll_add,qkv_split,layer_norm_fp32,window_attention -o ops.onnx
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/plugins-cu/build"
tool="$build/ort/ort_profile"
ops_lib="$build/ort/libswinbench_ort.so"

if [ $# -ne 2 ] && [ $# -ne 4 ]; then
  echo "usage: $0 PLAIN.onnx OPS.onnx [HEIGHT WIDTH]" >&2
  exit 2
fi
plain=$1 ops=$2 height=${3:-346} width=${4:-512}
for f in "$plain" "$ops"; do
  [ -f "$f" ] || { echo "profile-ort-ops: no such model '$f'" >&2; exit 2; }
done
if [ ! -x "$tool" ] || [ ! -f "$ops_lib" ]; then
  echo "profile-ort-ops: $tool or $ops_lib missing: run 'bash scripts/build-plugins.sh' first" >&2
  exit 1
fi
provider=${PROVIDER:-cuda}
if [ "$provider" = cuda ] && ! grep -qa CUDAExecutionProvider "$ops_lib"; then
  echo "profile-ort-ops: $ops_lib was built without CUDA (no nvcc at build time): its ops would run on the CPU EP" >&2
  exit 1
fi

torch_lib=${TORCH_LIB:-/opt/torch/.venv/lib/python3.12/site-packages/torch/lib}
if [ -d "$torch_lib" ]; then
  site=$(dirname "$(dirname "$torch_lib")")
  nv=$(ls -d "$site"/nvidia/*/lib 2>/dev/null | tr '\n' ':')
  export LD_LIBRARY_PATH="$torch_lib:${nv}${LD_LIBRARY_PATH:-}"
fi

out="${OUT:-$root/results/_scratch/ort-profile}"
mkdir -p "$out"
common=(--provider "$provider" --device "${DEVICE:-0}" --height "$height" --width "$width" --warmup "${WARMUP:-3}"
        --iters "${ITERS:-10}" --nhwc "${NHWC:-0}" --conv-search "${CONV_SEARCH:-EXHAUSTIVE}")

run() {  # name model pass [extra args]
  local name=$1 model=$2 pass=$3
  shift 3
  echo "== $name ($pass) =="
  if [ "$pass" = blocking ]; then
    CUDA_LAUNCH_BLOCKING=1 "$tool" --model "$model" "${common[@]}" --profile "$out/$name.$pass" "$@" | tee "$out/$name.$pass.txt"
  else
    "$tool" --model "$model" "${common[@]}" --profile "$out/$name.$pass" "$@" | tee "$out/$name.$pass.txt"
  fi
}

for pass in async blocking; do
  run plain "$plain" "$pass" --ops "$ops_lib"
  run ops "$ops" "$pass" --ops "$ops_lib"
done

echo
echo "== summary (full tables and profiler JSON in $out) =="
for name in plain ops; do
  printf '%-6s async    %s\n' "$name" "$(grep '^wall per run' "$out/$name.async.txt")"
done
for name in plain ops; do
  printf '%-6s blocking %s\n' "$name" "$(grep '^  total' "$out/$name.blocking.txt" | awk '{print "node time total " $2 " ms per run"}')"
  grep -c '^NOTE' "$out/$name.blocking.txt" >/dev/null && grep '^NOTE' "$out/$name.blocking.txt" | sed "s/^/$name: /" || true
done
echo
echo "== per op type, blocking pass (ms per run, GPU time included): plain vs ops =="
printf '  %-34s %10s %10s\n' op_type plain ops
awk 'FNR == 1 { f++ }
     /^  [A-Za-z]/ && $1 != "op_type" && $1 != "total" { ms[$1, f] = $3; seen[$1] = 1 }
     END { for (o in seen) {
             a = (o, 1) in ms ? ms[o, 1] : "-"; b = (o, 2) in ms ? ms[o, 2] : "-"
             printf "%s\t  %-34s %10s %10s\n", (a + 0 > b + 0 ? a + 0 : b + 0), o, a, b } }' \
  "$out/plain.blocking.txt" "$out/ops.blocking.txt" | sort -t$'\t' -k1,1gr | cut -f2
