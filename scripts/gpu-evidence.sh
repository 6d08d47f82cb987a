#!/usr/bin/env bash
# One GPU session's evidence, in steps that fit the device tool's calls (each call carries one part of the GPU bundle
# or of ONNX Runtime's CUDA provider in .gpu-parts/, kept in $W/parts between calls). Run from the repository root on
# the GPU machine: bash scripts/gpu-evidence.sh STEP. Results go to $W/res-* and are packed into $OUT.
#   1  plugins-cu for the GPU (ORT headers from .gpu-hdr), ctest (every CUDA kernel and the swin_block chain vs their
#      references); with BENCH=1 also swin_block_bench (stage and body times, graph on/off) and an ncu breakdown of one
#      classical stage
#   2  unpack the bundle; the C# CUDA tests; golden fixtures through swin_block (and cuda_graph) on CUDA, FP32 and FP16
#   3  ablation at 384x512 (classical x2, lightweight x2), +block and +graph included
#   4  PyTorch peers of classical x2 joined to that ablation run (eager + torch.compile modes)
#   5  the same for lightweight x2
#   6  ablation at 114x172 (classical x2, lightweight x2, color DN15) + peers (classical x2, lightweight x2)
#   7  assemble ONNX Runtime's CUDA provider; the ort-parity sweep; ORT profile of the per-op graph vs the swin_block
#      graph, both with prefer_nhwc, with cuDNN's EXHAUSTIVE (the harness's) and HEURISTIC algorithm search
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
peers384() {  # $1 task
  timeout 570 "$bundle/gpu-run.sh" peers --join ablation --tasks "$1" --size 384x512 \
    --modes eager-fp32-perblock,compile-default,compile-max-autotune-no-cudagraphs,compile-reduce-overhead \
    --golden "$PWD/tests/fixtures/golden" --timeout 560 --out "$W/res-384" 2>&1 | tail -12
  pack res-384
}
case $step in
1)
  nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1
  mkdir -p "$W/res-native"
  cmake -S plugins-cu -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 -DORT_INCLUDE_DIR="$PWD/.gpu-hdr" > "$W/res-native/cmake.txt" 2>&1 &&
    cmake --build "$build" --parallel "$(nproc)" >> "$W/res-native/cmake.txt" 2>&1 || { tail -40 "$W/res-native/cmake.txt"; exit 1; }
  ctest --test-dir "$build" --output-on-failure > "$W/res-native/ctest.txt" 2>&1; echo "ctest exit $?"
  grep -E 'tests passed|Failed|FAIL' "$W/res-native/ctest.txt" | tail -8
  "$build/tests/test_cuda_swin_block" > "$W/res-native/test_cuda_swin_block.txt" 2>&1; echo "cuda swin_block test exit $?"
  [ "${BENCH:-0}" = 1 ] || { pack res-native; ls -la "$OUT"; exit 0; }
  timeout 150 "$build/tools/swin_block_bench" --size 384x512 --size 114x172 --runs 100 > "$W/res-native/swin_block_bench.txt" 2>&1
  timeout 60 "$build/tools/swin_block_bench" --model classical --size 384x512 --graph off --gemm-tune off \
    > "$W/res-native/swin_block_bench-gemm-tune-off.txt" 2>&1
  cut -c1-250 "$W/res-native/swin_block_bench.txt" "$W/res-native/swin_block_bench-gemm-tune-off.txt"
  ncu_txt=$W/res-native/ncu-classical-384x512-stage.txt
  timeout 150 ncu --clock-control none --profile-from-start off --section SpeedOfLight --print-summary per-kernel \
    "$build/tools/swin_block_bench" --ncu --model classical --size 384x512 --graph off > "$ncu_txt" 2>&1; echo "ncu exit $?"
  awk '/Invocations/{n=$0} /Duration/{t=$NF} /Memory Throughput/{m=$NF} /DRAM Throughput/{d=$NF} /Compute \(SM\)/{printf "%8s us mem %5s%% dram %5s%% sm %5s%% %s\n", t, m, d, $NF, substr(n,3,90)}' \
    "$ncu_txt" | tee "$W/res-native/ncu-summary.txt"
  pack res-native
  ;;
