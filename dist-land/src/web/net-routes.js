import { z } from 'zod';
import { BackendError } from './backend.js';
import { ApiError, apiSchemas, issueMessage, NetworkParams } from './schemas.js';
import { openCapture } from '../manager/net-capture.js';
import { addRule, deleteRule, listRules, moveRule, parseRuleWords, setPolicy, } from '../manager/networks.js';
import { RULE_ACTIONS, RULE_PROTOS, ruleText } from '../net/firewall.js';
const Action = z.enum(RULE_ACTIONS);
const RuleFields = {
    action: Action,
    proto: z.enum(RULE_PROTOS).describe('default any'),
    from: z.string().max(64).describe('any (the default), a VM name, an IPv4 address or a CIDR'),
    to: z.string().max(64).describe('any (the default), a VM name, an IPv4 address or a CIDR'),
    fromPorts: z.string().max(11).describe('a port or LOW-HIGH (tcp and udp only)'),
    toPorts: z.string().max(11).describe('a port or LOW-HIGH (tcp and udp only)'),
};
export const RuleView = z
    .object({
    id: z.int().describe('stays while the rule exists'),
    position: z.int().describe('1-based place in the list; rules are tried in this order'),
    action: Action,
    proto: RuleFields.proto,
    from: RuleFields.from,
    to: RuleFields.to,
    fromPorts: RuleFields.fromPorts.optional(),
    toPorts: RuleFields.toPorts.optional(),
    text: z.string().describe('the rule in the words `typevisor net rule add` takes'),
    packets: z.int().describe('packets this rule decided since the switch started'),
    bytes: z.int(),
})
    .register(apiSchemas, { id: 'Rule' });
export const RuleList = z
    .object({
    network: z.string(),
    policy: Action.describe('what happens to frames no rule matches'),
    policyHits: z.object({ packets: z.int(), bytes: z.int() }).describe("the default policy's counter"),
    running: z.boolean().describe('whether the switch runs (counters are zero while it does not)'),
    tracked: z.int().describe('connections tracked now'),
    rules: z.array(RuleView),
})
    .register(apiSchemas, { id: 'RuleList' });
export const AddRuleBody = z
    .strictObject({
    text: z
        .string()
        .max(512)
        .optional()
        .describe('the rule in words, e.g. "deny icmp from vm1 to vm2" (instead of the fields)'),
    action: Action.optional().describe('needed unless text is given'),
    proto: RuleFields.proto.optional(),
    from: RuleFields.from.optional(),
    to: RuleFields.to.optional(),
    fromPorts: RuleFields.fromPorts.optional(),
    toPorts: RuleFields.toPorts.optional(),
    position: z.int().min(1).optional().describe('1 = first; default last'),
})
    .register(apiSchemas, { id: 'AddRule' });
export const MoveRuleBody = z
    .strictObject({ position: z.int().min(1).describe('the new 1-based place') })
    .register(apiSchemas, { id: 'MoveRule' });
