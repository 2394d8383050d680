// ISA test runner: assembles a self-checking program from test/isa/ and runs it under qemu-riscv64 and our user-mode runner.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runUserProgram } from '../../src/vmm/user-runner.js';
import { assembleAndLink, runQemu } from '../harness/toolchain.js';
/** Sources stay in the source tree (compiled code runs from dist/test/isa/). */
export const ISA_DIR = fileURLToPath(new URL('../../../test/isa/', import.meta.url));
export function isaPrograms() {
    return readdirSync(ISA_DIR)
        .filter((f) => f.endsWith('.s'))
        .map((f) => f.slice(0, -2))
        .sort();
}
/** Runs an assembly source (with the shared macros prepended) under both. */
export function runIsaSource(body) {
    const macros = readFileSync(ISA_DIR + 'macros.inc', 'utf8');
    const p = assembleAndLink(macros + '\n' + body);
    try {
        const q = runQemu(p.elfPath);
        let ours;
        try {
            ours = runUserProgram(p.elf, { maxInstructions: 10_000_000 }).exitCode;
        }
        catch (e) {
            ours = e.message;
        }
        return { qemu: q.signal ? null : q.exitCode, ours };
    }
    finally {
        p.cleanup();
    }
}
export function runIsaProgram(name) {
    return runIsaSource(readFileSync(ISA_DIR + name + '.s', 'utf8'));
}
//# sourceMappingURL=runner.js.map