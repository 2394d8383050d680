// The one union of VM actions, the states each is valid in, and what a VM reports: shared by the Vm object, its
// process's control socket, the CLI and the local API.
/** The states in which each action is valid; any other state is an error naming the action and the state. */
export const ACTION_STATES = {
    start: ['created'],
    info: ['created', 'running', 'paused', 'stopping', 'stopped', 'crashed'],
    stats: ['running', 'paused', 'stopping'],
    pause: ['running'],
    resume: ['paused'],
    stop: ['running', 'paused', 'stopping'],
    kill: ['running', 'paused', 'stopping'],
    reset: ['running', 'paused'],
    'console-size': ['running', 'paused', 'stopping'],
    subscribe: ['created', 'running', 'paused', 'stopping', 'stopped', 'crashed'],
    save: ['running', 'paused'],
    snapshot: ['running', 'paused'],
    agent: ['running'],
    restore: ['created'],
};
/** Why a VM is in `wrongState`: the message every client shows. */
export function wrongStateMessage(action, state) {
    const valid = ACTION_STATES[action].join(', ');
    return `cannot ${action} a VM that is ${state} (${action} needs a VM that is ${valid})`;
}
//# sourceMappingURL=actions.js.map