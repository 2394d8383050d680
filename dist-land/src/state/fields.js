// Field lists: one list per component names its saved fields and drives save, restore (with type checks) and comparison.
/** A saved state or file that does not fit: a one-line message naming the component and field. */
export class StateError extends Error {
    name = 'StateError';
}
const isI32 = (v) => typeof v === 'number' && Number.isInteger(v) && v >= -0x8000_0000 && v <= 0xffff_ffff;
/** Why `v` is not a valid value of `kind`, or undefined when it is. */
function kindError(kind, v) {
    if (kind === 'i32')
        return isI32(v) ? undefined : 'a 32-bit integer';
    if (kind === 'int')
        return typeof v === 'number' && Number.isSafeInteger(v) ? undefined : 'a whole number';
    if (kind === 'bool')
        return typeof v === 'boolean' ? undefined : 'true or false';
    return Array.isArray(v) && v.length === kind.i32s && v.every(isI32) ? undefined : `${kind.i32s} 32-bit integers`;
}
/** The fields' values as a plain object (JSON). */
export function saveFields(fields, o) {
    const out = {};
    for (const f of fields)
        out[f.name] = f.get(o);
    return out;
}
/** Checks every field of `saved` before any is set, so a bad state changes nothing; then sets them in list order. */
export function restoreFields(fields, o, saved, what) {
    checkFields(fields, saved, what);
    const s = saved;
    for (const f of fields)
        f.set(o, s[f.name]);
}
/** Throws a StateError unless `saved` holds a valid value for every field. */
export function checkFields(fields, saved, what) {
    if (typeof saved !== 'object' || saved === null)
        throw new StateError(`${what}: the saved state is not an object`);
    const s = saved;
    for (const f of fields) {
        const why = kindError(f.kind, s[f.name]) ?? f.check?.(s[f.name]);
        if (why !== undefined)
            throw new StateError(`${what}: field ${f.name} must be ${why}`);
    }
}
/** The fields that differ between two objects, as "name: a b" lines (empty when equal). */
export function compareFields(fields, a, b, what) {
    const out = [];
    for (const f of fields) {
        const x = f.get(a), y = f.get(b);
        if (Array.isArray(x) && Array.isArray(y)) {
            const i = x.findIndex((v, j) => v !== y[j]);
            if (i >= 0)
                out.push(`${what} ${f.name}[${i}]: ${x[i]} ${y[i]}`);
        }
        else if (x !== y)
            out.push(`${what} ${f.name}: ${String(x)} ${String(y)}`);
    }
    return out;
}
/** A plain numeric property saved as it is. */
export function numberField(name, kind = 'i32') {
    return {
        name,
        kind,
        get: (o) => o[name],
        set: (o, v) => (o[name] = v),
    };
}
export function boolField(name) {
    return {
        name,
        kind: 'bool',
        get: (o) => o[name],
        set: (o, v) => (o[name] = v),
    };
}
/** A typed array property, saved as its values and restored in place. */
export function arrayField(name, length) {
    return {
        name,
        kind: { i32s: length },
        get: (o) => Array.from(o[name]),
        set: (o, v) => o[name].set(v),
    };
}
//# sourceMappingURL=fields.js.map