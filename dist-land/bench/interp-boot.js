// Interpreter benchmark: boot the cached Debian kernel until it prints "Run /init"; reports guest instructions, wall time, MIPS.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { buildVm } from '../src/vmm/builder.js';
const dir = process.env.BOOT_IMAGES ?? join(homedir(), '.cache/typevisor/images/debian-trixie-riscv64');
const marker = process.env.BOOT_MARKER ?? 'Run /init';
const quiet = process.env.BOOT_QUIET !== '0';
const vm = await buildVm({
    memoryBytes: 512 << 20,
    cpus: 1,
    boot: { kernel: join(dir, 'Image'), initrd: join(dir, 'initrd.img'), cmdline: 'console=ttyS0' },
    engine: { kind: 'interp' },
});
let tail = '';
let ms = 0;
let cpuMs = 0;
let n = 0;
const t0 = performance.now();
const c0 = process.cpuUsage();
vm.attachConsole((b) => {
    const s = Buffer.from(b).toString('latin1');
    if (!quiet)
        process.stdout.write(s);
    tail = (tail + s).slice(-4096);
    if (ms === 0 && tail.includes(marker)) {
        ms = performance.now() - t0;
        const c = process.cpuUsage(c0);
        cpuMs = (c.user + c.system) / 1000; // the host is shared: CPU time is the steadier measure
        n = vm.board.harts.reduce((s, h) => s + h.instret, 0);
        void vm.kill();
    }
});
vm.start();
await vm.finished;
console.log(`boot to "${marker}": ${n.toLocaleString('en-US')} instructions, ${(ms / 1000).toFixed(2)} s wall (${(n / ms / 1000).toFixed(1)} MIPS), ` +
    `${(cpuMs / 1000).toFixed(2)} s CPU (${(n / cpuMs / 1000).toFixed(1)} MIPS)`);
//# sourceMappingURL=interp-boot.js.map