// The virt device tree compared with the blob QEMU's own virt board dumps, both decompiled by Debian's dtc.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildVirtDeviceTree } from '../src/boards/virt/device-tree.js';
const dir = mkdtempSync(join(tmpdir(), 'fdt-virt-'));
/** Decompiles with dtc; returns the nodes (by path) and dtc's warnings. */
function decompile(file) {
    const r = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const warnings = r.stderr
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => l.replace(/^.*?Warning/, 'Warning'));
    const nodes = new Map();
    const stack = [];
    for (const raw of r.stdout.split('\n')) {
        const line = raw.trim();
        const open = /^(\S+) \{$/.exec(line);
        if (open) {
            const name = open[1];
            const path = name === '/' ? '/' : (stack.length <= 1 ? '/' : stack[stack.length - 1] + '/') + name;
            stack.push(path);
            nodes.set(path, { path, props: new Map() });
            continue;
        }
        if (line === '};') {
            stack.pop();
            continue;
        }
        const prop = /^([^\s=]+)(?: = (.*))?;$/.exec(line);
        if (prop && stack.length > 0)
            nodes.get(stack[stack.length - 1]).props.set(prop[1], prop[2] ?? '');
    }
    return { nodes, warnings };
}
function qemuDtb(smp, memMiB) {
    const file = join(dir, `qemu-${smp}-${memMiB}.dtb`);
    const r = spawnSync('qemu-system-riscv64', ['-M', `virt,dumpdtb=${file}`, '-smp', String(smp), '-m', `${memMiB}M`, '-nographic', '-nodefaults'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return file;
}
const EXTENSIONS = ['i', 'm', 'a', 'f', 'd', 'c', 'zicntr', 'zicsr', 'zifencei', 'zihintpause', 'sstc'];
function ours(cfg, name) {
    const file = join(dir, `${name}.dtb`);
    writeFileSync(file, buildVirtDeviceTree({
        isa: 'rv64imafdc_zicntr_zicsr_zifencei_zihintpause_sstc',
        isaExtensions: EXTENSIONS,
        ...cfg,
    }));
    return file;
}
function cells(v) {
    const m = /^<(.*)>$/.exec(v);
    assert.ok(m, `not a cell list: ${v}`);
    return m[1]
        .trim()
        .split(/\s+/)
        .map((x) => Number(x));
}
/** Replaces phandles in a property by the paths of the nodes they name. */
function phandlePaths(nodes) {
    const byPhandle = new Map();
    for (const n of nodes.values()) {
        const p = n.props.get('phandle');
        if (p !== undefined)
            byPhandle.set(cells(p)[0], n.path);
    }
    return byPhandle;
}
/** interrupts-extended as "path:irq" pairs. */
function extended(nodes, path) {
    const map = phandlePaths(nodes);
    const c = cells(nodes.get(path).props.get('interrupts-extended'));
    const out = [];
    for (let i = 0; i < c.length; i += 2)
        out.push(`${map.get(c[i])}:${c[i + 1]}`);
    return out;
}
function ref(nodes, path, prop) {
    return phandlePaths(nodes).get(cells(nodes.get(path).props.get(prop))[0]);
}
// QEMU nodes for hardware we do not model (PCI, flash, fw-cfg, PMU, platform bus).
const NOT_MODELLED = /^\/(pmu|fw-cfg@|flash@|platform-bus@|soc\/pci@)/;
for (const [smp, mem] of [
    [2, 256],
    [4, 1024],
]) {
    test(`same device nodes and wiring as QEMU virt (smp ${smp}, ${mem} MiB)`, () => {
        const q = decompile(qemuDtb(smp, mem));
        const o = decompile(ours({ numHarts: smp, memorySize: mem * 1024 * 1024, virtioSlots: [0, 1, 2, 3, 4, 5, 6, 7] }, `ours-${smp}-${mem}`));
        // No warnings beyond those QEMU's own blob has.
        for (const w of o.warnings)
            assert.ok(q.warnings.includes(w), `extra dtc warning: ${w}`);
        const modelled = [...q.nodes.keys()].filter((p) => !NOT_MODELLED.test(p));
        assert.ok(modelled.length > 20);
        for (const p of modelled) {
            const on = o.nodes.get(p);
            assert.ok(on, `missing node ${p}`);
            const qn = q.nodes.get(p);
            for (const prop of [
                'compatible',
                'reg',
                'interrupts',
                'device_type',
                'riscv,ndev',
                'clock-frequency',
                'timebase-frequency',
                'mmu-type',
                '#address-cells',
                '#size-cells',
                '#interrupt-cells',
                'interrupt-controller',
                'ranges',
                'status',
                'value',
                'offset',
                'stdout-path',
            ]) {
                if (!qn.props.has(prop))
                    continue;
                if (prop === 'riscv,ndev')
                    continue; // checked below: QEMU 7.2 says 96, newer QEMU 95
                if (prop === 'ranges' && p === '/soc/pci@30000000')
                    continue;
                assert.equal(on.props.get(prop), qn.props.get(prop), `${p} ${prop}`);
            }
        }
        for (const p of o.nodes.keys())
            assert.ok(q.nodes.has(p), `node ${p} not in QEMU's tree`);
        // Phandle wiring, compared by the paths the phandles name.
        for (const p of ['/soc/plic@c000000', '/soc/clint@2000000'])
            assert.deepEqual(extended(o.nodes, p), extended(q.nodes, p));
        for (const p of [...q.nodes.keys()].filter((x) => q.nodes.get(x).props.has('interrupt-parent') && !NOT_MODELLED.test(x))) {
            assert.equal(ref(o.nodes, p, 'interrupt-parent'), ref(q.nodes, p, 'interrupt-parent'), p);
        }
        for (const p of ['/poweroff', '/reboot'])
            assert.equal(ref(o.nodes, p, 'regmap'), ref(q.nodes, p, 'regmap'));
        for (let h = 0; h < smp; h++) {
            const core = `/cpus/cpu-map/cluster0/core${h}`;
            assert.equal(ref(o.nodes, core, 'cpu'), ref(q.nodes, core, 'cpu'));
        }
        assert.equal(o.nodes.get('/soc/plic@c000000').props.get('riscv,ndev'), '<0x5f>');
    });
}
test('chosen, cpu ISA properties and optional parts', () => {
    const file = ours({
        numHarts: 1,
        memorySize: 0x4000_0000,
        memoryBase: 0x8000_0000,
        bootargs: 'console=ttyS0 earlycon',
        initrd: { start: 0x8800_0000, end: 0x8812_3456 },
        virtioSlots: [3, 1, 3],
        mmuType: 'riscv,sv39',
        rngSeed: Uint8Array.of(1, 2, 3, 4),
        reservations: [{ address: 0x8000_0000, size: 0x4_0000 }],
    }, 'chosen');
    const { nodes, warnings } = decompile(file);
    assert.deepEqual(warnings, []);
    const chosen = nodes.get('/chosen').props;
    assert.equal(chosen.get('bootargs'), '"console=ttyS0 earlycon"');
    assert.equal(chosen.get('linux,initrd-start'), '<0x00 0x88000000>');
    assert.equal(chosen.get('linux,initrd-end'), '<0x00 0x88123456>');
    assert.equal(chosen.get('rng-seed'), '<0x1020304>');
    assert.equal(chosen.get('stdout-path'), '"/soc/serial@10000000"');
    const cpu = nodes.get('/cpus/cpu@0').props;
    assert.equal(cpu.get('riscv,isa-base'), '"rv64i"');
    assert.equal(cpu.get('riscv,isa-extensions'), `"${EXTENSIONS.join('\\0')}"`);
    assert.equal(cpu.get('mmu-type'), '"riscv,sv39"');
    assert.equal(nodes.get('/memory@80000000').props.get('reg'), '<0x00 0x80000000 0x00 0x40000000>');
    const virtio = [...nodes.keys()].filter((p) => p.includes('virtio_mmio'));
    assert.deepEqual(virtio, ['/soc/virtio_mmio@10002000', '/soc/virtio_mmio@10004000']);
    assert.equal(nodes.get('/soc/virtio_mmio@10004000').props.get('interrupts'), '<0x04>');
    const dts = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', file], { encoding: 'utf8' }).stdout;
    assert.match(dts, /\/memreserve\/\s+0x0*80000000 0x0*40000;/);
});
test('bad configurations are rejected', () => {
    const base = { isa: 'rv64imac', isaExtensions: ['i'], memorySize: 1 << 20, numHarts: 1 };
    assert.throws(() => buildVirtDeviceTree({ ...base, numHarts: 0 }));
    assert.throws(() => buildVirtDeviceTree({ ...base, memorySize: 0 }));
    assert.throws(() => buildVirtDeviceTree({ ...base, virtioSlots: [8] }));
    assert.throws(() => buildVirtDeviceTree({ ...base, initrd: { start: 2, end: 1 } }));
});
//# sourceMappingURL=fdt-virt.test.js.map