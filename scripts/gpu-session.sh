#!/usr/bin/env bash
# One GPU session, as steps that each fit one device call. Run from the repository root on the GPU machine:
#   bash scripts/gpu-session.sh STEP [ARGS...]
# State lives in $W (default /tmp/w) and survives between the calls of one warm machine: the parts carried so far
# ($W/parts), the unpacked bundle ($W/swinbench) and ONNX Runtime ($W/ort-VERSION), the plugins-cu build ($W/build),
# and the results ($W/res-*). What a step wants kept is copied to $OUT.
#   collect        take the parts this call carried (.gpu-send/, from scripts/gpu-parts.sh) and unpack every archive
#                  whose parts are all there (checked against its sha256)
#   native         plugins-cu for sm_90 (ONNX Runtime headers from .gpu-hdr/), ctest, the CUDA swin_block test
#   conv VERSION   ONNX Runtime VERSION's CUDA EP on one SwinIR convolution (180->180, 3x3, 384x512, FP16) across its
#                  options, each run profiled with CUDA_LAUNCH_BLOCKING=1 (the Conv node's GPU time), and the same
#                  convolution in PyTorch (scripts/profile-conv.py)
#   engine         swin_block_bench: per-kernel floors and the v1/v2 row and attention kernels, stage and body times
#                  (classical and lightweight at 384x512, 114x172, 768x1024), then ncu of those kernels (needs native)
#   csharp         the bundle's C# CUDA tests (trait Requires=cuda, skips fail) and the golden fixtures through
#                  swin_block on CUDA (FP32 and FP16; alone, with CUDA graphs, and with channels_last too)
#   ablation SIZE [TASK...]  the cumulative ablation at SIZE (default tasks classical x2 and lightweight x2) into
#                  $W/res-ablation-SIZE (TorchSharp; needs the bundle)
#   peers-join SIZE TASK MODES  the PyTorch peers (MODES: comma-separated peer modes) of TASK joined to that ablation
#                  run (the headline: ablation + peers at one size in one results.csv)
#   parity         the ort-parity-gpu sweep at 384x512 and ONNX Runtime's profile of the per-op graph vs the
#                  swin_block graph (prefer_nhwc; cuDNN EXHAUSTIVE and HEURISTIC) into $W/res-parity
#   convq [VERSION] the convolution question (sweep conv-gpu) through the bundle into $W/res-conv; with VERSION, through
#                  a copy of the bundle whose ONNX Runtime libraries are $W/ort-VERSION's, into $W/res-conv-VERSION
#   study SECONDS  the study sweep into $W/res-study, resumed when it exists, stopped cleanly (SIGINT) after SECONDS
#   pack NAME      res-NAME as $OUT/NAME.tgz
#   peers          the PyTorch peer alone: golden check, compile-dynamic over several sizes (compile counts), its
#                  distance from a per-shape max-autotune compile at one size, an out-of-memory case
set -uo pipefail
W=${W:-/tmp/w}
OUT=${OUT:-$W/out}
mkdir -p "$W/parts" "$OUT"
step=${1:?usage: gpu-session.sh STEP [ARGS...]}
shift
build=$W/build

collect() {
  [ -d .gpu-send ] && cp -n .gpu-send/* "$W/parts/" 2>/dev/null
  for meta in "$W"/parts/*.meta; do
    [ -f "$meta" ] || continue
    local name=${meta##*/}
    name=${name%.meta}
    [ -f "$W/parts/$name.done" ] && continue
    local want have sum
    want=$(sed -n 's/.*parts=\([0-9]*\).*/\1/p' "$meta")
    have=$(ls "$W/parts/$name".[0-9][0-9] 2>/dev/null | wc -l)
    if [ "$have" -lt "$want" ]; then echo "collect: $name: $have of $want parts"; continue; fi
    cat "$W/parts/$name".[0-9][0-9] > "$W/$name"
    sum=$(sha256sum "$W/$name" | cut -d' ' -f1)
    if ! grep -q "sha256=$sum" "$meta"; then echo "collect: $name: checksum mismatch"; rm -f "$W/$name"; return 1; fi
    case $name in
      *.tar.xz) tar -C "$W" -xJf "$W/$name" ;;
      *.tar.zst)
        [ -x "$W/unzstd" ] || gcc -O2 scripts/unzstd.c -lzstd -o "$W/unzstd" || return 1
        "$W/unzstd" < "$W/$name" | tar -C "$W" -xf - ;;
    esac && touch "$W/parts/$name.done" && rm -f "$W/$name" "$W/parts/$name".[0-9][0-9] && echo "collect: $name unpacked"
  done
  return 0
}

