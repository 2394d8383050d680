/* Integer loop: Collatz step counts (branches, shifts, adds, multiplies). */
#include "common.h"

static unsigned long bench(void) {
  unsigned long total = 0;
  for (unsigned long n = 1; n < 60000UL * SCALE; n++) {
    unsigned long x = n;
    while (x != 1) {
      x = (x & 1) ? 3 * x + 1 : x >> 1;
      total++;
    }
  }
  return total;
}
