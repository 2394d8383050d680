const KINDS = ['bad-input', 'not-found', 'exists', 'wrong-state', 'no-memory', 'failed'];
/** An error the manager raised on purpose (its ManagerError, or anything else with one of its kinds). */
export function backendErrorKind(e) {
    const kind = e?.kind;
    return typeof kind === 'string' && KINDS.includes(kind) ? kind : null;
}
export class BackendError extends Error {
    kind;
    name = 'BackendError';
    constructor(kind, message) {
        super(message);
        this.kind = kind;
    }
}
/** The states in which a VM has a live process (and so a console and a control socket). */
export const LIVE = ['running', 'paused', 'stopping'];
//# sourceMappingURL=backend.js.map