// OpenPGP verification of the archive's InRelease (or Release + Release.gpg) with the host's gpgv.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
export const DEBIAN_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
export function gpgvAvailable() {
    const r = spawnSync('gpgv', ['--version'], { stdio: 'ignore' });
    return r.status === 0;
}
/** Checks a clear-signed file (signature = undefined) or a detached signature over `signed`. */
export function verifySignature(signed, keyring, signature) {
    if (!existsSync(keyring))
        return { ok: false, detail: `keyring ${keyring} not found` };
    const dir = mkdtempSync(join(tmpdir(), 'typevisor-gpgv-'));
    try {
        const data = join(dir, 'Release');
        writeFileSync(data, signed);
        const args = ['--keyring', keyring];
        if (signature) {
            writeFileSync(join(dir, 'Release.gpg'), signature);
            args.push(join(dir, 'Release.gpg'));
        }
        args.push(data);
        const r = spawnSync('gpgv', args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
        const out = `${r.stderr ?? ''}${r.stdout ?? ''}`;
        if (r.status === 0) {
            const good = /Good signature from "([^"]*)"/.exec(out)?.[1];
            return { ok: true, detail: good ? `good signature from "${good}"` : 'good signature' };
        }
        return { ok: false, detail: out.trim().split('\n').slice(-3).join('; ') || `gpgv exited with ${r.status}` };
    }
    finally {
        rmSync(dir, { recursive: true, force: true });
    }
}
//# sourceMappingURL=signature.js.map