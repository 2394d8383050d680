// Interpreter benchmark: boot the cached Debian kernel until it prints "Run /init"; reports guest instructions, wall time, MIPS.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { VirtMachine } from '../src/boards/virt/virt-machine.js';
import { runMachine, Waker } from '../src/vmm/run-loop.js';

const dir = process.env.BOOT_IMAGES ?? join(homedir(), '.cache/typevisor/images/debian-trixie-riscv64');
const marker = process.env.BOOT_MARKER ?? 'Run /init';
const kernel = new Uint8Array(readFileSync(join(dir, 'Image')));
const initrd = new Uint8Array(readFileSync(join(dir, 'initrd.img')));
const quiet = process.env.BOOT_QUIET !== '0';

let tail = '';
const quit = new AbortController();
const machine = new VirtMachine({
  memoryBytes: 512 << 20,
  cpus: 1,
  kernel,
  kernelName: 'Image',
  initrd,
  cmdline: 'console=ttyS0',
  engine: 'interp',
  consoleOut: (b) => {
    const s = Buffer.from(b).toString('latin1');
    if (!quiet) process.stdout.write(s);
    tail = (tail + s).slice(-4096);
    if (tail.includes(marker)) quit.abort();
  },
});
machine.boot();
const t0 = performance.now();
const c0 = process.cpuUsage();
await runMachine(machine, new Waker(), { signal: quit.signal });
const ms = performance.now() - t0;
const c = process.cpuUsage(c0);
const cpuMs = (c.user + c.system) / 1000; // the host is shared: CPU time is the steadier measure
const n = machine.harts.reduce((s, h) => s + h.instret, 0);
console.log(
  `boot to "${marker}": ${n.toLocaleString('en-US')} instructions, ${(ms / 1000).toFixed(2)} s wall (${(n / ms / 1000).toFixed(1)} MIPS), ` +
    `${(cpuMs / 1000).toFixed(2)} s CPU (${(n / cpuMs / 1000).toFixed(1)} MIPS)`,
);
