// Errors of the VM manager, each of a kind that clients map to an exit status or an HTTP status.
export class ManagerError extends Error {
    kind;
    name = 'ManagerError';
    constructor(kind, message) {
        super(message);
        this.kind = kind;
    }
}
//# sourceMappingURL=errors.js.map