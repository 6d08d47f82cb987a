// The one exported entry point of libswinbench_ort.so: ONNX Runtime calls it from RegisterCustomOpLibrary.
#include <mutex>
#include <string>

#include "cpu_ops.h"
#include "cuda_ops.h"
#include "ops_common.h"

namespace {

// Built once per process and never freed: ONNX Runtime reads the domain and its ops for as long as any session
// made from these options lives.
Ort::CustomOpDomain& Domain() {
  static Ort::CustomOpDomain* domain = [] {
    auto* d = new Ort::CustomOpDomain(swinbench::kDomain);
    swinbench::Cpu::RegisterOps(*d);
    swinbench::Cuda::RegisterOps(*d);
    return d;
  }();
  return *domain;
}

}  // namespace

extern "C" __attribute__((visibility("default"))) OrtStatus* ORT_API_CALL RegisterCustomOps(OrtSessionOptions* options,
                                                                                           const OrtApiBase* api_base) {
  const OrtApi* api = api_base->GetApi(ORT_API_VERSION);
  if (api == nullptr) {
    const std::string text = std::string("libswinbench_ort needs ONNX Runtime API version ") +
                             std::to_string(ORT_API_VERSION) + " (built against its headers); this runtime is " +
                             api_base->GetVersionString();
    return api_base->GetApi(1)->CreateStatus(ORT_FAIL, text.c_str());
  }
  Ort::InitApi(api);
  try {
    static std::mutex mutex;
    std::lock_guard<std::mutex> lock(mutex);
    Ort::UnownedSessionOptions(options).Add(Domain());
    return nullptr;
  } catch (const std::exception& e) {
    return api->CreateStatus(ORT_FAIL, (std::string("libswinbench_ort: ") + e.what()).c_str());
  }
}
