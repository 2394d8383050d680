// System test: Debian on two harts (--cpus 2): the kernel brings both up and runs work on each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootDefaultGuest } from './harness/guest-console.js';
/** Per-CPU user+system jiffies from /proc/stat lines "cpuN user nice system ...". */
function cpuTicks(stat) {
    const m = new Map();
    for (const l of stat.split('\n')) {
        const r = /^cpu(\d+)\s+(\d+)\s+(\d+)\s+(\d+)/.exec(l);
        if (r)
            m.set(Number(r[1]), Number(r[2]) + Number(r[3]) + Number(r[4]));
    }
    return m;
}
test('two harts: nproc, /proc/cpuinfo, pinned busy loops run on each hart', { timeout: 20 * 60_000 }, async () => {
    const g = await bootDefaultGuest(['--cpus', '2'], { name: 'smp guest' });
    const { con } = g;
    try {
        assert.equal((await con.run('nproc')).trim(), '2');
        const info = await con.run('grep -E "^(processor|hart)" /proc/cpuinfo');
        assert.match(info, /^processor\s*: 0$/m);
        assert.match(info, /^processor\s*: 1$/m);
        assert.equal((info.match(/^hart\s*:/gm) ?? []).length, 2, info);
        const online = await con.run('cat /sys/devices/system/cpu/online; dmesg | grep -i "smp: Brought up"');
        assert.match(online, /^0-1$/m);
        assert.match(online, /Brought up 1 node, 2 CPUs/);
        const before = cpuTicks(await con.run('cat /proc/stat'));
        // One shell loop pinned to each hart, concurrently; each reports the CPU it last ran on (field 39 of stat).
        const loops = await con.run('for c in 0 1; do taskset -c $c sh -c \'i=0; while [ $i -lt 4000 ]; do i=$((i+1)); done; echo loop$0 i=$i cpu=$(cut -d" " -f39 /proc/self/stat)\' $c & done; wait; echo waited');
        assert.match(loops, /^loop0 i=4000 cpu=0$/m);
        assert.match(loops, /^loop1 i=4000 cpu=1$/m);
        assert.match(loops, /^waited$/m);
        const after = cpuTicks(await con.run('cat /proc/stat'));
        for (const c of [0, 1]) {
            assert.ok((after.get(c) ?? 0) > (before.get(c) ?? 0), `cpu${c} accumulated no time: ${before.get(c)} -> ${after.get(c)}`);
        }
        // Inter-processor interrupts reached both harts (rescheduling / function calls through the SBI IPI path).
        const ipi = await con.run('grep -iE "IPI|Rescheduling" /proc/interrupts');
        assert.match(ipi, /\d/, ipi);
        // The other virtio devices, their interrupts now routed by the PLIC with two harts online.
        const rng = await con.run('cat /sys/devices/virtual/misc/hw_random/rng_current; for i in 1 2; do dd if=/dev/hwrng bs=32 count=1 2>/dev/null | od -An -tx1 | tr -d " \\n"; echo; done');
        assert.match(rng, /^virtio_rng\.\d+$/m);
        const draws = rng.match(/^[0-9a-f]{64}$/gm) ?? [];
        assert.equal(draws.length, 2, rng);
        assert.notEqual(draws[0], draws[1]);
        const mark = con.output.length;
        await con.run('echo HVC-$((40 + 2))-OK > /dev/hvc0; echo rc=$?');
        await con.waitFor(/HVC-42-OK/, "text written to /dev/hvc0 on typevisor's stdout", mark);
        const code = await con.exitAfter('poweroff -f');
        assert.equal(code, 0, `typevisor exited with ${code}`);
        assert.match(con.stderr, /2 harts/);
    }
    catch (e) {
        throw g.fail(e);
    }
});
//# sourceMappingURL=system-smp.test.js.map