/* Freestanding support for the benchmark guests: raw Linux syscalls, hex output and the _start entry point. */
#ifndef SCALE
#define SCALE 1
#endif

static long sys3(long n, long a, long b, long c) {
  register long a0 __asm__("a0") = a;
  register long a1 __asm__("a1") = b;
  register long a2 __asm__("a2") = c;
  register long a7 __asm__("a7") = n;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
  return a0;
}

static void print_hex(const char *label, unsigned long v) {
  char buf[64];
  int n = 0;
  while (*label) buf[n++] = *label++;
  buf[n++] = ' ';
  for (int i = 60; i >= 0; i -= 4) buf[n++] = "0123456789abcdef"[(v >> i) & 15];
  buf[n++] = '\n';
  sys3(64, 1, (long)buf, n);
}

static unsigned long bench(void);

void _start(void) {
  print_hex("result", bench());
  sys3(93, 0, 0, 0);
  for (;;) {}
}
