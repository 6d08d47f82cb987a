#!/usr/bin/env bash
# On a CUDA machine without the .NET SDK: builds plugins-cu (CUDA kernels for the machine's GPU), runs its ctest suite
# (every kernel against its CPU reference on odd sizes, plus kernel timings), then the C# tests that need a GPU
# (trait Requires=cuda; a skip counts as a failure here) from the bundle made by scripts/gpu-bundle.sh. It fails when no
# CUDA compiler is found or an op's CUDA kernel (plugins-cu/kernels/<op>/<op>.cu) was not built.
#   bash scripts/gpu-tests.sh <unpacked bundle dir (holding gpu-run.sh)> [shared dir with fixtures/golden]
# Run from a checkout of the repository (it builds plugins-cu/ from source). Exit status: non-zero if any part fails.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bundle=${1:?usage: gpu-tests.sh <bundle dir> [shared dir]}
[ -x "$bundle/gpu-run.sh" ] || { echo "gpu-tests: $bundle/gpu-run.sh not found (unpack .gpu/swinbench-gpu.tar.xz)" >&2; exit 2; }
[ -x "$bundle/SwinBench.Tests" ] || { echo "gpu-tests: $bundle has no SwinBench.Tests (rebuild it with scripts/gpu-bundle.sh)" >&2; exit 2; }
if [ $# -ge 2 ]; then export SWINBENCH_SHARED=$(cd "$2" && pwd)
else # the bundled test assembly lives outside the checkout: give it the checkout's golden fixtures
  export SWINBENCH_SHARED=$(mktemp -d); mkdir -p "$SWINBENCH_SHARED/fixtures"; ln -s "$root/tests/fixtures/golden" "$SWINBENCH_SHARED/fixtures/golden"
fi
build=${SWINBENCH_GPU_BUILD:-/tmp/swinbench-plugins-build}
ort=()
[ -n "${ORT_INCLUDE_DIR:-}" ] && ort=("-DORT_INCLUDE_DIR=$ORT_INCLUDE_DIR") || ort=(-DSWINBENCH_ORT=OFF)
status=0
echo "== plugins-cu: configure + build ($build)"
cmake -S "$root/plugins-cu" -B "$build" -DCMAKE_BUILD_TYPE=Release "${ort[@]}" >"$build.configure.log" 2>&1 &&
  cmake --build "$build" --parallel "$(nproc)" >"$build.build.log" 2>&1 ||
  { echo "gpu-tests: plugins-cu build failed:"; tail -40 "$build.configure.log" "$build.build.log"; exit 1; }
# a GPU run without the CUDA kernels would test the CPU fallbacks only: no CUDA compiler, or a kernel not built, fails here
grep -Eq '^CMAKE_CUDA_COMPILER:[A-Z]+=/' "$build/CMakeCache.txt" ||
  { echo "gpu-tests: FAIL: no CUDA compiler found (put nvcc on PATH or set CUDACXX), so no CUDA kernel was built" >&2; exit 1; }
built=$(sed -n 's/.*swinbench plugins: CUDA kernels: //p' "$build.configure.log" | tail -1)
missing=""
for cu in "$root"/plugins-cu/kernels/*/*.cu; do
  op=$(basename "$(dirname "$cu")")
  [ "$(basename "$cu" .cu)" = "$op" ] || continue  # only kernels/<op>/<op>.cu is an op's kernel
  case " $built " in *" $op "*) ;; *) missing="$missing $op" ;; esac
done
[ -z "$missing" ] ||
  { echo "gpu-tests: FAIL: CUDA kernels not built:$missing (the build reports: ${built:-nothing})" >&2; exit 1; }
echo "== CUDA kernels built: $built"
echo "== ctest"
ctest --test-dir "$build" --output-on-failure || status=1
echo "== C# tests on the GPU (trait Requires=cuda)"
SWINBENCH_PLUGINS="$build/libswinbench_plugins.so" "$bundle/gpu-run.sh" tests -trait Requires=cuda -failSkips -noColor || status=1
exit $status
