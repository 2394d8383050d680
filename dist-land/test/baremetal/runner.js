// Bare-metal test runner: builds an M-mode program at 0x8000_0000 and runs it on our hart and on qemu-system-riscv64 -M virt.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bus } from '../../src/bus/bus.js';
import { Hart } from '../../src/cpu/hart.js';
import { Clint } from '../../src/devices/clint.js';
import { SifiveTest } from '../../src/devices/sifive-test.js';
import { Uart16550 } from '../../src/devices/uart16550.js';
import { GuestMemory } from '../../src/memory/guest-memory.js';
import { parseElf } from '../../src/vmm/elf.js';
export const BAREMETAL_DIR = fileURLToPath(new URL('../../../test/baremetal/', import.meta.url));
const RAM_BASE = 0x80000000;
export function baremetalPrograms() {
    return readdirSync(BAREMETAL_DIR)
        .filter((f) => f.endsWith('.s'))
        .map((f) => f.slice(0, -2))
        .sort();
}
function tool(cmd, args) {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    if (r.error)
        throw new Error(`cannot run ${cmd}: ${r.error.message}`);
    if (r.status !== 0)
        throw new Error(`${cmd} failed:\n${r.stderr}`);
}
/** Assembles (macros prepended) and links at the start of RAM, where QEMU's -bios none reset vector jumps.
 *  (test/harness/toolchain.ts links at 0x80010000 for user programs, hence this small variant.) */
export function buildBaremetal(body) {
    const dir = mkdtempSync(join(tmpdir(), 'typevisor-bm-'));
    try {
        const macros = readFileSync(BAREMETAL_DIR + 'macros.inc', 'utf8');
        writeFileSync(join(dir, 'prog.s'), macros + '\n' + body);
        tool('riscv64-linux-gnu-as', ['-march=rv64gc', '-mabi=lp64d', join(dir, 'prog.s'), '-o', join(dir, 'prog.o')]);
        writeFileSync(join(dir, 'link.ld'), 'ENTRY(_start)\nSECTIONS {\n . = 0x80000000;\n .text : { *(.text.init) *(.text*) }\n .data : { *(.data*) *(.bss*) }\n}\n');
        tool('riscv64-linux-gnu-ld', [
            '-static',
            '--no-relax',
            '-T',
            join(dir, 'link.ld'),
            join(dir, 'prog.o'),
            '-o',
            join(dir, 'prog.elf'),
        ]);
        const elfPath = join(dir, 'prog.elf');
        return {
            elf: new Uint8Array(readFileSync(elfPath)),
            elfPath,
            cleanup: () => rmSync(dir, { recursive: true, force: true }),
        };
    }
    catch (e) {
        rmSync(dir, { recursive: true, force: true });
        throw e;
    }
}
/** QEMU's virt board: the test device turns (n << 16) | 0x3333 into exit status n and 0x5555 into 0. */
export function runQemuSystem(elfPath) {
    const r = spawnSync('qemu-system-riscv64', ['-M', 'virt', '-bios', 'none', '-nographic', '-m', '64M', '-kernel', elfPath], { encoding: 'utf8', timeout: 20_000, input: '' });
    if (r.error && r.error.code !== 'ETIMEDOUT')
        throw r.error;
    return { code: r.status, output: r.stdout + r.stderr };
}
/**
 * Our hart alone on a bus with the test device, the CLINT and the UART. Time is virtual and deterministic:
 * one tick per instruction (WFI just continues; time keeps advancing as the loop spins).
 */
export function runOurs(elf, maxInstructions = 5_000_000) {
    const mem = new GuestMemory(16 * 1024 * 1024);
    for (const seg of parseElf(elf).segments)
        if (seg.memSize > 0)
            mem.writeBytes(seg.vaddr, seg.data);
    const bus = new Bus();
    let verdict = null;
    let output = '';
    bus.map(0x100000, 0x1000, new SifiveTest({
        powerOff: () => {
            verdict = 0;
        },
        reset: () => {
            verdict = -1;
        },
        exit: (code) => {
            verdict = code;
        },
    }), 'sifive-test');
    const hart = new Hart(0, mem, bus);
    let now = 0;
    hart.timeSource = () => now;
    const clint = new Clint(1, () => now, (_id, bit, level) => hart.setPending(bit, level));
    bus.map(0x2000000, 0x10000, clint, 'clint');
    bus.map(0x10000000, 0x100, new Uart16550({ set() { } }, (b) => {
        output += new TextDecoder().decode(b);
    }), 'uart0');
    hart.firmwareTraps = false;
    hart.setPc(BigInt(RAM_BASE));
    const slice = 50;
    for (let done = 0; done < maxInstructions && verdict === null; done += slice) {
        now += slice;
        clint.update();
        hart.run(slice);
    }
    return { code: verdict, output };
}
//# sourceMappingURL=runner.js.map