native() {
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$OUT/gpu.txt"
  cmake -S plugins-cu -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 \
    -DORT_INCLUDE_DIR="$PWD/.gpu-hdr" > "$W/native-build.txt" 2>&1 &&
    cmake --build "$build" --parallel "$(nproc)" >> "$W/native-build.txt" 2>&1 || { tail -40 "$W/native-build.txt"; return 1; }
  ctest --test-dir "$build" --output-on-failure > "$OUT/ctest.txt" 2>&1; echo "ctest exit $?"
  grep -E 'tests passed|Failed|FAIL' "$OUT/ctest.txt" | tail -8
  "$build/tests/test_cuda_swin_block" > "$OUT/test_cuda_swin_block.txt" 2>&1; echo "cuda swin_block test exit $?"
  tail -3 "$OUT/test_cuda_swin_block.txt"
}

conv() {
  local version=${1:?conv VERSION} ort=$W/ort-${1}
  [ -f "$ort/libonnxruntime_providers_cuda.so" ] || { echo "conv: $ort not unpacked yet"; return 1; }
  local torch_lib=/opt/torch/.venv/lib/python3.12/site-packages/torch/lib site
  site=$(dirname "$(dirname "$torch_lib")")
  export LD_LIBRARY_PATH="$ort:$torch_lib:$(ls -d "$site"/nvidia/*/lib 2>/dev/null | tr '\n' ':')${LD_LIBRARY_PATH:-}"
  local log=$OUT/ort-conv-$version.txt
  : > "$log"
  run() {  # $1 label, rest: ort_profile options
    local label=$1
    shift
    echo "== $label" >> "$log"
    CUDA_LAUNCH_BLOCKING=1 timeout 120 "$build/ort/ort_profile" --ort-lib "$ort/libonnxruntime.so" --height 384 --width 512 \
      --warmup 3 --iters 10 --profile "$W/conv-prof" "$@" >> "$log" 2>&1 || echo "   (exit $?)" >> "$log"
    printf '%-58s %s\n' "$label" "$(grep -E '^  Conv ' "$log" | tail -1 | awk '{print $3 " ms (Conv node, blocking)"}')"
  }
  local c=180,180,3
  run "fp16 default (EXHAUSTIVE, NCHW)" --conv $c
  run "fp16 prefer_nhwc" --conv $c --nhwc 1
  run "fp16 HEURISTIC" --conv $c --conv-search HEURISTIC
  run "fp16 DEFAULT" --conv $c --conv-search DEFAULT
  run "fp16 cudnn_conv_use_max_workspace=0" --conv $c --ep cudnn_conv_use_max_workspace=0
  run "fp16 fuse_conv_bias=1" --conv $c --ep fuse_conv_bias=1
  run "fp16 fuse_conv_bias=1 prefer_nhwc" --conv $c --ep fuse_conv_bias=1 --nhwc 1
  run "fp16 use_tf32=1" --conv $c --ep use_tf32=1
  run "fp16 C=184 default" --conv 184,184,3
  run "fp16 C=184 prefer_nhwc" --conv 184,184,3 --nhwc 1
  run "fp32 default (use_tf32=0)" --conv $c --dtype fp32
  run "fp32 use_tf32=1" --conv $c --dtype fp32 --ep use_tf32=1
  /opt/torch/.venv/bin/python3 scripts/profile-conv.py 384 512 2>&1 | tee "$OUT/torch-conv.txt"
}

