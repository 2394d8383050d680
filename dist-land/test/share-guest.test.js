// Shares in a real Debian guest: both directions with content checked, a large tree listed and copied, modes and owners,
// read-only shares, escapes tried from inside the guest, and the same script run under QEMU's -virtfs as an oracle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { GuestConsole, GUEST_PROMPT, spawnDefaultGuest } from './harness/guest-console.js';
/** Files in the tree the guest lists and copies: 500 in CI (a few minutes on a shared host); TYPEVISOR_SHARE_FILES=10000 for the full tree. */
const TREE_FILES = Number(process.env['TYPEVISOR_SHARE_FILES'] ?? 500);
const SECRET = 'GUEST-MUST-NOT-SEE-THIS';
const sha256 = (b) => createHash('sha256').update(b).digest('hex');
/** The tree: 100 files per directory, each holding its own path. */
function makeTree(root, files) {
    for (let i = 0; i < files; i++) {
        const d = join(root, `d${Math.floor(i / 100)}`);
        if (i % 100 === 0)
            mkdirSync(d, { recursive: true });
        writeFileSync(join(d, `f${i}`), `file ${i}\n`);
    }
}
/** A behaviour script: its output must be the same under any correct 9P2000.L server (no times, no inode numbers). */
const ORACLE_SCRIPT = [
    'mkdir /mnt/data/o && cd /mnt/data/o',
    'echo hello > a; echo more >> a; cat a',
    'mkdir -p d/e; chmod 750 d; touch d/e/f; chmod 604 d/e/f',
    'ln -s ../a d/l; readlink d/l; cat d/l',
    'ln a hard; stat -c "%n %h %s" a hard',
    'mv hard d/e/moved; ls d/e',
    'dd if=/dev/zero of=big bs=1000 count=70 2>/dev/null; dd if=big of=part bs=1000 count=2 2>/dev/null',
    'echo tail >> part; stat -c "%s" big part; tail -c 5 part',
    'rmdir d 2>&1 | sed "s/.*: //"; mkdir d 2>&1 | sed "s/.*: //"; cat none 2>&1 | sed "s/.*: //"',
    'find . | sort | while read p; do stat -c "%n %A %s %h %u %g" "$p"; done',
    'mv d/e d/e2; ls d; rm -r d; ls; cd /; echo done',
].join('\n');
async function runScript(con, script) {
    let out = '';
    for (const line of script.split('\n'))
        out += await con.run(line);
    return out;
}
test('a Debian guest mounts shares at /mnt/TAG: both directions, a large tree, modes, read-only, escapes', { timeout: 40 * 60_000 }, async () => {
    const top = mkdtempSync(join(tmpdir(), 'share-guest-'));
    const data = join(top, 'data');
    const ro = join(top, 'ro');
    const outside = join(top, 'outside');
    mkdirSync(data);
    mkdirSync(ro);
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret'), SECRET);
    symlinkSync(outside, join(data, 'abs_out'));
    symlinkSync('../outside', join(data, 'rel_out'));
    const hostBytes = randomBytes(300_000);
    writeFileSync(join(data, 'from-host.bin'), hostBytes);
    writeFileSync(join(ro, 'keep.txt'), 'read-only content\n');
    makeTree(join(data, 'tree'), TREE_FILES);
    let g;
    try {
        g = await spawnDefaultGuest(['--share', `${data}`, '--share', `${ro}:ro,readonly`], { memory: '512M' });
        await g.waitPrompt();
        const run = (cmd) => g.con.run(cmd);
        assert.match(await run('mount | grep 9p'), /data on \/mnt\/data type 9p[\s\S]*ro on \/mnt\/ro type 9p/);
        // Host to guest, content checked.
        assert.equal((await run('sha256sum /mnt/data/from-host.bin')).split(' ')[0], sha256(hostBytes));
        // Guest to host: a text file and 1 MiB of the guest's random bytes, hashed on both sides.
        await run('echo "written in the guest" > /mnt/data/from-guest.txt');
        assert.equal(readFileSync(join(data, 'from-guest.txt'), 'utf8'), 'written in the guest\n');
        await run('dd if=/dev/urandom of=/mnt/data/guest.bin bs=65536 count=16 2>/dev/null');
        const guestSum = (await run('sha256sum /mnt/data/guest.bin')).split(' ')[0];
        assert.equal(sha256(readFileSync(join(data, 'guest.bin'))), guestSum);
        // A change on the host is seen at once (no caching in the guest).
        writeFileSync(join(data, 'from-guest.txt'), 'changed on the host\n');
        assert.equal(await run('cat /mnt/data/from-guest.txt'), 'changed on the host\n');
        // The tree: listed and copied in the guest, the copy checked on the host.
        assert.equal((await run('find /mnt/data/tree -type f | wc -l')).trim(), String(TREE_FILES));
        assert.match(await run('cp -r /mnt/data/tree /mnt/data/copy; echo rc=$?'), /rc=0/);
        let copied = 0;
        for (const d of readdirSync(join(data, 'copy'))) {
            for (const f of readdirSync(join(data, 'copy', d))) {
                assert.equal(readFileSync(join(data, 'copy', d, f), 'utf8'), `file ${f.slice(1)}\n`);
                copied++;
            }
        }
        assert.equal(copied, TREE_FILES);
        // Ownership and modes (docs/shares.md): files are the host user's; modes pass through, set-user-ID does not.
        const uid = process.getuid();
        const gid = process.getgid();
        await run('touch /mnt/data/m; chmod 640 /mnt/data/m; mkdir -m 711 /mnt/data/md');
        assert.equal((await run('stat -c "%a %u %g" /mnt/data/m /mnt/data/md')).trim(), `640 ${uid} ${gid}\n711 ${uid} ${gid}`);
        assert.equal(statSync(join(data, 'm')).mode & 0o7777, 0o640);
        assert.equal(statSync(join(data, 'md')).mode & 0o7777, 0o711);
        assert.equal(statSync(join(data, 'm')).uid, uid);
        // chown and set-ID bits are the guest's view, recorded beside the file; the host file stays the user's, 0755.
        await run('chown 1234:5678 /mnt/data/m; chmod 4755 /mnt/data/m');
        assert.equal((await run('stat -c "%a %u %g" /mnt/data/m')).trim(), '4755 1234 5678');
        assert.equal(statSync(join(data, 'm')).mode & 0o7777, 0o755);
        assert.equal(statSync(join(data, 'm')).uid, uid);
        // Read-only share: reads work, every write is refused, the host directory is unchanged.
        assert.equal(await run('cat /mnt/ro/keep.txt'), 'read-only content\n');
        for (const cmd of [
            'echo x > /mnt/ro/new',
            'echo x >> /mnt/ro/keep.txt',
            'rm /mnt/ro/keep.txt',
            'mkdir /mnt/ro/d',
            'touch /mnt/ro/keep.txt',
            'chmod 777 /mnt/ro/keep.txt',
            'mv /mnt/ro/keep.txt /mnt/ro/k2',
        ]) {
            assert.match(await run(`${cmd} 2>&1; echo rc=$?`), /Read-only file system[\s\S]*rc=1/, cmd);
        }
        assert.deepEqual(readdirSync(ro), ['keep.txt']);
        assert.equal(readFileSync(join(ro, 'keep.txt'), 'utf8'), 'read-only content\n');
        // Escapes from inside the guest: symlinks resolve in the guest's own tree, never on the host.
        const tries = [
            'cat /mnt/data/abs_out/secret',
            'cat /mnt/data/rel_out/secret',
            'cat /mnt/data/../outside/secret',
            'cat /mnt/data/../../outside/secret',
            'ln -s / /mnt/data/root; cat /mnt/data/root' + join(outside, 'secret'),
            `ln -s ${outside} /mnt/data/o2; ls /mnt/data/o2/; cat /mnt/data/o2/secret`,
            'ln /mnt/data/abs_out /mnt/data/hl && cat /mnt/data/hl/secret',
        ];
        for (const cmd of tries)
            assert.ok(!(await run(`${cmd} 2>&1`)).includes(SECRET), cmd);
        assert.ok(lstatSync(join(data, 'o2')).isSymbolicLink());
        assert.deepEqual(readdirSync(outside), ['secret']);
        assert.equal(await g.con.exitAfter('poweroff -f'), 0);
    }
    catch (e) {
        throw g ? g.fail(e) : e;
    }
    finally {
        if (g && g.child.exitCode === null)
            g.child.kill('SIGKILL');
        rmSync(top, { recursive: true, force: true });
    }
});
test('the same script gives the same output under QEMU -virtfs (oracle) and typevisor', { timeout: 20 * 60_000 }, async (t) => {
    const img = (await findCachedDebian()) ?? (await pullDebian({ log: (l) => process.stderr.write(`${l}\n`) }));
    if (!existsSync('/usr/bin/qemu-system-riscv64'))
        return t.skip('qemu-system-riscv64 is not installed');
    const top = mkdtempSync(join(tmpdir(), 'share-oracle-'));
    mkdirSync(join(top, 'q'));
    mkdirSync(join(top, 't'));
    const qemu = spawn('qemu-system-riscv64', [
        ...['-M', 'virt', '-m', '512M', '-nographic', '-bios', 'default'],
        ...['-kernel', img.kernel, '-initrd', img.initrd, '-append', 'console=ttyS0'],
        ...['-virtfs', `local,path=${join(top, 'q')},mount_tag=data,security_model=none`],
    ], { stdio: ['pipe', 'pipe', 'pipe'] });
    let g;
    try {
        const Q = new GuestConsole(qemu);
        await Q.waitFor(GUEST_PROMPT, "the QEMU guest's prompt");
        const expected = await runScript(Q, ORACLE_SCRIPT);
        qemu.kill('SIGKILL');
        g = await spawnDefaultGuest(['--share', `${join(top, 't')}:data`], { name: 'typevisor guest' });
        await g.waitPrompt();
        const got = await runScript(g.con, ORACLE_SCRIPT);
        assert.equal(got, expected);
        assert.match(expected, /Directory not empty[\s\S]*File exists[\s\S]*No such file/);
        await g.con.exitAfter('poweroff -f');
    }
    catch (e) {
        throw g ? g.fail(e) : e;
    }
    finally {
        if (qemu.exitCode === null)
            qemu.kill('SIGKILL');
        if (g && g.child.exitCode === null)
            g.child.kill('SIGKILL');
        rmSync(top, { recursive: true, force: true });
    }
});
//# sourceMappingURL=share-guest.test.js.map