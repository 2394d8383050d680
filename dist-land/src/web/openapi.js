// The API's OpenAPI 3.1 document, made from the route table and the zod schemas (components from their registry).
import { z } from 'zod';
import { ROUTES } from './routes.js';
import { ApiError, apiSchemas } from './schemas.js';
const REF = (id) => `#/components/schemas/${id}`;
function strip(schema) {
    const { $schema: _s, $id: _i, ...rest } = schema;
    return rest;
}
/** A schema as the document writes it: a $ref when it is a component, inline otherwise. */
function schemaOf(schema, io) {
    const id = apiSchemas.get(schema)?.id;
    if (id)
        return { $ref: REF(id) };
    // Only parameters are inline: plain strings and enums, which reference no component.
    return strip(z.toJSONSchema(schema, { io, unrepresentable: 'any' }));
}
function parameters(route) {
    const out = [];
    for (const [where, obj] of [
        ['path', route.params],
        ['query', route.query],
    ]) {
        if (!obj)
            continue;
        for (const [name, field] of Object.entries(obj.shape)) {
            const f = field;
            out.push({
                name,
                in: where,
                required: where === 'path' || !f.safeParse(undefined).success,
                description: f.description,
                schema: schemaOf(f, 'input'),
            });
        }
    }
    return out;
}
function operation(id, route) {
    const responses = {};
    const all = {
        ...route.responses,
        401: { description: 'no token, or a wrong one', schema: ApiError },
        403: { description: 'the Host or Origin header names another site', schema: ApiError },
    };
    for (const [status, r] of Object.entries(all)) {
        const media = r.mediaType ?? 'application/json';
        responses[status] = {
            description: r.description,
            ...(r.schema
                ? { content: { [media]: { schema: schemaOf(r.schema, 'output') } } }
                : r.mediaType
                    ? { content: { [media]: { schema: { type: 'string' } } } }
                    : {}),
        };
    }
    const op = { operationId: id, summary: route.summary, responses };
    if (route.description)
        op.description = route.description;
    const params = parameters(route);
    if (params.length)
        op.parameters = params;
    if (route.body)
        op.requestBody = {
            required: !route.bodyOptional,
            content: { 'application/json': { schema: schemaOf(route.body, 'input') } },
        };
    if (route.websocket) {
        op.description = [
            'A WebSocket: send the GET as an upgrade request (`Connection: Upgrade`, `Upgrade: websocket`).',
            `Client to server: ${route.websocket.clientMessages}.`,
            `Server to client: ${route.websocket.serverMessages}.`,
        ].join('\n\n');
        op['x-websocket'] = route.websocket.schema ? { messages: schemaOf(route.websocket.schema, 'output') } : {};
    }
    return op;
}
/** `/api/vms/:name` as OpenAPI writes it: `/api/vms/{name}`. */
export function openApiPath(url) {
    return url.replace(/:([A-Za-z_]\w*)/g, '{$1}');
}
export function openApiDocument(serverUrl) {
    const paths = {};
    for (const [id, route] of Object.entries(ROUTES)) {
        const path = openApiPath(route.url);
        paths[path] ??= {};
        paths[path][route.method.toLowerCase()] = operation(id, route);
    }
    const components = z.toJSONSchema(apiSchemas, { uri: REF, io: 'output', unrepresentable: 'any' }).schemas;
    const schemas = {};
    for (const [id, s] of Object.entries(components))
        schemas[id] = strip(s);
    return {
        openapi: '3.1.0',
        info: {
            title: 'typevisor local API',
            version: '1',
            description: 'Create, start, drive and watch the VMs of one $TYPEVISOR_HOME. Every request needs the token of `typevisor serve`.',
        },
        ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
        security: [{ bearer: [] }, { cookie: [] }],
        paths,
        components: {
            schemas,
            securitySchemes: {
                bearer: {
                    type: 'http',
                    scheme: 'bearer',
                    description: 'the token in $TYPEVISOR_HOME/serve.token',
                },
                cookie: {
                    type: 'apiKey',
                    in: 'cookie',
                    name: 'typevisor-PORT',
                    description: "set by GET /?token=TOKEN; a cookie-authenticated request that changes state, and every WebSocket, must carry this server's Origin",
                },
            },
        },
    };
}
//# sourceMappingURL=openapi.js.map