engine() {
  timeout 240 "$build/tools/swin_block_bench" --runs 50 --warmup 3 > "$OUT/engine-bench.txt" 2>&1; echo "bench exit $?"
  cut -c1-230 "$OUT/engine-bench.txt"
  timeout 150 ncu --clock-control none --profile-from-start off -k 'regex:RowsKernel|ChainAttention' --section SpeedOfLight \
    --section Occupancy --section LaunchStats --print-summary per-kernel "$build/tools/swin_block_bench" --ncu --model classical \
    --size 384x512 --graph off --variants v1,v2 > "$OUT/engine-ncu.txt" 2>&1; echo "ncu exit $?"
  grep -E "^  [a-z].*Kernel|Duration|DRAM Through|Achieved Occ|Registers Per|Block Limit Reg" "$OUT/engine-ncu.txt" | cut -c1-150
}

peers() {
  local py=/opt/torch/.venv/bin/python3 cfg
  cfg=$(cat "${1:?peers CONFIG.json}")
  "$py" peers/swinir_torch.py --device cuda 2>&1 | tail -3
  TORCH_LOGS=recompiles,graph_breaks timeout 400 "$py" peers/run_peers.py --device cuda --golden skip --warmup 2 --iterations 5 \
    --task probe --config "$cfg" --size 114x172,160x240,256x342,384x512 --modes eager-fp32-perblock,compile-dynamic \
    > "$OUT/peers-dynamic.jsonl" 2> "$OUT/peers-dynamic.log"; echo "dynamic exit $?"
  "$py" -c 'import json,sys
for l in open(sys.argv[1]):
    r=json.loads(l); print(r["mode"], r["h"], r["w"], r.get("status"), r.get("median_ms"), "compile_s", r.get("compile_s"), "compiles", r.get("compiles"))' "$OUT/peers-dynamic.jsonl"
  grep -ciE "recompil|graph break" "$OUT/peers-dynamic.log"
}

bundle_env() {  # the bundle with ONNX Runtime's CUDA provider beside its libonnxruntime.so, and the plugins of $build
  [ -x "$W/swinbench/gpu-run.sh" ] || { echo "the bundle is not unpacked yet"; return 1; }
  local ort="" d
  for d in "$W"/ort-*; do  # the unpacked ONNX Runtime whose libonnxruntime.so is the bundle's
    cmp -s "$d/libonnxruntime.so" "$W/swinbench/libonnxruntime.so" && ort=$d
  done
  if [ -n "$ort" ] && [ ! -e "$W/swinbench/libonnxruntime_providers_cuda.so" ]; then
    cp "$ort/libonnxruntime_providers_cuda.so" "$ort/libonnxruntime_providers_shared.so" "$W/swinbench/"
  elif [ -z "$ort" ] && [ ! -e "$W/swinbench/libonnxruntime_providers_cuda.so" ]; then
    echo "warning: no \$W/ort-* holds the bundle's libonnxruntime.so: ONNX Runtime has no CUDA provider"
  fi
  export SWINBENCH_PLUGINS=$build/libswinbench_plugins.so SWINBENCH_ORT_OPS=$build/ort/libswinbench_ort.so
}

