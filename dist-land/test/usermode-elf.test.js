// ELF loader tests: segments compared with GNU readelf, and clear errors for files we cannot run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseElf, ElfError } from '../src/vmm/elf.js';
import { assembleAndLink } from './harness/toolchain.js';
const PROGRAM = `
.globl _start
_start:
  la a0, message
  ld a1, 0(a0)
  li a7, 93
  ecall
.data
message: .dword 0x1122334455667788
.bss
scratch: .zero 12345
`;
function readelfLoads(path) {
    const out = spawnSync('riscv64-linux-gnu-readelf', ['-hlW', path], { encoding: 'utf8' }).stdout;
    const entry = Number(/Entry point address:\s+(0x[0-9a-f]+)/.exec(out)[1]);
    const loads = [];
    for (const m of out.matchAll(/^\s*LOAD\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+0x[0-9a-f]+\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+([RWE ]+?)\s+0x/gm)) {
        loads.push({
            offset: Number(m[1]),
            vaddr: Number(m[2]),
            filesz: Number(m[3]),
            memsz: Number(m[4]),
            flags: m[5].replace(/ /g, ''),
        });
    }
    return { entry, loads };
}
test('PT_LOAD segments and entry agree with riscv64-linux-gnu-readelf', () => {
    const prog = assembleAndLink(PROGRAM);
    try {
        const image = parseElf(prog.elf);
        const ref = readelfLoads(prog.elfPath);
        assert.ok(ref.loads.length >= 2);
        assert.equal(image.entry, ref.entry);
        assert.equal(image.type, 'exec');
        assert.equal(image.segments.length, ref.loads.length);
        ref.loads.forEach((r, i) => {
            const s = image.segments[i];
            assert.equal(s.vaddr, r.vaddr);
            assert.equal(s.data.length, r.filesz);
            assert.equal(s.memSize, r.memsz);
            assert.deepEqual(s.data, prog.elf.subarray(r.offset, r.offset + r.filesz));
            const flags = (s.flags & 4 ? 'R' : '') + (s.flags & 2 ? 'W' : '') + (s.flags & 1 ? 'E' : '');
            assert.equal(flags, r.flags);
        });
        // the .bss is in some segment's zero-filled tail
        assert.ok(image.segments.some((s) => s.memSize - s.data.length >= 12345));
    }
    finally {
        prog.cleanup();
    }
});
test('rejects files that are not 64-bit little-endian RISC-V executables, naming the problem', () => {
    const good = assembleAndLink(PROGRAM);
    const dir = mkdtempSync(join(tmpdir(), 'typevisor-elf-'));
    try {
        assert.throws(() => parseElf(new Uint8Array(10)), (e) => e instanceof ElfError && /too short/.test(e.message));
        assert.throws(() => parseElf(new TextEncoder().encode('#!/bin/sh\necho this is not an ELF file at all, just a script\n'.repeat(2))), /bad magic/);
        // A real 32-bit RISC-V executable from the GNU tools.
        writeFileSync(join(dir, 'a.s'), '.globl _start\n_start: j _start\n');
        spawnSync('riscv64-linux-gnu-as', ['-march=rv32i', '-mabi=ilp32', join(dir, 'a.s'), '-o', join(dir, 'a32.o')]);
        spawnSync('riscv64-linux-gnu-ld', ['-m', 'elf32lriscv', join(dir, 'a32.o'), '-o', join(dir, 'a32')]);
        assert.throws(() => parseElf(new Uint8Array(readFileSync(join(dir, 'a32')))), /not a 64-bit ELF/);
        // A relocatable object is not an executable.
        spawnSync('riscv64-linux-gnu-as', ['-march=rv64gc', join(dir, 'a.s'), '-o', join(dir, 'a64.o')]);
        assert.throws(() => parseElf(new Uint8Array(readFileSync(join(dir, 'a64.o')))), /not an executable/);
        // Another machine: patch e_machine of a good file to x86-64 (62).
        const other = good.elf.slice();
        other[18] = 62;
        other[19] = 0;
        assert.throws(() => parseElf(other), /not a RISC-V ELF \(e_machine 62/);
        const bigEndian = good.elf.slice();
        bigEndian[5] = 2;
        assert.throws(() => parseElf(bigEndian), /little-endian/);
        // Truncated: program headers intact but segment data cut off.
        assert.throws(() => parseElf(good.elf.subarray(0, 200)), /past the end of the file/);
    }
    finally {
        good.cleanup();
        rmSync(dir, { recursive: true, force: true });
    }
});
//# sourceMappingURL=usermode-elf.test.js.map