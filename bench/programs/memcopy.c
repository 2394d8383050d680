/* Memory copy and checksum: word and byte copies over a 256 KiB buffer, Fletcher-style sums. */
#include "common.h"

#define WORDS (32 * 1024)
static unsigned long src[WORDS];
static unsigned long dst[WORDS];

static unsigned long bench(void) {
  unsigned long seed = 0x9e3779b97f4a7c15UL;
  for (int i = 0; i < WORDS; i++) {
    seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17;
    src[i] = seed;
  }
  unsigned long a = 1, b = 0;
  for (int round = 0; round < 24 * SCALE; round++) {
    volatile unsigned long *s = src, *d = dst;
    for (int i = 0; i < WORDS; i++) d[i] = s[i] + (unsigned long)round;
    const unsigned char *p = (const unsigned char *)dst;
    unsigned char *q = (unsigned char *)src;
    for (int i = 0; i < WORDS * 8; i += 3) q[i] = p[i] ^ (unsigned char)i;
    for (int i = 0; i < WORDS; i++) {
      a += dst[i] & 0xffffffffUL;
      b += a;
    }
  }
  return a ^ (b << 1);
}
