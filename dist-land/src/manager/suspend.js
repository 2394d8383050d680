// A suspended VM: its machine state saved in its folder, resumed by the next start (docs/manager.md, docs/state.md).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
export const SUSPENDED_STATE_FILE = 'suspended.tvstate';
/** Where a suspended VM's machine state is kept. */
export function suspendedStatePath(paths) {
    return join(paths.dir, SUSPENDED_STATE_FILE);
}
/** Whether the VM's next start resumes a saved state (its process must not be running). */
export function isSuspended(paths) {
    return existsSync(suspendedStatePath(paths));
}
//# sourceMappingURL=suspend.js.map