// The CUDA entry point of every op in the op table (op_table.h) as a weak stub that says there is no CUDA kernel for
// it in this build. A kernel's .cu defines the real entry point, which the linker takes instead of the stub.
#include <tuple>

#include "op_table.h"
#include "status.h"

namespace {

int NoCuda(const char* op, char* msg, size_t size) {
  return swb::Fail(SWB_ERR_NO_CUDA, msg, size,
                   "%s: this build of swinbench_plugins has no CUDA kernel for it (%s); build plugins-cu with nvcc "
                   "on a CUDA machine",
                   op, swb_build_info());
}

// A handle an entry point would create is NULL on failure.
void ClearOutput(swb_swin_block** handle) {
  if (handle != nullptr) *handle = nullptr;
}
template <typename A>
void ClearOutput(A) {}

// The stub's body: every entry point ends in (char* msg, size_t size).
template <typename... A>
int NoCudaStub(const char* op, A... args) {
  (ClearOutput(args), ...);
  const auto all = std::forward_as_tuple(args...);
  return NoCuda(op, std::get<sizeof...(A) - 2>(all), std::get<sizeof...(A) - 1>(all));
}

}  // namespace

// A stub's parameters get the names a1, a2, ... so that its body can pass them on (entry points have 6 to 11).
#define SWB_STUB_COUNT(...) SWB_STUB_COUNT_(__VA_ARGS__, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1)
#define SWB_STUB_COUNT_(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, n, ...) n
#define SWB_STUB_CAT(a, b) SWB_STUB_CAT_(a, b)
#define SWB_STUB_CAT_(a, b) a##b
#define SWB_STUB_P6(t1, t2, t3, t4, t5, t6) t1 a1, t2 a2, t3 a3, t4 a4, t5 a5, t6 a6
#define SWB_STUB_P7(t1, t2, t3, t4, t5, t6, t7) SWB_STUB_P6(t1, t2, t3, t4, t5, t6), t7 a7
#define SWB_STUB_P8(t1, t2, t3, t4, t5, t6, t7, t8) SWB_STUB_P7(t1, t2, t3, t4, t5, t6, t7), t8 a8
#define SWB_STUB_P9(t1, t2, t3, t4, t5, t6, t7, t8, t9) SWB_STUB_P8(t1, t2, t3, t4, t5, t6, t7, t8), t9 a9
#define SWB_STUB_P10(t1, t2, t3, t4, t5, t6, t7, t8, t9, t10) SWB_STUB_P9(t1, t2, t3, t4, t5, t6, t7, t8, t9), t10 a10
#define SWB_STUB_P11(t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11) \
  SWB_STUB_P10(t1, t2, t3, t4, t5, t6, t7, t8, t9, t10), t11 a11
#define SWB_STUB_A6 a1, a2, a3, a4, a5, a6
#define SWB_STUB_A7 SWB_STUB_A6, a7
#define SWB_STUB_A8 SWB_STUB_A7, a8
#define SWB_STUB_A9 SWB_STUB_A8, a9
#define SWB_STUB_A10 SWB_STUB_A9, a10
#define SWB_STUB_A11 SWB_STUB_A10, a11
#define SWB_STUB_PARAMS(...) SWB_STUB_CAT(SWB_STUB_P, SWB_STUB_COUNT(__VA_ARGS__))(__VA_ARGS__)
#define SWB_STUB_ARGS(...) SWB_STUB_CAT(SWB_STUB_A, SWB_STUB_COUNT(__VA_ARGS__))

#define SWB_CUDA_STUB(name, token, entry, inputs, outputs, cuda_params)                                        \
  extern "C" __attribute__((weak)) int swb_##entry##_cuda(SWB_STUB_PARAMS cuda_params) {                      \
    return NoCudaStub(#token, SWB_STUB_ARGS cuda_params);                                                      \
  }
SWB_OP_TABLE(SWB_CUDA_STUB)
