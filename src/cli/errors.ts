// Errors caused by the user's input: printed as one line, exit status non-zero, no stack trace.
export class UserError extends Error {
  override name = 'UserError';
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}
