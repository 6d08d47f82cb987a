/* Streaming zstd decompressor (stdin -> stdout) for machines that have libzstd but no zstd command, e.g. the GPU
 * machine that receives ONNX Runtime's CUDA provider library in compressed parts: cat part* | unzstd > lib.so
 * Build: gcc -O2 scripts/unzstd.c -lzstd -o unzstd */
#include <stdio.h>
#include <stdlib.h>
#include <zstd.h>

int main(void) {
  size_t in_cap = ZSTD_DStreamInSize(), out_cap = ZSTD_DStreamOutSize();
  void *in = malloc(in_cap), *out = malloc(out_cap);
  ZSTD_DCtx *ctx = ZSTD_createDCtx();
  size_t n, last = 0;
  if (!in || !out || !ctx) { fprintf(stderr, "unzstd: out of memory\n"); return 2; }
  while ((n = fread(in, 1, in_cap, stdin)) > 0) {
    ZSTD_inBuffer src = {in, n, 0};
    while (src.pos < src.size) {
      ZSTD_outBuffer dst = {out, out_cap, 0};
      last = ZSTD_decompressStream(ctx, &dst, &src);
      if (ZSTD_isError(last)) { fprintf(stderr, "unzstd: %s\n", ZSTD_getErrorName(last)); return 1; }
      if (fwrite(out, 1, dst.pos, stdout) != dst.pos) { fprintf(stderr, "unzstd: write failed\n"); return 1; }
    }
  }
  if (last != 0) { fprintf(stderr, "unzstd: truncated input\n"); return 1; }
  ZSTD_freeDCtx(ctx);
  free(in);
  free(out);
  return 0;
}
