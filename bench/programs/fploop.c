/* Floating-point loop: Mandelbrot iteration counts (double) plus a single-precision dot product. */
#include "common.h"

static float va[1024], vb[1024];

static unsigned long bench(void) {
  unsigned long count = 0;
  const int size = 160;
  for (int rep = 0; rep < SCALE; rep++) {
    for (int py = 0; py < size; py++) {
      for (int px = 0; px < size; px++) {
        double cx = -2.0 + 2.6 * px / size, cy = -1.3 + 2.6 * py / size;
        double x = 0, y = 0;
        int it = 0;
        while (it < 200 && x * x + y * y <= 4.0) {
          double t = x * x - y * y + cx;
          y = 2 * x * y + cy;
          x = t;
          it++;
        }
        count += it;
      }
    }
  }
  for (int i = 0; i < 1024; i++) {
    va[i] = (float)i * 0.001f;
    vb[i] = 1.0f / (float)(i + 1);
  }
  float dot = 0;
  for (int r = 0; r < 200 * SCALE; r++)
    for (int i = 0; i < 1024; i++) dot = dot * 0.999f + va[i] * vb[i];
  union { float f; unsigned int u; } bits = { dot };
  return (count << 32) ^ bits.u;
}
