// Loads ONNX Runtime's shared library at run time (dlopen) and initializes the C++ API from it, so that the tools and
// tests that run ONNX Runtime do not link it (compile with ORT_API_MANUAL_INIT).
#pragma once

#include <dlfcn.h>

#include <string>

#include "onnxruntime_cxx_api.h"

namespace swbtool {

// Opens libonnxruntime.so at path and calls Ort::InitApi. False with a message when the library or its API version is
// missing. The library stays loaded for the life of the process.
inline bool LoadOrt(const std::string& path, std::string& error) {
  void* lib = dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL);
  if (lib == nullptr) {
    const char* why = dlerror();
    error = "cannot load ONNX Runtime '" + path + "': " + (why ? why : "unknown error");
    return false;
  }
  using GetApiBase = const OrtApiBase* (*)();
  auto get = reinterpret_cast<GetApiBase>(dlsym(lib, "OrtGetApiBase"));
  if (get == nullptr) {
    error = "'" + path + "' has no OrtGetApiBase: not ONNX Runtime";
    return false;
  }
  const OrtApi* api = get()->GetApi(ORT_API_VERSION);
  if (api == nullptr) {
    error = "'" + path + "' (ONNX Runtime " + get()->GetVersionString() + ") lacks API version " +
            std::to_string(ORT_API_VERSION);
    return false;
  }
  Ort::InitApi(api);
  return true;
}

}  // namespace swbtool
