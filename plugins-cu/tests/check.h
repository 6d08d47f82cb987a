// CHECK(cond) for the plain-logic tests: prints the failing condition with its line and counts it; Finish() prints
// the summary line and gives the exit code.
#pragma once
#include <cstdio>

static int failures = 0;
#define CHECK(cond)                                                                  \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                                    \
    }                                                                                \
  } while (0)

static int Finish(const char* test) {
  if (failures) std::fprintf(stderr, "%s: %d failure(s)\n", test, failures);
  else std::printf("%s: ok\n", test);
  return failures ? 1 : 0;
}
