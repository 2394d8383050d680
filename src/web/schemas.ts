// The API's request and response shapes as zod schemas: the server validates with them and the OpenAPI document is made from them.
import { z } from 'zod';

/** The schemas the OpenAPI document lists under components.schemas, by id. */
export const apiSchemas = z.registry<{ id: string }>();

const STATES = ['created', 'running', 'paused', 'stopping', 'stopped', 'crashed'] as const;

/** A size: bytes as an integer, or as people write it (512M, 8G); the server parses it as the CLI does. */
const Size = z.union([z.int().positive(), z.string().max(32)]);
/** Files on the host: absolute, since the server's working folder means nothing to its clients. */
const HostPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/'), 'an absolute path on the host');

const Ipv4 = z.string().regex(/^\d{1,3}(?:\.\d{1,3}){3}$/, 'an IPv4 address');

export const NameParams = z.strictObject({ name: z.string().min(1).max(255).describe('the VM name') });

const MemoryMiB = z.int().min(16).max(4093).describe('guest RAM in MiB');
const Cpus = z.int().min(1).max(8).describe('vCPUs (harts)');

export const CreateBody = z
  .strictObject({
    name: z.string().min(1).max(63).describe('letters, digits, "-" and "_", starting with a letter or digit'),
    memoryMiB: MemoryMiB.optional().describe('guest RAM in MiB, default 1024'),
    cpus: Cpus.optional().describe('vCPUs (harts), default 1'),
    image: z.enum(['debian']).optional().describe('boot the cached guest image (the default when no kernel is given)'),
    kernel: HostPath.optional().describe('a Linux RISC-V Image on the host'),
    initrd: HostPath.optional(),
    cmdline: z.string().max(4096).optional().describe('kernel command line'),
    newDisks: z.array(Size).max(6).optional().describe('sizes of new qcow2 disks created in the VM folder'),
    disks: z
      .array(z.strictObject({ path: HostPath, readonly: z.boolean().optional() }))
      .max(6)
      .optional()
      .describe('existing disk images (raw or qcow2) to attach'),
    nics: z
      .array(
        z.strictObject({
          mode: z.enum(['null', 'listen', 'connect', 'network']),
          socket: HostPath.optional(),
          network: z.string().min(1).max(63).optional().describe('the named network (mode "network")'),
          ip: Ipv4.optional().describe('a pinned address on the network'),
          mac: z.string().max(17).optional(),
        }),
      )
      .max(6)
      .optional()
      .describe('virtio-net cards: null, a UNIX socket shared with another VM, or a named network'),
    shares: z
      .array(
        z.strictObject({
          path: HostPath.describe('a folder on the host'),
          tag: z.string().min(1).max(31).describe('the name the guest mounts it by (mount -t 9p TAG DIR)'),
          readonly: z.boolean().optional(),
        }),
      )
      .max(8)
      .optional()
      .describe('host folders shared with the guest over virtio-9p'),
    autostart: z.boolean().optional(),
  })
  .refine((b) => !(b.image && b.kernel), { message: 'give "image" or "kernel", not both' })
  .register(apiSchemas, { id: 'CreateVm' });

export const EditBody = z
  .strictObject({
    memoryMiB: MemoryMiB.optional(),
    cpus: Cpus.optional(),
    cmdline: z.string().max(4096).optional(),
    autostart: z.boolean().optional(),
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
    cpus: z.int().optional(),
    memoryMiB: z.int().optional(),
    rssBytes: z.int().optional().describe('host memory of the VM process (resident set), while it runs'),
    pid: z.int().optional().describe('the VM process, while it runs'),
    startedAt: z.string().optional(),
    uptimeMs: z.number().optional(),
    diskBytes: z
      .int()
      .optional()
      .describe("host bytes allocated to the VM's disk files (what they use, not their size)"),
    error: z.string().optional().describe('set when the definition does not parse: the figures are missing'),
    suspended: z.boolean().optional().describe('stopped with its machine state saved: the next start resumes it'),
    nics: z
      .array(z.object({ mode: z.string(), network: z.string().optional(), mac: z.string().optional() }))
      .optional()
      .describe("the VM's network cards: their mode and the named network a card joins"),
    definition: z.record(z.string(), z.unknown()).optional().describe('the definition document (vm.json)'),
    disks: z
      .array(z.object({ path: z.string(), format: z.string(), readonly: z.boolean(), owned: z.boolean() }))
      .optional()
      .describe('with GET /api/vms/{name}: the disks, with absolute paths'),
  })
  .register(apiSchemas, { id: 'Vm' });

/** The host's memory and what the VMs take of it: the figures admission control works with. */
export const HostInfo = z
  .object({
    memory: z.object({
      totalBytes: z.int(),
      availableBytes: z.int().describe('memory the host can still give (MemAvailable)'),
      budgetBytes: z.int().describe('the guest RAM all running VMs may have together'),
      reserveBytes: z.int().describe('memory kept for the host'),
      usedBytes: z.int().describe("the running VMs' guest RAM (their definitions' memoryMiB)"),
      rule: z.string().describe('how the budget is set, in words'),
    }),
    imageCached: z.boolean().describe('the default Debian image is cached (else the first start downloads it)'),
  })
  .register(apiSchemas, { id: 'Host' });

