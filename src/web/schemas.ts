// The API's request and response shapes as zod schemas: the server validates with them and the OpenAPI document is made from them.
import { z } from 'zod';

/** The schemas the OpenAPI document lists under components.schemas, by id. */
export const apiSchemas = z.registry<{ id: string }>();

const STATES = ['created', 'running', 'paused', 'stopping', 'stopped', 'crashed'] as const;

/** Sizes as people write them (512M, 1G); the manager parses them. */
const Size = z
  .string()
  .regex(/^\d+(?:\.\d+)?[KMGT]?i?B?$/i, 'a size such as 512M or 1G')
  .max(32);
const FilePath = z.string().min(1).max(4096);

export const NameParams = z.strictObject({ name: z.string().min(1).max(255).describe('the VM name') });

export const CreateBody = z
  .strictObject({
    name: z.string().min(1).max(63).describe('letters, digits, "-" and "_", starting with a letter or digit'),
    memory: Size.optional().describe('guest RAM, default 1G'),
    cpus: z.int().min(1).max(8).optional().describe('vCPUs (harts), default 1'),
    image: z.enum(['debian']).optional().describe('boot the cached guest image (the default when no kernel is given)'),
    kernel: FilePath.optional().describe('a Linux RISC-V Image on the host'),
    initrd: FilePath.optional(),
    cmdline: z.string().max(4096).optional().describe('kernel command line'),
    diskSizes: z.array(Size).max(6).optional().describe('new qcow2 disks created in the VM folder'),
    disks: z.array(FilePath).max(6).optional().describe('existing disk images to attach'),
  })
  .refine((b) => !(b.image && b.kernel), { message: 'give "image" or "kernel", not both' })
  .register(apiSchemas, { id: 'CreateVm' });

export const EditBody = z
  .strictObject({
    memory: Size.optional(),
    cpus: z.int().min(1).max(8).optional(),
    cmdline: z.string().max(4096).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' })
  .register(apiSchemas, { id: 'EditVm' });

export const StartBody = z
  .strictObject({
    forceMemory: z.boolean().optional().describe('start even when admission control would refuse it'),
  })
  .register(apiSchemas, { id: 'StartVm' });

export const DeleteQuery = z.strictObject({
  keepDisks: z.enum(['true', 'false']).optional().describe('keep the disks created for the VM'),
});

/** The action union of src/vmm/actions.ts, as a request body (`subscribe` is GET /api/events instead). */
export const ActionBody = z
  .discriminatedUnion('action', [
    z.strictObject({ action: z.literal('info') }),
    z.strictObject({ action: z.literal('stats') }),
    z.strictObject({ action: z.literal('pause') }),
    z.strictObject({ action: z.literal('resume') }),
    z.strictObject({
      action: z.literal('stop'),
      force: z.boolean().optional(),
      timeoutMs: z.int().min(0).max(3_600_000).optional(),
    }),
    z.strictObject({ action: z.literal('kill') }),
    z.strictObject({ action: z.literal('reset') }),
    z.strictObject({
      action: z.literal('console-size'),
      cols: z.int().min(1).max(65535),
      rows: z.int().min(1).max(65535),
    }),
  ])
  .register(apiSchemas, { id: 'VmAction' });

export const Vm = z
  .object({
    name: z.string(),
    state: z.enum(STATES),
    reason: z.string().optional().describe('why the VM stopped or crashed'),
    cpus: z.int(),
    memoryMiB: z.int(),
    rssBytes: z.int().optional().describe('host memory of the VM process (resident set), while it runs'),
    uptimeMs: z.number().optional(),
    pid: z.int().optional(),
    definition: z.record(z.string(), z.unknown()).describe('the VM definition document (vm.json)'),
  })
  .register(apiSchemas, { id: 'Vm' });

export const VmList = z.object({ vms: z.array(Vm) }).register(apiSchemas, { id: 'VmList' });

export const ActionResult = z.object({ result: z.unknown() }).register(apiSchemas, { id: 'ActionResult' });

export const ApiError = z
  .object({
    error: z.object({
      code: z
        .string()
        .describe('stable: bad-input, unauthorized, forbidden, not-found, exists, wrong-state, no-memory, failed, ...'),
      message: z.string(),
    }),
  })
  .register(apiSchemas, { id: 'Error' });

/** Messages on the console WebSocket that are not terminal bytes. */
export const ConsoleControl = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('resize'), cols: z.int().min(1).max(65535), rows: z.int().min(1).max(65535) }),
  ])
  .register(apiSchemas, { id: 'ConsoleControl' });

/** Messages on the events WebSocket. */
export const EventMessage = z
  .discriminatedUnion('event', [
    z.object({ event: z.literal('list'), vms: z.array(Vm), at: z.string() }),
    z.object({
      event: z.literal('state'),
      vm: z.string(),
      state: z.enum(STATES),
      reason: z.string().optional(),
      at: z.string(),
    }),
    z.object({ event: z.literal('created'), vm: z.string(), at: z.string() }),
    z.object({ event: z.literal('deleted'), vm: z.string(), at: z.string() }),
    z.object({ event: z.literal('guest'), vm: z.string(), message: z.string(), at: z.string() }),
  ])
  .register(apiSchemas, { id: 'Event' });

/** The first issue of a failed parse as one line: `field: message`. */
export function issueMessage(error: z.ZodError): string {
  const i = error.issues[0];
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}${more}`;
}
