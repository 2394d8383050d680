// The default image's /init and root-disk helper scripts: valid shell for dash, bash and (when cached) Debian's busybox.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CONSOLE_SIZE_SCRIPT, INITRAMFS_VERSION, initScript, POWER_BUTTON_MESSAGE } from '../src/images/initramfs.js';
import { DEFAULT_INCLUDE } from '../src/images/rootfs/first-stage.js';
import { findCachedDebian } from '../src/images/debian.js';
/** The file named `name` in a newc cpio archive (the last one wins, as when the kernel unpacks it). */
function cpioFile(archive, name) {
    let found;
    for (let at = 0; at + 110 <= archive.length;) {
        const hex = (i) => parseInt(archive.toString('latin1', at + 6 + 8 * i, at + 14 + 8 * i), 16);
        const size = hex(6);
        const nameSize = hex(11);
        const n = archive.toString('latin1', at + 110, at + 110 + nameSize - 1);
        const data = Math.ceil((at + 110 + nameSize) / 4) * 4;
        if (n === 'TRAILER!!!') {
            at = Math.ceil((data + size) / 512) * 512; // a following archive starts on a block boundary
            while (at < archive.length && archive[at] === 0)
                at++;
            continue;
        }
        if (n === name)
            found = archive.subarray(data, data + size);
        at = Math.ceil((data + size) / 4) * 4;
    }
    return found;
}
test('/init is valid shell (dash, bash, and Debian busybox under qemu-riscv64 when the image is cached)', async (t) => {
    const s = initScript("banner with 'quotes'");
    for (const sh of ['dash', 'bash']) {
        const r = spawnSync(sh, ['-n'], { input: s, encoding: 'utf8' });
        assert.equal(r.status, 0, `${sh} -n: ${r.stderr}`);
    }
    // The size helper is passed to sh -c in single quotes.
    assert.ok(!CONSOLE_SIZE_SCRIPT.includes("'"));
    assert.ok(s.includes(POWER_BUTTON_MESSAGE));
    assert.ok(s.indexOf('watch_power_key\n') < s.indexOf('setsid cttyhack sh -l'));
    const img = await findCachedDebian();
    if (!img)
        return t.skip('no cached Debian image (pulled by the guest tests)');
    assert.equal(img.manifest.initramfs, INITRAMFS_VERSION);
    const busybox = cpioFile(gunzipSync(readFileSync(img.initrd)), 'bin/busybox');
    const init = cpioFile(gunzipSync(readFileSync(img.initrd)), 'init');
    assert.ok(busybox && init);
    assert.ok(init.toString().includes('watch_power_key'), 'the cached image has the current /init');
    assert.ok(img.manifest.modules.includes('evdev'));
    const dir = mkdtempSync(join(tmpdir(), 'guest-init-'));
    try {
        writeFileSync(join(dir, 'busybox'), busybox, { mode: 0o755 });
        writeFileSync(join(dir, 'init'), s);
        if (!existsSync('/usr/bin/qemu-riscv64'))
            return t.skip('qemu-riscv64 (Debian qemu-user) is not installed');
        const r = spawnSync('qemu-riscv64', [join(dir, 'busybox'), 'sh', '-n', join(dir, 'init')], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
    }
    finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
test('the root disk brings the D-Bus system bus, without which logind ignores the power button', () => {
    assert.ok(DEFAULT_INCLUDE.includes('dbus'));
});
//# sourceMappingURL=guest-init.test.js.map