// The host fp16 conversion against the compiler's _Float16: every half value round-trips, and floats round to
// nearest even (ties, subnormals, overflow, nan).
#include "test_util.h"

int main() {
  test::Checker check("half");
  for (uint32_t h = 0; h < 0x10000u; ++h) {
    const float f = swb::HalfToFloat(static_cast<uint16_t>(h));
    if (std::isnan(f)) {
      check.Expect(((h >> 10) & 0x1f) == 0x1f && (h & 0x3ff) != 0, "nan from 0x%04x", h);
      check.Expect(std::isnan(swb::HalfToFloat(swb::FloatToHalf(f))), "nan round trip 0x%04x", h);
      continue;
    }
    check.Expect(swb::FloatToHalf(f) == h, "round trip 0x%04x -> %g -> 0x%04x", h, f, swb::FloatToHalf(f));
#ifdef __FLT16_MAX__
    check.Expect(f == test::RefFloat(static_cast<uint16_t>(h)), "0x%04x -> %g vs _Float16 %g", h, f,
                 test::RefFloat(static_cast<uint16_t>(h)));
#endif
  }
#ifdef __FLT16_MAX__
  // every float bit pattern in steps that cover all exponents and many mantissas, plus the ties of each half
  for (uint64_t bits = 0; bits <= 0xffffffffull; bits += 4093) {
    const uint32_t b = static_cast<uint32_t>(bits);
    float f;
    std::memcpy(&f, &b, sizeof f);
    if (std::isnan(f)) continue;
    check.Expect(swb::FloatToHalf(f) == test::RefHalf(f), "%a -> 0x%04x vs _Float16 0x%04x", f, swb::FloatToHalf(f),
                 test::RefHalf(f));
  }
  for (uint32_t h = 0; h < 0x7c00u; ++h) {  // midpoints between neighbouring positive halves: ties to even
    const float mid = 0.5f * (swb::HalfToFloat(static_cast<uint16_t>(h)) + swb::HalfToFloat(static_cast<uint16_t>(h + 1)));
    check.Expect(swb::FloatToHalf(mid) == test::RefHalf(mid), "tie %a -> 0x%04x vs 0x%04x", mid, swb::FloatToHalf(mid),
                 test::RefHalf(mid));
    check.Expect(swb::FloatToHalf(-mid) == test::RefHalf(-mid), "tie %a", -mid);
  }
#endif
  check.Expect(swb::FloatToHalf(65504.0f) == 0x7bff, "max half");
  check.Expect(swb::FloatToHalf(65520.0f) == 0x7c00, "65520 rounds to inf");
  check.Expect(swb::FloatToHalf(-1e9f) == 0xfc00, "-inf");
  check.Expect(swb::FloatToHalf(5.9604645e-8f) == 0x0001, "smallest subnormal");
  check.Expect(swb::FloatToHalf(2.9802322e-8f) == 0x0000, "half of the smallest subnormal ties to zero");
  check.Expect(swb::FloatToHalf(-100.0f) == 0xd640, "-100");
  return check.Done();
}
