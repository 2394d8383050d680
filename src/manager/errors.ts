// Errors of the VM manager, each of a kind that clients map to an exit status or an HTTP status.

/**
 * - `bad-input`: a bad name, option or definition file;
 * - `not-found`: no VM of that name;
 * - `exists`: the name is taken;
 * - `wrong-state`: the action does not fit the VM's state;
 * - `no-memory`: admission control refused to start the VM;
 * - `failed`: anything else (a VM process that did not start, an I/O error).
 */
export type ManagerErrorKind = 'bad-input' | 'not-found' | 'exists' | 'wrong-state' | 'no-memory' | 'failed';

export class ManagerError extends Error {
  override name = 'ManagerError';
  constructor(
    readonly kind: ManagerErrorKind,
    message: string,
  ) {
    super(message);
  }
}
