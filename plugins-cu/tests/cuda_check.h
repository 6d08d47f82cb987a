// The checks of the CUDA tests (test_cuda_kernels.cu, test_cuda_swin_block.cu): CUDA_OK(call) stops the test on a CUDA
// runtime error, Check(ok, what) counts a check and prints a failing one, g_msg receives the C ABI's messages;
// NoDevice(what) tells main to skip (ctest's skip code 77) where no device is present; Summary() prints the counts and
// gives the exit code.
#pragma once

#include <cuda_runtime.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

int g_failures = 0, g_checks = 0;
char g_msg[512];

#define CUDA_OK(x)                                                                          \
  do {                                                                                      \
    cudaError_t e_ = (x);                                                                   \
    if (e_ != cudaSuccess) {                                                                \
      std::printf("CUDA error %s at %s:%d\n", cudaGetErrorString(e_), __FILE__, __LINE__); \
      std::exit(2);                                                                         \
    }                                                                                       \
  } while (0)

void Check(bool ok, const std::string& what) {
  ++g_checks;
  if (!ok) {
    ++g_failures;
    std::printf("FAIL %s\n", what.c_str());
  }
}

constexpr int kSkip = 77;  // ctest SKIP_RETURN_CODE

bool NoDevice(const char* what) {
  int count = 0;
  if (cudaGetDeviceCount(&count) == cudaSuccess && count > 0) return false;
  std::printf("no CUDA device: skipping the %s\n", what);
  return true;
}

int Summary() {
  std::printf("%d checks, %d failures\n", g_checks, g_failures);
  return g_failures == 0 ? 0 : 1;
}

}  // namespace