/** A named network (typevisor net) and the VMs whose cards join it. */
export const NetworkList = z
  .object({
    networks: z.array(
      z.object({
        name: z.string(),
        mode: z.string().describe('nat, host-only or internal'),
        subnet: z.string(),
        gateway: z.string(),
        running: z.boolean().describe('its switch process runs'),
        error: z.string().optional().describe('set when its definition does not read'),
        vms: z.array(
          z.object({
            name: z.string(),
            mac: z.string(),
            ip: z.string().optional().describe('pinned, or leased by DHCP'),
          }),
        ),
        forwards: z
          .array(
            z.object({
              name: z.string(),
              proto: z.enum(['tcp', 'udp']),
              hostAddr: z.string(),
              hostPort: z.int(),
              vm: z.string().describe('the VM as the network names it (its host name)'),
              guestPort: z.int(),
              status: z.string().describe('listening, starting, switch stopped, or why the host port does not listen'),
            }),
          )
          .describe('port forwards: host ports to VM ports'),
      }),
    ),
  })
  .register(apiSchemas, { id: 'NetworkList' });

const SnapshotName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, ".", "_" and "-", at most 64')
  .describe('the snapshot name');

export const SnapshotParams = z.strictObject({ name: NameParams.shape.name, snapshot: SnapshotName });

export const CloneBody = z
  .strictObject({
    name: z.string().min(1).max(63).describe("the new VM's name"),
    snapshot: SnapshotName.optional().describe(
      "clone the disks as they were at this snapshot (else the VM's own; it must not run)",
    ),
    linked: z
      .boolean()
      .optional()
      .describe("qcow2 overlays on the snapshot's disks instead of copies (needs snapshot)"),
  })
  .register(apiSchemas, { id: 'CloneVm' });

export const SnapshotBody = z
  .strictObject({ name: SnapshotName, description: z.string().max(4096).optional() })
  .register(apiSchemas, { id: 'TakeSnapshot' });

export const Snapshot = z
  .object({
    name: z.string(),
    parent: z.string().nullable().describe('the snapshot this one was taken after (null: a root)'),
    description: z.string().optional(),
    createdAt: z.string(),
    withState: z.boolean().describe('holds the machine state (RAM): restoring resumes the guest where it was'),
    clones: z.array(z.string()).optional().describe('linked clones whose disks rest on this snapshot'),
  })
  .register(apiSchemas, { id: 'Snapshot' });

export const SnapshotTree = z
  .object({
    current: z.string().nullable().describe("the snapshot the VM's present state descends from (null: none)"),
    snapshots: z.array(Snapshot).describe('every snapshot; parent links make the tree'),
  })
  .register(apiSchemas, { id: 'SnapshotTree' });

export const NetworkParams = z.strictObject({ network: z.string().min(1).max(63).describe('the network name') });
export const ForwardParams = z.strictObject({
  network: NetworkParams.shape.network,
  forward: z.string().min(1).max(63).describe('the forward name'),
});

export const ForwardBody = z
  .strictObject({
    name: z.string().min(1).max(63).optional().describe('default PROTO-HOSTPORT'),
    proto: z.enum(['tcp', 'udp']).optional().describe('default tcp'),
    hostAddr: Ipv4.optional().describe('the host address to listen on, default 127.0.0.1'),
    hostPort: z.int().min(1).max(65535),
    vm: z.string().min(1).max(63).describe('the VM as the network names it (its host name)'),
    guestPort: z.int().min(1).max(65535),
  })
  .register(apiSchemas, { id: 'AddForward' });

export const ConsoleLogQuery = z.strictObject({
  bytes: z
    .string()
    .regex(/^\d{1,8}$/, 'a number of bytes')
    .optional()
    .describe('the newest bytes to return, at most 2097152 (default 262144)'),
});

export const AssetParams = z.strictObject({ file: z.string().min(1).max(64).describe("a file of the page's bundle") });

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
    z.object({ event: z.enum(['guest', 'log']), vm: z.string(), message: z.string(), at: z.string() }),
  ])
  .register(apiSchemas, { id: 'Event' });

const Count = z.number().nonnegative();
const Causes = z.array(z.object({ cause: z.int(), name: z.string(), count: Count }));

/** The VM's `stats` action (src/vmm/stats.ts): counts since its process started. */
export const VmStats = z
  .looseObject({
    wallMs: Count.describe('milliseconds since the VM process started the guest'),
    harts: z.int(),
    instructions: Count.describe('guest instructions retired, all harts'),
    instructionsByMode: z.object({ U: Count, S: Count }),
    msByMode: z.object({ U: Count, S: Count }).describe('host milliseconds spent running each guest mode'),
    hypervisorMs: Count.describe('host milliseconds in the SBI (hypercalls)'),
    translator: z
      .looseObject({ translatedInstructions: Count, interpretedInstructions: Count })
      .optional()
      .describe('the translating engines (absent with --engine interp); every JitStats field'),
    exceptions: Causes.describe('traps by exception cause'),
    interrupts: Causes.describe('interrupts by cause'),
    hypercalls: z.array(z.object({ name: z.string(), count: Count })).describe('SBI calls by "extension.function"'),
    mmioExits: z.array(z.object({ device: z.string(), count: Count })).describe('MMIO accesses by device'),
    disks: z
      .array(z.object({ device: z.string(), reads: Count, writes: Count, readBytes: Count, writtenBytes: Count }))
      .optional()
      .describe('each virtio disk'),
    nics: z
      .array(z.object({ device: z.string(), rxFrames: Count, txFrames: Count, rxBytes: Count, txBytes: Count }))
      .optional()
      .describe('each virtio network card (rx: to the guest)'),
  })
  .register(apiSchemas, { id: 'VmStats' });

/** What /api/vms/{name}/stats sends. */
export const StatsMessage = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('sample'), vm: z.string(), at: z.string(), stats: VmStats }),
    z.object({ type: z.literal('end'), vm: z.string(), message: z.string() }),
  ])
  .register(apiSchemas, { id: 'StatsMessage' });

/** The first issue of a failed parse as one line: `field: message`. */
export function issueMessage(error: z.ZodError): string {
  const i = error.issues[0];
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}${more}`;
}