csharp() {
  bundle_env || return 1
  mkdir -p "$W/shared/fixtures" && ln -sfn "$PWD/tests/fixtures/golden" "$W/shared/fixtures/golden"
  export SWINBENCH_SHARED=$W/shared
  "$W/swinbench/gpu-run.sh" env > "$OUT/env.txt" 2>&1; cat "$OUT/env.txt"
  "$W/swinbench/gpu-run.sh" tests -trait Requires=cuda -failSkips -noColor > "$OUT/csharp-cuda-tests.txt" 2>&1; echo "C# CUDA tests exit $?"
  tail -3 "$OUT/csharp-cuda-tests.txt"
  local p k log
  for p in fp32 fp16; do
    for k in all,swin_block all,swin_block,cuda_graph all,swin_block,cuda_graph,channels_last; do
      log=$OUT/golden-cuda-$p-${k//,/+}.txt
      "$W/swinbench/gpu-run.sh" golden --device cuda --precision $p --kernels $k > "$log" 2>&1
      echo "golden $p $k exit $?"; tail -2 "$log"
    done
  done
}

ablation() {
  bundle_env || return 1
  local size=${1:?ablation SIZE [TASK...]}
  shift
  local tasks=("$@")
  [ ${#tasks[@]} -gt 0 ] || tasks=(classical-x2 lightweight-x2)
  timeout -s INT 500 "$W/swinbench/gpu-run.sh" run --sweep ablation-gpu --tasks "${tasks[@]}" --size "$size" \
    --out "$W/res-ablation-$size" 2>&1 | tail -40
}

peers-join() {
  bundle_env || return 1
  local size=${1:?peers-join SIZE TASK MODES} task=${2:?peers-join SIZE TASK MODES} modes=${3:?peers-join SIZE TASK MODES}
  timeout 570 "$W/swinbench/gpu-run.sh" peers --join ablation --tasks "$task" --size "$size" --modes "$modes" \
    --golden "$PWD/tests/fixtures/golden" --timeout 560 --out "$W/res-ablation-$size" 2>&1 | tail -12
}

parity() {
  bundle_env || return 1
  local bundle=$W/swinbench k=window_mask,ln_roll_partition,reverse_roll_add,qkv_split,layer_norm_fp32,window_attention search
  timeout -s INT 430 "$bundle/gpu-run.sh" run --sweep ort-parity-gpu --size 384x512 --out "$W/res-parity" 2>&1 | tail -40
  "$bundle/gpu-run.sh" export-onnx --preset classical-x2 --mask hoisted --precision fp16 --kernels $k -o "$W/ops.onnx" > /dev/null &&
    "$bundle/gpu-run.sh" export-onnx --preset classical-x2 --mask hoisted --precision fp16 --kernels $k,swin_block -o "$W/block.onnx" > /dev/null || return 1
  for search in EXHAUSTIVE HEURISTIC; do
    SWINBENCH_ORT_LIB="$bundle/libonnxruntime.so" OUT="$W/res-parity/raw/ort-profile-$search" WARMUP=3 ITERS=10 NHWC=1 CONV_SEARCH=$search \
      timeout 100 bash scripts/profile-ort-ops.sh "$W/ops.onnx" "$W/block.onnx" 384 512 > "$W/res-parity/ort-profile-$search.txt" 2>&1
    echo "profile $search exit $?"; tail -30 "$W/res-parity/ort-profile-$search.txt"
  done
}

convq() {
  bundle_env || return 1
  local version=${1:-} bundle=$W/swinbench out=$W/res-conv
  if [ -n "$version" ]; then  # the .NET binding loads the libonnxruntime.so beside swinbench, so a copy gets VERSION's
    local ort=$W/ort-$version
    [ -f "$ort/libonnxruntime_providers_cuda.so" ] || { echo "convq: $ort not unpacked yet"; return 1; }
    bundle=$W/swinbench-ort-$version out=$W/res-conv-$version
    [ -d "$bundle" ] || cp -al "$W/swinbench" "$bundle"
    rm -f "$bundle"/libonnxruntime*.so && cp "$ort"/libonnxruntime*.so "$bundle/" || return 1
  fi
  timeout -s INT 500 "$bundle/gpu-run.sh" run --sweep conv-gpu --out "$out" 2>&1 | tail -40
  echo "convq exit ${PIPESTATUS[0]}"
}

study() {
  bundle_env || return 1
  local resume=()
  [ -f "$W/res-study/results.csv" ] && resume=(--resume)
  timeout -s INT "${1:?study SECONDS}" "$W/swinbench/gpu-run.sh" run --sweep study-gpu --out "$W/res-study" "${resume[@]}" 2>&1 | tail -60
  echo "study exit ${PIPESTATUS[0]}"
}

pack() { tar -C "$W" -czf "$OUT/${1:?pack NAME}.tgz" "res-$1" && ls -la "$OUT/$1.tgz"; }

case $step in
  collect) collect ;;
  csharp) csharp ;;
  ablation) ablation "$@" ;;
  peers-join) peers-join "$@" ;;
  parity) parity ;;
  convq) convq "$@" ;;
  study) study "$@" ;;
  pack) pack "$@" ;;
  engine) engine ;;
  peers) peers "$@" ;;
  native) native ;;
  conv) conv "$@" ;;
  *) echo "gpu-session: unknown step '$step'"; exit 2 ;;
esac
status=$?
ls -la "$OUT" 2>/dev/null | tail -n +2 | awk '{print "  out: " $5 " " $9}'
exit $status
