// The exported entry points of libswinbench_ort.so: RegisterCustomOps (ONNX Runtime calls it from
// RegisterCustomOpLibrary) and swb_ort_ops (what it registers, for tests and tools).
#include <mutex>
#include <string>

#include "cpu_ops.h"
#include "cuda_ops.h"
#include "ops_common.h"

namespace {

// Every op for every provider, built once per process and never freed (ONNX Runtime reads them for as long as any
// session made from the options lives). Building them needs no ONNX Runtime API.
swinbench::OrtOps& Ops() {
  static auto* ops = [] {
    auto* v = new swinbench::OrtOps();
    swinbench::Cpu::AppendOps(*v);
    swinbench::Cuda::AppendOps(*v);
    return v;
  }();
  return *ops;
}

Ort::CustomOpDomain& Domain() {
  static Ort::CustomOpDomain* domain = [] {
    auto* d = new Ort::CustomOpDomain(swinbench::kDomain);
    for (const auto& op : Ops()) d->Add(op.get());
    return d;
  }();
  return *domain;
}

const char* TypeName(ONNXTensorElementDataType t) {
  return t == ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT ? "float" : t == ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 ? "float16" : "?";
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

// The registered kernels, one line each: "<op type> <execution provider> <input types>", e.g.
// "LayerNormFp32 CPUExecutionProvider float16,float,float". Needs no ONNX Runtime.
extern "C" __attribute__((visibility("default"))) const char* swb_ort_ops(void) {
  static const std::string text = [] {
    std::string s;
    for (const auto& op : Ops()) {
      s += std::string(op->GetName(op.get())) + " " + op->GetExecutionProviderType(op.get()) + " ";
      for (size_t i = 0; i < op->GetInputTypeCount(op.get()); ++i)
        s += std::string(i ? "," : "") + TypeName(op->GetInputType(op.get(), i));
      s += "\n";
    }
    return s;
  }();
  return text.c_str();
}
