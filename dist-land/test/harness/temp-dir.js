// A test body run in a fresh temporary directory that is removed afterwards, whatever the outcome.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
export function withTempDir(prefix, fn) {
    return async () => {
        const dir = mkdtempSync(join(tmpdir(), prefix));
        try {
            await fn(dir);
        }
        finally {
            rmSync(dir, { recursive: true, force: true });
        }
    };
}
//# sourceMappingURL=temp-dir.js.map