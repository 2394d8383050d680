// Admission control: a VM starts only if its guest RAM fits, with the running VMs', in the host's memory budget.
import { totalmem } from 'node:os';
import { ManagerError } from './errors.js';
/** "512M", "1.5G": sizes in messages. */
export function humanSize(bytes) {
    const units = [
        [1024 ** 4, 'T'],
        [1024 ** 3, 'G'],
        [1024 ** 2, 'M'],
        [1024, 'K'],
    ];
    for (const [size, unit] of units)
        if (bytes >= size)
            return `${Number((bytes / size).toFixed(bytes % size === 0 ? 0 : 1))}${unit}`;
    return `${bytes}B`;
}
export function memoryBudget(cfg, hostBytes = totalmem()) {
    if (cfg.vmMemoryBudgetBytes !== undefined)
        return {
            hostBytes,
            reserveBytes: Math.max(0, hostBytes - cfg.vmMemoryBudgetBytes),
            budgetBytes: cfg.vmMemoryBudgetBytes,
            rule: 'vmMemoryBudget in config.json',
        };
    const percentBytes = Math.round((hostBytes * cfg.hostMemoryReservePercent) / 100);
    const reserveBytes = Math.max(cfg.hostMemoryReserveBytes, percentBytes);
    return {
        hostBytes,
        reserveBytes,
        budgetBytes: Math.max(0, hostBytes - reserveBytes),
        rule: `host ${humanSize(hostBytes)} minus ${humanSize(reserveBytes)} kept for the host, the larger of ${humanSize(cfg.hostMemoryReserveBytes)} and ${cfg.hostMemoryReservePercent} %`,
    };
}
/** Throws `no-memory` with the figures when `needBytes` more would not fit beside the running VMs. */
export function admit(name, needBytes, running, budget) {
    const usedBytes = running.reduce((sum, v) => sum + v.memoryBytes, 0);
    if (usedBytes + needBytes <= budget.budgetBytes)
        return;
    const who = running.length ? ` (${running.map((v) => `${v.name} ${humanSize(v.memoryBytes)}`).join(', ')})` : '';
    throw new ManagerError('no-memory', `not enough memory to start ${name}: it needs ${humanSize(needBytes)}, running VMs use ${humanSize(usedBytes)}${who}, ` +
        `and the budget is ${humanSize(budget.budgetBytes)} (${budget.rule}); --force-memory starts it anyway`);
}
//# sourceMappingURL=admission.js.map