// The control socket's wire format: one JSON request per line in, one reply per line out, events after `subscribe`.
import { z } from 'zod';
import type { ControlRequest } from '../vmm/actions.js';

const Id = z.union([z.int(), z.string().max(100)]);

/** Every request the control socket accepts, checked before it reaches the VM. */
export const ControlRequestSchema = z.discriminatedUnion('action', [
  z.strictObject({ id: Id, action: z.literal('start') }),
  z.strictObject({ id: Id, action: z.literal('info') }),
  z.strictObject({ id: Id, action: z.literal('stats') }),
  z.strictObject({ id: Id, action: z.literal('pause') }),
  z.strictObject({ id: Id, action: z.literal('resume') }),
  z.strictObject({
    id: Id,
    action: z.literal('stop'),
    force: z.boolean().optional(),
    timeoutMs: z.int().min(0).max(3_600_000).optional(),
  }),
  z.strictObject({ id: Id, action: z.literal('kill') }),
  z.strictObject({ id: Id, action: z.literal('reset') }),
  z.strictObject({
    id: Id,
    action: z.literal('console-size'),
    cols: z.int().min(1).max(65535),
    rows: z.int().min(1).max(65535),
  }),
  z.strictObject({ id: Id, action: z.literal('subscribe') }),
  z.strictObject({ id: Id, action: z.literal('save'), path: z.string().min(1).max(4096) }),
  z.strictObject({
    id: Id,
    action: z.literal('snapshot'),
    op: z.enum(['create', 'delete']),
    name: z.string().min(1).max(64),
    statePath: z.string().min(1).max(4096).optional(),
  }),
  z.strictObject({
    id: Id,
    action: z.literal('agent'),
    // guest-sync and guest-sync-delimited belong to the VM's own client, which resynchronises by itself.
    command: z.string().regex(/^guest-(?!sync)[a-z0-9-]{1,60}$/, 'a guest agent command (guest-...)'),
    arguments: z.record(z.string(), z.unknown()).optional(),
    timeoutMs: z.int().min(1).max(3_600_000).optional(),
  }),
  z.strictObject({
    id: Id,
    action: z.literal('migrate'),
    target: z.string().min(1).max(300),
    token: z.string().min(1).max(200),
  }),
]);

export const KNOWN_ACTIONS = [
  'start',
  'info',
  'stats',
  'pause',
  'resume',
  'stop',
  'kill',
  'reset',
  'console-size',
  'subscribe',
  'save',
  'snapshot',
  'agent',
  'migrate',
];

/** Checks one request line: the request, or the error to reply with (and the id, when the line had one). */
export function parseControlRequest(
  line: string,
):
  | { ok: true; request: ControlRequest }
  | { ok: false; id: number | string; code: 'bad-request' | 'unknown-action'; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (e) {
    return { ok: false, id: 0, code: 'bad-request', message: `not JSON: ${(e as Error).message}` };
  }
  const obj = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  const rawId = obj.id;
  const id = typeof rawId === 'number' || typeof rawId === 'string' ? rawId : 0;
  if (typeof obj.action === 'string' && !KNOWN_ACTIONS.includes(obj.action))
    return {
      ok: false,
      id,
      code: 'unknown-action',
      message: `unknown action "${obj.action.slice(0, 50)}" (known: ${KNOWN_ACTIONS.join(', ')})`,
    };
  const r = ControlRequestSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    return {
      ok: false,
      id,
      code: 'bad-request',
      message: `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`,
    };
  }
  return { ok: true, request: r.data as ControlRequest };
}