2)
  cat "$W"/parts/b* > "$W/bundle.tar.xz" && tar -C "$W" -xJf "$W/bundle.tar.xz" || exit 1
  mkdir -p "$W/res-golden" "$W/shared/fixtures" && ln -sfn "$PWD/tests/fixtures/golden" "$W/shared/fixtures/golden"
  export SWINBENCH_SHARED=$W/shared   # the bundled test assembly is not in the checkout: point it at the fixtures
  "$bundle/gpu-run.sh" env > "$W/res-golden/env.txt" 2>&1
  "$bundle/gpu-run.sh" tests -trait Requires=cuda -failSkips -noColor > "$W/res-golden/csharp-cuda-tests.txt" 2>&1; echo "C# CUDA tests exit $?"
  tail -5 "$W/res-golden/csharp-cuda-tests.txt"
  for p in fp32 fp16; do
    for k in all,swin_block all,swin_block,cuda_graph all,swin_block,cuda_graph,channels_last; do
      "$bundle/gpu-run.sh" golden --device cuda --precision $p --kernels $k > "$W/res-golden/golden-cuda-$p-${k//,/+}.txt" 2>&1; echo "golden $p $k exit $?"
      tail -2 "$W/res-golden/golden-cuda-$p-${k//,/+}.txt"
    done
  done
  cp "$W/res-native/ctest.txt" "$W/res-golden/" 2>/dev/null; pack res-golden
  ;;
3)
  timeout 560 "$bundle/gpu-run.sh" run --sweep ablation-gpu --tasks classical-x2 lightweight-x2 --size 384x512 --out "$W/res-384" 2>&1 | tail -34
  pack res-384
  ;;
4) peers384 classical-x2 ;;
5) peers384 lightweight-x2 ;;
6)
  timeout 200 "$bundle/gpu-run.sh" run --sweep ablation-gpu --tasks classical-x2 lightweight-x2 color-dn15 --size 114x172 --out "$W/res-114" 2>&1 | tail -40
  timeout 360 "$bundle/gpu-run.sh" peers --join ablation --tasks classical-x2 lightweight-x2 --size 114x172 \
    --modes eager-fp32-perblock,compile-default,compile-reduce-overhead \
    --golden "$PWD/tests/fixtures/golden" --timeout 350 --out "$W/res-114" 2>&1 | tail -10
  pack res-114
  ;;
7)
  gcc -O2 scripts/unzstd.c -lzstd -o "$W/unzstd" && cat "$W"/parts/c* | "$W/unzstd" > "$bundle/libonnxruntime_providers_cuda.so" || exit 1
  ls -la "$bundle"/libonnxruntime*
  timeout 430 "$bundle/gpu-run.sh" run --sweep ort-parity-gpu --size 384x512 --out "$W/res-parity" 2>&1 | tail -40
  k=window_mask,ln_roll_partition,reverse_roll_add,qkv_split,layer_norm_fp32,window_attention
  "$bundle/gpu-run.sh" export-onnx --preset classical-x2 --mask hoisted --precision fp16 --kernels $k -o "$W/ops.onnx" > /dev/null &&
  "$bundle/gpu-run.sh" export-onnx --preset classical-x2 --mask hoisted --precision fp16 --kernels $k,swin_block -o "$W/block.onnx" > /dev/null &&
  for search in EXHAUSTIVE HEURISTIC; do
    SWINBENCH_ORT_LIB="$bundle/libonnxruntime.so" OUT="$W/res-parity/raw/ort-profile-$search" WARMUP=3 ITERS=10 NHWC=1 CONV_SEARCH=$search \
      timeout 100 bash scripts/profile-ort-ops.sh "$W/ops.onnx" "$W/block.onnx" 384 512 > "$W/res-parity/ort-profile-$search.txt" 2>&1
    echo "profile $search exit $?"; tail -30 "$W/res-parity/ort-profile-$search.txt"
  done
  pack res-parity
  ;;
*) echo "gpu-evidence: carried a part only" ;;
esac
ls -la "$OUT"
