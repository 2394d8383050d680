// The VM manager without a guest: definitions, names, bad input, admission, state files, logs and the wire format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ManagerHome } from './harness/manager-cli.js';
import { MAX_SOCKET_PATH, typevisorHome, vmPaths } from '../src/manager/paths.js';
import { CappedLog } from '../src/manager/capped-log.js';
import { LineSplitter } from '../src/manager/lines.js';
import { parseControlRequest } from '../src/manager/control-protocol.js';
import { admit, memoryBudget } from '../src/manager/admission.js';
import { describeExitStatus } from '../src/manager/runtime-state.js';
import { ManagerError } from '../src/manager/errors.js';
const GiB = 1024 ** 3;
test('create writes a versioned definition; list, info and --format json show it; qemu-img accepts the new disk', async () => {
    const h = new ManagerHome();
    try {
        const r = await h.tvIn('create', 'web-1', '--memory', '768M', '--cpus', '2', '--disk-size', '2G', '--append', 'console=ttyS0 quiet');
        assert.equal(r.code, 0, r.stderr);
        const def = JSON.parse(readFileSync(join(h.dir, 'vms', 'web-1', 'vm.json'), 'utf8'));
        assert.equal(def.version, 1);
        assert.equal(def.memoryMiB, 768);
        assert.equal(def.cpus, 2);
        assert.deepEqual(def.boot, { image: 'debian', cmdline: 'console=ttyS0 quiet' });
        assert.deepEqual(def.disks, [{ path: 'disk0.qcow2', format: 'qcow2', readonly: false, owned: true }]);
        const check = spawnSync('qemu-img', ['info', '--output=json', join(h.dir, 'vms', 'web-1', 'disk0.qcow2')], {
            encoding: 'utf8',
        });
        assert.equal(check.status, 0, check.stderr);
        assert.equal(JSON.parse(check.stdout)['virtual-size'], 2 * GiB);
        assert.equal(JSON.parse(check.stdout).format, 'qcow2');
        // An existing image is attached with its format recorded (probed once, at attach time).
        const raw = join(h.dir, 'data.img');
        writeFileSync(raw, Buffer.alloc(1024 * 1024));
        assert.equal((await h.tvIn('create', 'db', '--disk', `${raw},readonly`, '--nic', 'null')).code, 0);
        const db = JSON.parse(readFileSync(join(h.dir, 'vms', 'db', 'vm.json'), 'utf8'));
        assert.deepEqual(db.disks, [{ path: raw, format: 'raw', readonly: true, owned: false }]);
        assert.match(db.nics[0].mac, /^52:54:00(:[0-9a-f]{2}){3}$/);
        const list = await h.tvIn('list', '--format', 'json');
        assert.equal(list.code, 0);
        const vms = JSON.parse(list.stdout);
        assert.deepEqual(vms.map((v) => [v.name, v.state, v.memoryBytes, v.cpus]), [
            ['db', 'created', GiB, 1],
            ['web-1', 'created', 768 * 1024 ** 2, 2],
        ]);
        const table = await h.tvIn('list');
        assert.match(table.stdout, /^NAME\s+STATE\s+CPUS\s+MEMORY\s+RSS/);
        assert.match(table.stdout, /^web-1\s+created\s+2\s+768M/m);
        const info = await h.tvIn('info', 'web-1', '--format', 'json');
        assert.equal(JSON.parse(info.stdout).definition.boot.cmdline, 'console=ttyS0 quiet');
        // edit changes a stopped VM's definition, and only the fields given.
        assert.equal((await h.tvIn('edit', 'web-1', '--memory', '1G', '--cpus', '4')).code, 0);
        const edited = JSON.parse(readFileSync(join(h.dir, 'vms', 'web-1', 'vm.json'), 'utf8'));
        assert.deepEqual([edited.memoryMiB, edited.cpus, edited.boot.cmdline], [1024, 4, 'console=ttyS0 quiet']);
        // delete --keep-disks moves the VM's own disk out before removing its folder; delete removes everything.
        const del = await h.tvIn('delete', 'web-1', '--keep-disks');
        assert.equal(del.code, 0, del.stderr);
        assert.equal(existsSync(join(h.dir, 'vms', 'web-1')), false);
        assert.equal(statSync(join(h.dir, 'kept-disks', 'web-1-disk0.qcow2')).isFile(), true);
        assert.equal((await h.tvIn('delete', 'db')).code, 0);
        assert.equal(existsSync(raw), true, 'an attached image is never deleted with the VM');
        assert.equal(JSON.parse((await h.tvIn('list', '--format', 'json')).stdout).length, 0);
    }
    finally {
        h.cleanup();
    }
});
test('bad names, clashes and unknown names: one-line errors, documented exit codes, nothing changed on disk', async () => {
    const h = new ManagerHome();
    try {
        assert.equal((await h.tvIn('create', 'web')).code, 0);
        const before = h.snapshot();
        for (const name of ['../web', 'a/b', '..', '.', '', 'x'.repeat(64), '-rf', 'we b', 'wéb']) {
            const r = await h.tvIn('create', '--', name);
            assert.equal(r.code, 2, `create ${JSON.stringify(name)}: ${r.stderr}`);
            assert.match(r.stderr, /^typevisor: bad VM name .*\n$/, name);
        }
        for (const cmd of ['info', 'start', 'stop', 'delete', 'console'])
            assert.equal((await h.tvIn(cmd, '../web')).code, 2, cmd);
        const clash = await h.tvIn('create', 'WEB');
        assert.equal(clash.code, 2);
        assert.equal(clash.stderr, 'typevisor: a VM named "web" already exists\n');
        for (const cmd of [
            'info',
            'start',
            'stop',
            'kill',
            'pause',
            'resume',
            'reset',
            'console',
            'logs',
            'edit',
            'delete',
        ]) {
            const args = cmd === 'edit' ? [cmd, 'nope', '--cpus', '2'] : [cmd, 'nope'];
            const r = await h.tvIn(...args);
            assert.equal(r.code, 3, `${cmd}: ${r.stderr}`);
            assert.equal(r.stderr, 'typevisor: no VM named "nope"\n', cmd);
        }
        // Bad option values.
        for (const args of [
            ['create', 'x', '--memory', 'lots'],
            ['create', 'x', '--memory', '8M'],
            ['create', 'x', '--cpus', '9'],
            ['create', 'x', '--disk', '/nonexistent.img'],
            ['create', 'x', '--kernel', '/nonexistent'],
            ['create', 'x', '--disk', '/etc/hostname,bogus'],
            ['create', 'x', '--nic', 'tcp=1'],
            [
                'create',
                'x',
                '--disk-size',
                '1G',
                '--disk-size',
                '1G',
                '--disk-size',
                '1G',
                '--disk-size',
                '1G',
                '--nic',
                'null',
                '--nic',
                'null',
                '--nic',
                'null',
            ],
            ['edit', 'web'],
            ['edit', 'web', '--memory', '5G'],
        ]) {
            const r = await h.tvIn(...args);
            assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
            assert.match(r.stderr, /^typevisor: .+\n$/, args.join(' '));
        }
        // The same through the real command: its exit status.
        const real = await h.tv('info', 'nope');
        assert.deepEqual([real.code, real.stderr], [3, 'typevisor: no VM named "nope"\n']);
        assert.equal(h.snapshot(), before);
    }
    finally {
        h.cleanup();
    }
});
test('actions that do not fit the state are refused with the state named, and change nothing', async () => {
    const h = new ManagerHome();
    try {
        assert.equal((await h.tvIn('create', 'web')).code, 0);
        const before = h.snapshot();
        for (const cmd of ['pause', 'resume', 'reset', 'stop', 'kill', 'stats']) {
            const r = await h.tvIn(cmd, 'web');
            assert.equal(r.code, 4, `${cmd}: ${r.stderr}`);
            assert.match(r.stderr, new RegExp(`^typevisor: cannot ${cmd} a VM that is created \\(${cmd} needs a VM that is [a-z, ]+\\)\\n$`));
        }
        const con = await h.tvIn('console', 'web');
        assert.equal(con.code, 4);
        assert.match(con.stderr, /web is created: its console needs it running/);
        assert.equal(h.snapshot(), before);
    }
    finally {
        h.cleanup();
    }
});
test('malformed definitions: errors name the file and the field; list still shows the VM; start refuses it', async () => {
    const h = new ManagerHome();
    try {
        assert.equal((await h.tvIn('create', 'web', '--disk-size', '64M')).code, 0);
        const file = join(h.dir, 'vms', 'web', 'vm.json');
        const good = JSON.parse(readFileSync(file, 'utf8'));
        const cases = [
            ['not JSON', '{"version": 1,', /vm\.json: not valid JSON/],
            ['a string for memory', JSON.stringify({ ...good, memoryMiB: 'lots' }), /vm\.json: field "memoryMiB": /],
            ['too much memory', JSON.stringify({ ...good, memoryMiB: 8192 }), /vm\.json: field "memoryMiB": .*4093/],
            [
                'an unknown disk format',
                JSON.stringify({ ...good, disks: [{ ...good.disks[0], format: 'vmdk' }] }),
                /field "disks\[0\]\.format": .*"raw"\|"qcow2"/,
            ],
            ['an unknown field', JSON.stringify({ ...good, colour: 'red' }), /vm\.json: .*"colour"/],
            ['a future version', JSON.stringify({ ...good, version: 2 }), /vm\.json: field "version": /],
            [
                'both image and kernel',
                JSON.stringify({ ...good, boot: { image: 'debian', kernel: '/k' } }),
                /field "boot": give one of "image", "kernel" or "firmware"/,
            ],
            [
                'a name that is not its folder',
                JSON.stringify({ ...good, name: 'other' }),
                /vm\.json: field "name": "other" does not match its folder "web"/,
            ],
            [
                'a NIC with no socket',
                JSON.stringify({ ...good, nics: [{ mode: 'listen', mac: '52:54:00:00:00:01' }] }),
                /field "nics\[0\]": listen and connect NICs need "socket"/,
            ],
            [
                'a share with a relative path',
                JSON.stringify({ ...good, shares: [{ path: 'data', tag: 'x' }] }),
                /field "shares\[0\]\.path": a share path is absolute/,
            ],
            [
                'a share with a bad tag',
                JSON.stringify({ ...good, shares: [{ path: '/srv', tag: '../x' }] }),
                /field "shares\[0\]\.tag": mount tag "\.\.\/x" is not valid/,
            ],
            [
                'two shares with one tag',
                JSON.stringify({
                    ...good,
                    shares: [
                        { path: '/a', tag: 'x' },
                        { path: '/b', tag: 'x' },
                    ],
                }),
                /field "shares": two shares have the mount tag "x"/,
            ],
        ];
        for (const [what, text, re] of cases) {
            writeFileSync(file, text);
            const before = h.snapshot();
            const info = await h.tvIn('info', 'web');
            assert.equal(info.code, 2, `${what}: ${info.stderr}`);
            assert.ok(info.stderr.includes(file), `${what}: the error names the file: ${info.stderr}`);
            assert.match(info.stderr, re, what);
            assert.equal(info.stderr.split('\n').length, 2, `${what}: one line`);
            const start = await h.tvIn('start', 'web');
            assert.equal(start.code, 2, `${what}: start: ${start.stderr}`);
            const list = JSON.parse((await h.tvIn('list', '--format', 'json')).stdout);
            assert.equal(list[0].name, 'web');
            assert.match(list[0].error, re);
            assert.equal(h.snapshot(), before, `${what}: nothing changed`);
        }
        // A VM whose definition is broken can still be deleted.
        assert.equal((await h.tvIn('delete', 'web')).code, 0);
        assert.equal(existsSync(join(h.dir, 'vms', 'web')), false);
    }
    finally {
        h.cleanup();
    }
});
test('admission refuses a VM that does not fit the budget, with the figures; --force-memory passes it', async () => {
    const h = new ManagerHome();
    try {
        // A "kernel" that is not one: a VM that passes admission starts its process, and the boot fails there.
        const kernel = join(h.dir, 'not-a-kernel');
        writeFileSync(kernel, Buffer.alloc(4096, 0x55));
        assert.equal((await h.tvIn('create', 'big', '--memory', '512M', '--kernel', kernel)).code, 0);
        writeFileSync(join(h.dir, 'config.json'), JSON.stringify({ vmMemoryBudget: '256M' }));
        const before = h.snapshot();
        const r = await h.tvIn('start', 'big');
        assert.equal(r.code, 5, r.stderr);
        assert.match(r.stderr, /^typevisor: not enough memory to start big: it needs 512M, running VMs use 0B, and the budget is 256M \(vmMemoryBudget in config\.json\); --force-memory starts it anyway\n$/);
        assert.equal(h.snapshot(), before);
        const forced = await h.tvIn('start', 'big', '--force-memory');
        assert.equal(forced.code, 1, forced.stderr);
        assert.match(forced.stderr, /big did not start: .*kernel/i);
        const v = JSON.parse((await h.tvIn('info', 'big', '--format', 'json')).stdout);
        assert.match(v.state, /^(stopped|crashed)$/);
        assert.match(v.reason, /kernel/i);
        assert.equal(v.pid, undefined);
        // The default budget: host memory minus the larger of 2G and 25 %.
        const b = memoryBudget({ hostMemoryReserveBytes: 2 * GiB, hostMemoryReservePercent: 25 }, 16 * GiB);
        assert.equal(b.budgetBytes, 12 * GiB);
        assert.equal(memoryBudget({ hostMemoryReserveBytes: 2 * GiB, hostMemoryReservePercent: 25 }, 4 * GiB).budgetBytes, 2 * GiB);
        assert.throws(() => admit('c', GiB, [
            { name: 'a', memoryBytes: 6 * GiB },
            { name: 'b', memoryBytes: 5.5 * GiB },
        ], b), (e) => e instanceof ManagerError &&
            e.kind === 'no-memory' &&
            e.message.includes('it needs 1G, running VMs use 11.5G (a 6G, b 5.5G), and the budget is 12G (host 16G minus 4G kept for the host, the larger of 2G and 25 %)'));
        admit('c', 0.5 * GiB, [
            { name: 'a', memoryBytes: 6 * GiB },
            { name: 'b', memoryBytes: 5.5 * GiB },
        ], b);
        // A config.json that does not parse is an error naming the file and the field.
        writeFileSync(join(h.dir, 'config.json'), JSON.stringify({ vmMemoryBudget: 'plenty' }));
        const bad = await h.tvIn('start', 'big');
        assert.equal(bad.code, 2);
        assert.match(bad.stderr, /config\.json: field "vmMemoryBudget": cannot parse/);
    }
    finally {
        h.cleanup();
    }
});
test('the home folder follows TYPEVISOR_HOME, then XDG_DATA_HOME; deep homes put sockets in a short runtime folder', () => {
    assert.equal(typevisorHome({ TYPEVISOR_HOME: '/srv/tv', XDG_DATA_HOME: '/x' }), '/srv/tv');
    assert.equal(typevisorHome({ XDG_DATA_HOME: '/data' }), '/data/typevisor');
    assert.match(typevisorHome({ XDG_DATA_HOME: 'relative' }), /\/\.local\/share\/typevisor$/);
    const shallow = vmPaths('/home/u/.local/share/typevisor', 'web');
    assert.equal(shallow.controlSocket, '/home/u/.local/share/typevisor/vms/web/control.sock');
    const deep = vmPaths(`/tmp/${'d'.repeat(90)}`, 'web');
    for (const s of [deep.controlSocket, deep.consoleSocket]) {
        assert.ok(Buffer.byteLength(s) <= MAX_SOCKET_PATH, s);
        assert.ok(!s.startsWith(deep.dir));
    }
    assert.equal(vmPaths(`/tmp/${'d'.repeat(90)}`, 'web').controlSocket, deep.controlSocket, 'every client finds the same one');
    assert.notEqual(vmPaths(`/tmp/${'d'.repeat(90)}`, 'db').controlSocket, deep.controlSocket);
});
test('the console log is capped: past the cap it becomes .1 and a new file starts', () => {
    const h = new ManagerHome();
    try {
        const path = join(h.dir, 'console.log');
        const log = new CappedLog(path, 1000);
        for (let i = 0; i < 25; i++)
            log.write(Buffer.alloc(100, 0x41 + i));
        log.close();
        assert.ok(statSync(path).size <= 1000);
        assert.ok(statSync(`${path}.1`).size <= 1000);
        const all = readFileSync(`${path}.1`, 'latin1') + readFileSync(path, 'latin1');
        assert.ok(all.endsWith('Y'.repeat(100)), 'the newest output is kept');
        assert.equal(all.length % 100, 0);
    }
    finally {
        h.cleanup();
    }
});
test('control requests are checked: bad JSON, unknown actions, bad fields and overlong lines are refused', () => {
    assert.deepEqual(parseControlRequest('{"id": 7, "action": "pause"}'), {
        ok: true,
        request: { id: 7, action: 'pause' },
    });
    const stop = parseControlRequest('{"id": "a", "action": "stop", "force": true, "timeoutMs": 5000}');
    assert.ok(stop.ok);
    const cases = [
        ['{', 'bad-request', /not JSON/],
        ['{"id": 3, "action": "explode"}', 'unknown-action', /unknown action "explode" \(known: start, info, /],
        ['{"id": 3, "action": "stop", "timeoutMs": -1}', 'bad-request', /timeoutMs/],
        ['{"id": 3, "action": "pause", "extra": 1}', 'bad-request', /extra/],
        ['{"action": "pause"}', 'bad-request', /id/],
        ['[1,2]', 'bad-request', /./],
    ];
    for (const [line, code, re] of cases) {
        const r = parseControlRequest(line);
        assert.equal(r.ok, false, line);
        if (!r.ok) {
            assert.equal(r.code, code, line);
            assert.match(r.message, re, line);
        }
    }
    const lines = [];
    let overflowed = 0;
    const s = new LineSplitter((l) => lines.push(l), () => overflowed++, 16);
    s.push(Buffer.from('{"a":1}\n{"b"'));
    s.push(Buffer.from(':2}\n'));
    assert.deepEqual(lines, ['{"a":1}', '{"b":2}']);
    s.push(Buffer.from('x'.repeat(17)));
    assert.equal(overflowed, 1);
    s.push(Buffer.from('\n{"c":3}\n'));
    assert.equal(lines.length, 2, 'nothing more is read after an overflow');
    assert.equal(describeExitStatus(137), 'was killed by SIGKILL');
    assert.equal(describeExitStatus(3), 'exited with status 3');
});
test('a VM folder left without a definition blocks its name with a clear error', async () => {
    const h = new ManagerHome();
    try {
        mkdirSync(join(h.dir, 'vms', 'ghost'), { recursive: true });
        const r = await h.tvIn('create', 'ghost');
        assert.equal(r.code, 2);
        assert.match(r.stderr, /vms\/ghost already exists \(without a definition\)/);
        assert.equal((await h.tvIn('info', 'ghost')).code, 3);
    }
    finally {
        h.cleanup();
    }
});
test('an attached image is probed once, at create, under the probed-open rules; its format is recorded', async () => {
    const h = new ManagerHome();
    try {
        const base = join(h.dir, 'base.qcow2');
        const overlay = join(h.dir, 'overlay.qcow2');
        for (const args of [
            ['create', '-q', '-f', 'qcow2', base, '64M'],
            ['create', '-q', '-f', 'qcow2', '-b', base, '-F', 'qcow2', overlay],
        ])
            assert.equal(spawnSync('qemu-img', args).status, 0);
        const before = h.snapshot();
        const probed = await h.tvIn('create', 'x', '--disk', overlay);
        assert.equal(probed.code, 2, probed.stderr);
        assert.match(probed.stderr, /overlay\.qcow2.*state the format/);
        assert.equal(h.snapshot(), before);
        const stated = await h.tvIn('create', 'x', '--disk', `${overlay},format=qcow2`);
        assert.equal(stated.code, 0, stated.stderr);
        const def = JSON.parse(readFileSync(join(h.dir, 'vms', 'x', 'vm.json'), 'utf8'));
        assert.deepEqual(def.disks, [{ path: overlay, format: 'qcow2', readonly: false, owned: false }]);
        assert.equal((await h.tvIn('create', 'y', '--disk', base)).code, 0, 'a qcow2 without a backing file is probed');
        assert.equal(JSON.parse(readFileSync(join(h.dir, 'vms', 'y', 'vm.json'), 'utf8')).disks[0].format, 'qcow2');
    }
    finally {
        h.cleanup();
    }
});
//# sourceMappingURL=manager-store.test.js.map