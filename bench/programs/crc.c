/* CRC-32 (table driven, bytewise) and a 64-bit hash-mixing loop over a 64 KiB buffer. */
#include "common.h"

static unsigned int table[256];
static unsigned char data[65536];

static unsigned long bench(void) {
  for (unsigned int i = 0; i < 256; i++) {
    unsigned int c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  unsigned long h = 0xcbf29ce484222325UL;
  for (unsigned int i = 0; i < sizeof data; i++) {
    h = (h ^ i) * 0x100000001b3UL;
    data[i] = (unsigned char)(h >> 29);
  }
  unsigned int crc = 0;
  unsigned long mix = 0;
  for (int round = 0; round < 40 * SCALE; round++) {
    crc = ~crc;
    for (unsigned int i = 0; i < sizeof data; i++) crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
    crc = ~crc;
    const unsigned long *w = (const unsigned long *)data;
    for (unsigned int i = 0; i < sizeof data / 8; i++) {
      unsigned long z = w[i] + mix + 0x9e3779b97f4a7c15UL;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
      mix = z ^ (z >> 31);
    }
  }
  return ((unsigned long)crc << 32) ^ mix;
}