export const PolicyBody = z.strictObject({ policy: Action }).register(apiSchemas, { id: 'SetPolicy' });
export const RuleParams = z.strictObject({
    network: NetworkParams.shape.network,
    id: z
        .string()
        .regex(/^\d{1,7}$/, 'a rule id')
        .describe('the rule id'),
});
export const CaptureQuery = z.strictObject({
    vm: z.string().min(1).max(63).optional().describe("only this VM's frames"),
    count: z
        .string()
        .regex(/^\d{1,9}$/, 'a whole number')
        .optional()
        .describe('end after this many frames'),
    seconds: z
        .string()
        .regex(/^\d{1,6}$/, 'a whole number')
        .optional()
        .describe('end after this many seconds'),
});
const BAD = {
    description: 'a rule or value that does not parse (the message says why)',
    schema: ApiError,
};
const NO_NETWORK = { description: 'no network (or rule) of that name', schema: ApiError };
export const NET_ROUTES = {
    listRules: {
        method: 'GET',
        url: '/api/networks/:network/rules',
        summary: "A network's firewall: its rules in order with their hit counters, and the default policy",
        params: NetworkParams,
        responses: { 200: { description: 'the rules', schema: RuleList }, 404: NO_NETWORK },
    },
    addRule: {
        method: 'POST',
        url: '/api/networks/:network/rules',
        summary: 'Add a firewall rule (in words or as fields) at a position, the end by default; it acts at once',
        params: NetworkParams,
        body: AddRuleBody,
        responses: { 201: { description: 'the rules, with the new one', schema: RuleList }, 400: BAD, 404: NO_NETWORK },
    },
    setPolicy: {
        method: 'PATCH',
        url: '/api/networks/:network/rules',
        summary: 'Set the default policy: what happens to frames no rule matches',
        params: NetworkParams,
        body: PolicyBody,
        responses: { 200: { description: 'the rules', schema: RuleList }, 400: BAD, 404: NO_NETWORK },
    },
    moveRule: {
        method: 'POST',
        url: '/api/networks/:network/rules/:id/move',
        summary: 'Move a firewall rule to another place in the list',
        params: RuleParams,
        body: MoveRuleBody,
        responses: { 200: { description: 'the rules', schema: RuleList }, 400: BAD, 404: NO_NETWORK },
    },
    deleteRule: {
        method: 'DELETE',
        url: '/api/networks/:network/rules/:id',
        summary: 'Remove a firewall rule by id',
        params: RuleParams,
        responses: { 200: { description: 'the rules left', schema: RuleList }, 400: BAD, 404: NO_NETWORK },
    },
    capture: {
        method: 'GET',
        url: '/api/networks/:network/capture',
        summary: "A live capture of the network's frames as a pcapng stream; frames the firewall dropped carry a packet comment",
        description: 'The body streams until `count` frames, `seconds`, or the client closes the connection. Starting a capture starts the switch.',
        params: NetworkParams,
        query: CaptureQuery,
        responses: {
            200: {
                description: 'pcapng: a section header, an Ethernet interface, a block per frame',
                mediaType: 'application/x-pcapng',
            },
            400: BAD,
            404: NO_NETWORK,
        },
    },
};
function parse(schema, value) {
    const r = schema.safeParse(value);
    if (!r.success)
        throw new BackendError('bad-input', issueMessage(r.error));
    return r.data;
}
function view(l) {
    return { ...l, rules: l.rules.map((r) => ({ ...r, text: ruleText(r) })) };
}
/** A rule from the body: its words, or its fields checked by the same parser. */
function ruleOf(b) {
    if (b.text !== undefined) {
        if (b.action !== undefined)
            throw new BackendError('bad-input', 'give the rule as text or as fields, not both');
        return parseRuleWords([b.text]);
    }
    if (b.action === undefined)
        throw new BackendError('bad-input', 'a rule needs "action" (or "text")');
    const words = [b.action, b.proto ?? 'any'];
    if (b.from !== undefined || b.fromPorts !== undefined)
        words.push('from', b.from ?? 'any', ...(b.fromPorts !== undefined ? ['port', b.fromPorts] : []));
    if (b.to !== undefined || b.toPorts !== undefined)
        words.push('to', b.to ?? 'any', ...(b.toPorts !== undefined ? ['port', b.toPorts] : []));
    // Fields that hold spaces would read as more words: refused rather than reinterpreted.
    if (words.some((w) => /\s/.test(w) || w === ''))
        throw new BackendError('bad-input', 'bad rule: a field is empty or holds spaces');
    return parseRuleWords(words);
}
/** The handlers of NET_ROUTES on the networks under `home()` (the manager's home). */
export function netHandlers(home) {
    const network = (req) => parse(NetworkParams, req.params).network;
    const rule = (req) => {
        const p = parse(RuleParams, req.params);
        return { network: p.network, id: Number(p.id) };
    };
    return {
        listRules: async (req) => view(await listRules(home(), network(req))),
        addRule: async (req, reply) => {
            const n = network(req);
            const body = parse(AddRuleBody, req.body);
            await addRule(home(), n, ruleOf(body), body.position);
            return reply.code(201).send(view(await listRules(home(), n)));
        },
        setPolicy: async (req) => {
            const n = network(req);
            await setPolicy(home(), n, parse(PolicyBody, req.body).policy);
            return view(await listRules(home(), n));
        },
        moveRule: async (req) => {
            const r = rule(req);
            await moveRule(home(), r.network, r.id, parse(MoveRuleBody, req.body).position);
            return view(await listRules(home(), r.network));
        },
        deleteRule: async (req) => {
            const r = rule(req);
            await deleteRule(home(), r.network, r.id);
            return view(await listRules(home(), r.network));
        },
        capture: async (req, reply) => {
            const n = network(req);
            const q = parse(CaptureQuery, req.query);
            const cap = await openCapture(home(), n, {
                vm: q.vm?.toLowerCase(),
                count: q.count === undefined ? undefined : Number(q.count),
            });
            const timer = q.seconds === undefined ? undefined : setTimeout(cap.stop, Number(q.seconds) * 1000);
            // The client going away ends the capture (and frees the switch's control slot).
            reply.raw.on('close', () => {
                clearTimeout(timer);
                cap.stop();
            });
            void cap.done.then(() => clearTimeout(timer));
            return reply
                .type('application/x-pcapng')
                .header('content-disposition', `attachment; filename="${n}.pcapng"`)
                .send(cap.stream);
        },
    };
}
//# sourceMappingURL=net-routes.js.map