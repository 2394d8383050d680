// Runs a static, libc-free RISC-V Linux program in U-mode on one hart, emulating the few syscalls it uses (like qemu-riscv64).
import { Hart, StopReason } from '../cpu/hart.js';
import { GuestMemory } from '../memory/guest-memory.js';
import { Bus } from '../bus/bus.js';
import { MSTATUS_FS } from '../cpu/constants.js';
import { parseElf } from './elf.js';
import { JitEngine } from '../cpu/jit/engine.js';
export class UserProgramError extends Error {
    trapCause;
    pc;
    tval;
    partial;
    name = 'UserProgramError';
    constructor(message, trapCause, pc, tval, partial) {
        super(message);
        this.trapCause = trapCause;
        this.pc = pc;
        this.tval = tval;
        this.partial = partial;
    }
}
const SYS_READ = 63;
const SYS_WRITE = 64;
const SYS_EXIT = 93;
const SYS_EXIT_GROUP = 94;
const SYS_BRK = 214;
const EBADF = 9;
const EFAULT = 14;
const ENOSYS = 38;
const CAUSE_ECALL_U = 8;
const SLICE = 1 << 22;
const PAGE = 4096;
const CAUSE_NAMES = {
    0: 'instruction address misaligned',
    1: 'instruction access fault',
    2: 'illegal instruction',
    3: 'breakpoint',
    4: 'load address misaligned',
    5: 'load access fault',
    6: 'store/AMO address misaligned',
    7: 'store/AMO access fault',
    8: 'environment call from U-mode',
    12: 'instruction page fault',
    13: 'load page fault',
    15: 'store/AMO page fault',
};
function hex(v) {
    return '0x' + BigInt.asUintN(64, v).toString(16);
}
/** Collects output chunks without copying per byte. */
class ByteSink {
    chunks = [];
    add(bytes) {
        this.chunks.push(bytes);
    }
    bytes() {
        const total = this.chunks.reduce((n, c) => n + c.length, 0);
        const out = new Uint8Array(total);
        let at = 0;
        for (const c of this.chunks) {
            out.set(c, at);
            at += c.length;
        }
        return out;
    }
}
export function runUserProgram(elfBytes, options = {}) {
    const ramSize = options.memory ?? 64 * 1024 * 1024;
    const maxInstructions = options.maxInstructions ?? 2 ** 40;
    const stdin = options.stdin ?? new Uint8Array(0);
    const image = parseElf(elfBytes);
    const mem = new GuestMemory(ramSize);
    const ramEnd = mem.ramBase + ramSize;
    let programEnd = mem.ramBase;
    for (const seg of image.segments) {
        if (seg.memSize === 0)
            continue;
        if (mem.ramHostOffset(seg.vaddr, seg.memSize) < 0) {
            throw new Error(`segment 0x${seg.vaddr.toString(16)}..0x${(seg.vaddr + seg.memSize).toString(16)} lies outside guest RAM ` +
                `0x${mem.ramBase.toString(16)}..0x${ramEnd.toString(16)} (link the program inside RAM, e.g. -Ttext=0x80010000)`);
        }
        mem.writeBytes(seg.vaddr, seg.data); // the rest of memSize is already zero: RAM starts zeroed
        programEnd = Math.max(programEnd, seg.vaddr + seg.memSize);
    }
    // Linux-style initial stack at the top of RAM: argc = 0, argv = {NULL}, envp = {NULL}, auxv = {AT_PAGESZ, AT_NULL}.
    const stackTop = ramEnd - PAGE;
    const sp = stackTop - 64;
    if (sp <= programEnd)
        throw new Error(`guest RAM of ${ramSize} bytes leaves no room for the stack`);
    const spHost = mem.ramHostOffset(sp, 64);
    mem.dv.setUint32(spHost + 32, 6, true); // AT_PAGESZ
    mem.dv.setUint32(spHost + 40, PAGE, true);
    const hart = new Hart(0, mem, new Bus());
    hart.firmwareTraps = true;
    hart.priv = 0;
    hart.mstatus |= MSTATUS_FS; // Linux starts processes with the FPU enabled (FS != Off)
    hart.mcounteren = 7;
    hart.scounteren = 7; // and lets them read cycle, time and instret, as qemu-riscv64 does
    hart.setPc(BigInt(image.entry));
    hart.setX(2, BigInt(sp));
    const jit = options.engine === 'jit' ? new JitEngine(hart, options.jit) : null;
    const brkStart = Math.ceil(programEnd / PAGE) * PAGE;
    const brkLimit = sp - 1024 * 1024; // keep 1 MiB (at least) for the stack
    let brk = brkStart;
    const stdout = new ByteSink();
    const stderr = new ByteSink();
    let stdinPos = 0;
    const unsupported = [];
    const x = hart.x;
    const argAddr = (reg) => (x[2 * reg + 1] >>> 0) * 0x1_0000_0000 + (x[2 * reg] >>> 0);
    const setA0 = (v) => {
        x[20] = v | 0;
        x[21] = v < 0 ? -1 : Math.floor(v / 0x1_0000_0000) | 0;
    };
    const fail = (message) => {
        throw new UserProgramError(message, hart.trapCause, hart.getPc(), (BigInt(hart.trapTvalHi >>> 0) << 32n) | BigInt(hart.trapTvalLo >>> 0), { stdout: stdout.bytes(), stderr: stderr.bytes(), instret: hart.instret });
    };
    for (;;) {
        const left = maxInstructions - hart.instret;
        if (left <= 0)
            fail(`instruction limit of ${maxInstructions} reached at pc ${hex(hart.getPc())}`);
        const reason = jit ? jit.run(Math.min(SLICE, left)) : hart.run(Math.min(SLICE, left));
        if (reason === StopReason.Budget)
            continue;
        if (reason === StopReason.Wfi)
            fail(`wfi in user mode at pc ${hex(hart.getPc())}`);
        if (hart.trapInterrupt || hart.trapCause !== CAUSE_ECALL_U) {
            const name = hart.trapInterrupt ? 'interrupt' : (CAUSE_NAMES[hart.trapCause] ?? 'unknown exception');
            const tval = (BigInt(hart.trapTvalHi >>> 0) << 32n) | BigInt(hart.trapTvalLo >>> 0);
            fail(`guest trap: ${name} (cause ${hart.trapCause}) at pc ${hex(hart.getPc())}, tval ${hex(tval)}`);
        }
        const nr = x[34];
        switch (nr) {
            case SYS_EXIT:
            case SYS_EXIT_GROUP:
                return {
                    exitCode: x[20] & 0xff,
                    stdout: stdout.bytes(),
                    stderr: stderr.bytes(),
                    instret: hart.instret,
                    unsupportedSyscalls: unsupported,
                };
            case SYS_WRITE: {
                const fd = argAddr(10);
                const buf = argAddr(11);
                const len = argAddr(12);
                const sink = fd === 1 ? stdout : fd === 2 ? stderr : undefined;
                if (!sink)
                    setA0(-EBADF);
                else if (len === 0)
                    setA0(0);
                else if (mem.ramHostOffset(buf, len) < 0)
                    setA0(-EFAULT);
                else {
                    sink.add(mem.readBytes(buf, len));
                    setA0(len);
                }
                break;
            }
            case SYS_READ: {
                const fd = argAddr(10);
                const buf = argAddr(11);
                const len = Math.min(argAddr(12), stdin.length - stdinPos);
                if (fd !== 0)
                    setA0(-EBADF);
                else if (len <= 0)
                    setA0(0);
                else if (mem.ramHostOffset(buf, len) < 0)
                    setA0(-EFAULT);
                else {
                    mem.writeBytes(buf, stdin.subarray(stdinPos, stdinPos + len));
                    stdinPos += len;
                    setA0(len);
                }
                break;
            }
            case SYS_BRK: {
                const want = argAddr(10);
                if (want >= brkStart && want <= brkLimit) {
                    // Linux hands out zeroed pages: clear what a shrink-then-grow would expose again.
                    if (want > brk)
                        mem.u8.fill(0, mem.ramHostOffset(brk, 0), mem.ramHostOffset(want, 0));
                    brk = want;
                }
                setA0(brk);
                break;
            }
            default:
                if (!unsupported.includes(nr))
                    unsupported.push(nr);
                setA0(-ENOSYS);
        }
        // ecall has no compressed form: the next instruction is 4 bytes on.
        const lo = (hart.pcLo >>> 0) + 4;
        hart.pcLo = lo | 0;
        if (lo > 0xffffffff)
            hart.pcHi = (hart.pcHi + 1) | 0;
    }
}
//# sourceMappingURL=user-runner.js.map