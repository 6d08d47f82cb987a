// Stand-in declarations of the TensorRT ONNX parser names that tensorrt/engine.cpp uses (see NvInfer.h here).
#pragma once

#include "NvInfer.h"

namespace nvonnxparser {

class IParserError {
 public:
  virtual char const* desc() const = 0;
  virtual ~IParserError() {}
};

class IParser {
 public:
  virtual bool parseFromFile(const char* onnxModelFile, int verbosity) noexcept = 0;
  virtual int getNbErrors() const noexcept = 0;
  virtual IParserError const* getError(int index) const noexcept = 0;
  virtual ~IParser() noexcept = default;
};

IParser* createParser(nvinfer1::INetworkDefinition& network, nvinfer1::ILogger& logger) noexcept;

}  // namespace nvonnxparser
