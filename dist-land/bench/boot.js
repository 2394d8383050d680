// Boot benchmark: wall time from process start to "Run /init" and to the shell prompt, typevisor vs qemu-system-riscv64, same kernel and initramfs.
import { spawn } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { GuestConsole, GUEST_PROMPT } from '../test/harness/guest-console.js';
const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'typevisor.js');
/** The same command line for both, without earlycon, so both print the same console output. */
const CMDLINE = 'console=ttyS0';
/** Starts the emulator, times the two milestones, powers the guest off and waits for the process to end. */
async function timeBoot(cmd, args, statsOf) {
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const con = new GuestConsole(child);
    try {
        await con.waitFor(/Run \/init/, '"Run /init"');
        const initMs = performance.now() - t0;
        await con.waitFor(GUEST_PROMPT, 'the shell prompt');
        const promptMs = performance.now() - t0;
        await con.exitAfter('poweroff -f');
        return { initMs, promptMs, extra: statsOf(con.stderr) };
    }
    catch (e) {
        if (child.exitCode === null)
            child.kill('SIGKILL');
        throw new Error(`${cmd}: ${e.message}\n${con.output.slice(-2000)}\n${con.stderr.slice(-1000)}`);
    }
}
export async function benchBoot() {
    const img = (await findCachedDebian()) ?? (await pullDebian({}));
    console.log(`\nboot: ${basename(dirname(img.kernel))} (Image + initrd.img), -m 512M, 1 hart, cmdline "${CMDLINE}"`);
    const ourArgs = [bin, 'run', '--kernel', img.kernel, '--initrd', img.initrd, '--append', CMDLINE, '-m', '512M'];
    // QEMU runs its bundled OpenSBI (-bios default) in M-mode; TCG translates guest code to host code.
    const qemuArgs = [
        '-M',
        'virt',
        '-m',
        '512M',
        '-nographic',
        '-bios',
        'default',
        '-kernel',
        img.kernel,
        '-initrd',
        img.initrd,
        '-append',
        CMDLINE,
    ];
    // Boots alternate between the two, and the medians are compared: on a shared host one boot of either can be 20 %
    // off, and interleaving makes a slow stretch of the host fall on both.
    const rounds = Math.max(1, Number(process.env.BENCH_BOOTS ?? 3));
    const ours = [], qemu = [];
    for (let i = 0; i < rounds; i++) {
        // Timed as users run it: --stats reads the clock around every call into translated code and the interpreter,
        // which made the boot 0.5-1 s slower. Where the time goes comes from a separate, instrumented boot.
        ours.push(await timeBoot(process.execPath, ourArgs, () => ''));
        qemu.push(await timeBoot('qemu-system-riscv64', qemuArgs, () => ''));
    }
    const profiled = await timeBoot(process.execPath, [...ourArgs, '--stats'], (err) => {
        const mips = /guest instructions: ([\d,]+) \(([\d.]+) MIPS\)/.exec(err)?.slice(1).join(' instructions, ').concat(' MIPS') ??
            '';
        // Where the time went: translation, translated code, the interpreter and exits (the --stats lines say it).
        const engine = err
            .split(/\r?\n/)
            .filter((l) => /^\s*(translator|interpreted|engine time( \(sampled\))?):/.test(l))
            .map((l) => `\n  ${l.trim()}`)
            .join('');
        return mips + engine;
    });
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const secs = (ms) => (ms / 1000).toFixed(1);
    const row = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(22) : c.padStart(13))).join('');
    console.log(row(['milestone', 'typevisor s', 'qemu s', 'ratio']) +
        `   (median of ${rounds} boots each; all boots: ours / qemu)`);
    for (const [label, key] of [
        ['"Run /init"', 'initMs'],
        ['shell prompt', 'promptMs'],
    ]) {
        const o = median(ours.map((t) => t[key])), q = median(qemu.map((t) => t[key]));
        const all = `${ours.map((t) => secs(t[key])).join(' ')} / ${qemu.map((t) => secs(t[key])).join(' ')}`;
        console.log(row([label, secs(o), secs(q), `${(o / q).toFixed(1)}x`]) + `   (${all})`);
    }
    if (profiled.extra) {
        console.log(`typevisor with --stats (one more boot: "Run /init" ${secs(profiled.initMs)} s, prompt ${secs(profiled.promptMs)} s), whole run to poweroff: ${profiled.extra}`);
    }
    console.log('wall times from process spawn (QEMU with TCG, including its firmware); the host may be shared, so compare within one run.');
}
if (process.argv[1] === fileURLToPath(import.meta.url))
    await benchBoot();
//# sourceMappingURL=boot.js.map