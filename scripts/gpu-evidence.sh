#!/usr/bin/env bash
# One GPU session's evidence, in steps that fit the device tool's calls (each call carries one part of the GPU bundle
# or of ONNX Runtime's CUDA provider in .gpu-parts/, kept in $W/parts between calls). Run from the repository root on
# the GPU machine: bash scripts/gpu-evidence.sh STEP. Results go to $W/res-* and are packed into $OUT.
#   1  plugins-cu for the GPU (ORT headers from .gpu-hdr), ctest: every CUDA kernel vs its CPU reference
#   2  unpack the bundle; the C# CUDA tests; golden fixtures with every kernel on CUDA, FP32 and FP16
#   3  ablation at 384x512 (classical x2, lightweight x2)
#   4  PyTorch peers joined to that ablation run (eager + torch.compile modes)
#   5  ablation at 114x172 (classical x2, lightweight x2) + peers (classical x2)
#   6  (a part of the CUDA provider only)
#   7  assemble ONNX Runtime's CUDA provider; the ort-parity sweep; ORT profile of the plain vs the ops graph
set -uo pipefail
step=${1:?step}
W=${W:-/tmp/w}
OUT=${OUT:-$W/out}
mkdir -p "$W/parts" "$OUT"
[ -d .gpu-parts ] && cp -n .gpu-parts/* "$W/parts/" 2>/dev/null
ls -la "$W/parts"
bundle=$W/swinbench
build=$PWD/plugins-cu/build
export SWINBENCH_PLUGINS=$build/libswinbench_plugins.so SWINBENCH_ORT_OPS=$build/ort/libswinbench_ort.so
pack() { tar -C "$W" -czf "$OUT/$1.tgz" "$1"; }
case $step in
1)
  nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1
  cmake -S plugins-cu -B "$build" -DCMAKE_BUILD_TYPE=Release -DORT_INCLUDE_DIR="$PWD/.gpu-hdr" > "$OUT/cmake.txt" 2>&1 &&
    cmake --build "$build" --parallel "$(nproc)" >> "$OUT/cmake.txt" 2>&1 || { tail -40 "$OUT/cmake.txt"; exit 1; }
  ctest --test-dir "$build" --output-on-failure > "$OUT/ctest.txt" 2>&1; echo "ctest exit $?"
  grep -E 'tests passed|FAIL|TIMING|checks' "$OUT/ctest.txt" | tail -40
  ;;
2)
  cat "$W"/parts/b* > "$W/bundle.tar.xz" && tar -C "$W" -xJf "$W/bundle.tar.xz" || exit 1
  mkdir -p "$W/res-golden" "$W/shared/fixtures" && ln -sfn "$PWD/tests/fixtures/golden" "$W/shared/fixtures/golden"
  export SWINBENCH_SHARED=$W/shared   # the bundled test assembly is not in the checkout: point it at the fixtures
  "$bundle/gpu-run.sh" env > "$W/res-golden/env.txt" 2>&1
  "$bundle/gpu-run.sh" tests -trait Requires=cuda -failSkips -noColor > "$W/res-golden/csharp-cuda-tests.txt" 2>&1; echo "C# CUDA tests exit $?"
  tail -5 "$W/res-golden/csharp-cuda-tests.txt"
  for p in fp32 fp16; do
    "$bundle/gpu-run.sh" golden --device cuda --precision $p --kernels all > "$W/res-golden/golden-cuda-all-kernels-$p.txt" 2>&1; echo "golden $p exit $?"
    tail -4 "$W/res-golden/golden-cuda-all-kernels-$p.txt"
  done
  cp "$OUT/ctest.txt" "$W/res-golden/" 2>/dev/null; pack res-golden
  ;;
3)
  timeout 540 "$bundle/gpu-run.sh" run --sweep ablation-gpu --tasks classical-x2 lightweight-x2 --size 384x512 --out "$W/res-384" 2>&1 | tail -30
  pack res-384
  ;;
4)
  timeout 560 "$bundle/gpu-run.sh" peers --join ablation --tasks classical-x2 lightweight-x2 --size 384x512 \
    --modes eager-fp32-perblock,eager-fp16-hoisted,compile-default,compile-reduce-overhead,compile-max-autotune-no-cudagraphs \
    --golden "$PWD/tests/fixtures/golden" --timeout 520 --out "$W/res-384" 2>&1 | tail -30
  pack res-384
  ;;
5)
  timeout 120 "$bundle/gpu-run.sh" run --sweep ablation-gpu --tasks classical-x2 lightweight-x2 --size 114x172 --out "$W/res-114" 2>&1 | tail -24
  timeout 170 "$bundle/gpu-run.sh" peers --join ablation --tasks classical-x2 --size 114x172 \
    --modes eager-fp16-hoisted,compile-reduce-overhead \
    --golden "$PWD/tests/fixtures/golden" --timeout 160 --out "$W/res-114" 2>&1 | tail -8
  pack res-114
  ;;
6)
  echo "part carried"
  ;;
7)
  gcc -O2 scripts/unzstd.c -lzstd -o "$W/unzstd" && cat "$W"/parts/c* | "$W/unzstd" > "$bundle/libonnxruntime_providers_cuda.so" || exit 1
  ls -la "$bundle"/libonnxruntime*
  timeout 420 "$bundle/gpu-run.sh" run --sweep ort-parity-gpu --out "$W/res-parity" 2>&1 | tail -24
  k=window_mask,ln_roll_partition,reverse_roll_add,qkv_split,layer_norm_fp32,window_attention
  "$bundle/gpu-run.sh" export-onnx --preset classical-x2 --mask hoisted --precision fp16 -o "$W/plain.onnx" > /dev/null &&
  "$bundle/gpu-run.sh" export-onnx --preset classical-x2 --mask hoisted --precision fp16 --kernels $k -o "$W/ops.onnx" > /dev/null &&
  SWINBENCH_ORT_LIB="$bundle/libonnxruntime.so" OUT="$W/res-parity/raw/ort-profile" WARMUP=3 ITERS=10 \
    timeout 150 bash scripts/profile-ort-ops.sh "$W/plain.onnx" "$W/ops.onnx" 384 512 > "$W/res-parity/ort-profile.txt" 2>&1
  echo "profile exit $?"; tail -40 "$W/res-parity/ort-profile.txt"
  pack res-parity
  ;;
esac
ls -la "$OUT"
