// Errors caused by the user's input: printed as one line, exit status non-zero, no stack trace.
export class UserError extends Error {
    exitCode;
    name = 'UserError';
    constructor(message, exitCode = 2) {
        super(message);
        this.exitCode = exitCode;
    }
}
//# sourceMappingURL=errors.js.map