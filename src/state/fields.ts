// Field lists: one list per component names its saved fields and drives save, restore (with type checks) and comparison.

/** A saved value: a number (integers of up to 53 bits, or 32-bit register halves), a flag or a fixed-length array. */
export type FieldValue = number | boolean | number[];

export type FieldKind =
  /** A 32-bit register half, signed or unsigned. */
  | 'i32'
  /** A whole number up to 2^53 (counters, offsets). */
  | 'int'
  | 'bool'
  /** A fixed number of 32-bit values. */
  | { i32s: number };

export interface Field<T> {
  name: string;
  kind: FieldKind;
  get(o: T): FieldValue;
  set(o: T, v: FieldValue): void;
  /** Further checks of a value of the right kind: why it is not valid, or undefined. */
  check?(v: FieldValue): string | undefined;
}

/** A saved state or file that does not fit: a one-line message naming the component and field. */
export class StateError extends Error {
  override name = 'StateError';
}

const isI32 = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= -0x8000_0000 && v <= 0xffff_ffff;

/** Why `v` is not a valid value of `kind`, or undefined when it is. */
function kindError(kind: FieldKind, v: unknown): string | undefined {
  if (kind === 'i32') return isI32(v) ? undefined : 'a 32-bit integer';
  if (kind === 'int') return typeof v === 'number' && Number.isSafeInteger(v) ? undefined : 'a whole number';
  if (kind === 'bool') return typeof v === 'boolean' ? undefined : 'true or false';
  return Array.isArray(v) && v.length === kind.i32s && v.every(isI32) ? undefined : `${kind.i32s} 32-bit integers`;
}

/** The fields' values as a plain object (JSON). */
export function saveFields<T>(fields: readonly Field<T>[], o: T): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const f of fields) out[f.name] = f.get(o);
  return out;
}

/** Checks every field of `saved` before any is set, so a bad state changes nothing; then sets them in list order. */
export function restoreFields<T>(fields: readonly Field<T>[], o: T, saved: unknown, what: string): void {
  checkFields(fields, saved, what);
  const s = saved as Record<string, FieldValue>;
  for (const f of fields) f.set(o, s[f.name]);
}

/** Throws a StateError unless `saved` holds a valid value for every field. */
export function checkFields<T>(fields: readonly Field<T>[], saved: unknown, what: string): void {
  if (typeof saved !== 'object' || saved === null) throw new StateError(`${what}: the saved state is not an object`);
  const s = saved as Record<string, unknown>;
  for (const f of fields) {
    const why = kindError(f.kind, s[f.name]) ?? f.check?.(s[f.name] as FieldValue);
    if (why !== undefined) throw new StateError(`${what}: field ${f.name} must be ${why}`);
  }
}

/** The fields that differ between two objects, as "name: a b" lines (empty when equal). */
export function compareFields<T>(fields: readonly Field<T>[], a: T, b: T, what: string): string[] {
  const out: string[] = [];
  for (const f of fields) {
    const x = f.get(a),
      y = f.get(b);
    if (Array.isArray(x) && Array.isArray(y)) {
      const i = x.findIndex((v, j) => v !== y[j]);
      if (i >= 0) out.push(`${what} ${f.name}[${i}]: ${x[i]} ${y[i]}`);
    } else if (x !== y) out.push(`${what} ${f.name}: ${String(x)} ${String(y)}`);
  }
  return out;
}

type KeysOf<T, V> = { [K in keyof T]: T[K] extends V ? K : never }[keyof T] & string;

/** A plain numeric property saved as it is. */
export function numberField<T>(name: KeysOf<T, number>, kind: 'i32' | 'int' = 'i32'): Field<T> {
  return {
    name,
    kind,
    get: (o) => o[name] as number,
    set: (o, v) => ((o as Record<string, unknown>)[name] = v),
  };
}

export function boolField<T>(name: KeysOf<T, boolean>): Field<T> {
  return {
    name,
    kind: 'bool',
    get: (o) => o[name] as boolean,
    set: (o, v) => ((o as Record<string, unknown>)[name] = v),
  };
}

/** A typed array property, saved as its values and restored in place. */
export function arrayField<T>(name: KeysOf<T, Int32Array>, length: number): Field<T> {
  return {
    name,
    kind: { i32s: length },
    get: (o) => Array.from(o[name] as Int32Array),
    set: (o, v) => (o[name] as Int32Array).set(v as number[]),
  };
}
