// The manager's settings, $TYPEVISOR_HOME/config.json: how much host memory VMs may take.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseSize } from '../cli/size.js';
import { ManagerError } from './errors.js';
const Size = z.union([z.int().positive(), z.string().max(32)]);
const ConfigSchema = z.strictObject({
    /** Host memory kept for the host whatever the VMs want: the larger of this and the percentage (default 2G). */
    hostMemoryReserve: Size.optional(),
    /** The same as a percentage of host memory (default 25). */
    hostMemoryReservePercent: z.number().min(0).max(100).optional(),
    /** A fixed budget for all running VMs' guest RAM together, instead of host memory minus the reserve. */
    vmMemoryBudget: Size.optional(),
});
export const DEFAULT_CONFIG = { hostMemoryReserveBytes: 2 * 1024 ** 3, hostMemoryReservePercent: 25 };
export function configPath(home) {
    return join(home, 'config.json');
}
function sizeField(value, file, field) {
    if (value === undefined || typeof value === 'number')
        return value;
    try {
        return parseSize(value, field);
    }
    catch (e) {
        throw new ManagerError('bad-input', `${file}: field "${field}": ${e.message}`);
    }
}
/** The settings, defaults for what config.json does not say (or for a home without one). */
export function readConfig(home) {
    const file = configPath(home);
    let text;
    try {
        if (statSync(file).size > 64 * 1024)
            throw new ManagerError('bad-input', `${file}: larger than 64 KiB`);
        text = readFileSync(file, 'utf8');
    }
    catch (e) {
        if (e.code === 'ENOENT')
            return { ...DEFAULT_CONFIG };
        throw e;
    }
    let json;
    try {
        json = JSON.parse(text);
    }
    catch (e) {
        throw new ManagerError('bad-input', `${file}: not valid JSON: ${e.message}`);
    }
    const r = ConfigSchema.safeParse(json);
    if (!r.success) {
        const i = r.error.issues[0];
        throw new ManagerError('bad-input', `${file}: ${i.path.length ? `field "${i.path.join('.')}": ` : ''}${i.message}`);
    }
    return {
        hostMemoryReserveBytes: sizeField(r.data.hostMemoryReserve, file, 'hostMemoryReserve') ?? DEFAULT_CONFIG.hostMemoryReserveBytes,
        hostMemoryReservePercent: r.data.hostMemoryReservePercent ?? DEFAULT_CONFIG.hostMemoryReservePercent,
        vmMemoryBudgetBytes: sizeField(r.data.vmMemoryBudget, file, 'vmMemoryBudget'),
    };
}
//# sourceMappingURL=config.js.map