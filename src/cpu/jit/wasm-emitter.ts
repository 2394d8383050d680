// A small WebAssembly binary emitter: byte buffers with LEB128, function bodies with opcode helpers, and module assembly.

export const I32 = 0x7f;
export const I64 = 0x7e;
export const F64 = 0x7c;
/** Block type for blocks that leave nothing on the stack. */
export const VOID = 0x40;

/** Opcodes used by the translator (names follow the WebAssembly text format). */
export const Op = {
  unreachable: 0x00,
  nop: 0x01,
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  br_if: 0x0d,
  br_table: 0x0e,
  return: 0x0f,
  call: 0x10,
  call_indirect: 0x11,
  return_call: 0x12,
  return_call_indirect: 0x13,
  drop: 0x1a,
  select: 0x1b,
  local_get: 0x20,
  local_set: 0x21,
  local_tee: 0x22,
  global_get: 0x23,
  global_set: 0x24,
  i32_load: 0x28,
  i64_load: 0x29,
  i32_load8_s: 0x2c,
  i32_load8_u: 0x2d,
  i32_load16_s: 0x2e,
  i32_load16_u: 0x2f,
  i64_load8_s: 0x30,
  i64_load8_u: 0x31,
  i64_load16_s: 0x32,
  i64_load16_u: 0x33,
  i64_load32_s: 0x34,
  i64_load32_u: 0x35,
  i32_store: 0x36,
  i64_store: 0x37,
  i32_store8: 0x3a,
  i32_store16: 0x3b,
  i64_store8: 0x3c,
  i64_store16: 0x3d,
  i64_store32: 0x3e,
  i32_const: 0x41,
  i64_const: 0x42,
  i32_eqz: 0x45,
  i32_eq: 0x46,
  i32_ne: 0x47,
  i32_lt_s: 0x48,
  i32_lt_u: 0x49,
  i32_gt_s: 0x4a,
  i32_gt_u: 0x4b,
  i32_le_s: 0x4c,
  i32_le_u: 0x4d,
  i32_ge_s: 0x4e,
  i32_ge_u: 0x4f,
  i64_eqz: 0x50,
  i64_eq: 0x51,
  i64_ne: 0x52,
  i64_lt_s: 0x53,
  i64_lt_u: 0x54,
  i64_gt_s: 0x55,
  i64_gt_u: 0x56,
  i64_le_s: 0x57,
  i64_le_u: 0x58,
  i64_ge_s: 0x59,
  i64_ge_u: 0x5a,
  i32_add: 0x6a,
  i32_sub: 0x6b,
  i32_mul: 0x6c,
  i32_div_s: 0x6d,
  i32_div_u: 0x6e,
  i32_rem_s: 0x6f,
  i32_rem_u: 0x70,
  i32_and: 0x71,
  i32_or: 0x72,
  i32_xor: 0x73,
  i32_shl: 0x74,
  i32_shr_s: 0x75,
  i32_shr_u: 0x76,
  i64_add: 0x7c,
  i64_sub: 0x7d,
  i64_mul: 0x7e,
  i64_div_s: 0x7f,
  i64_div_u: 0x80,
  i64_rem_s: 0x81,
  i64_rem_u: 0x82,
  i64_and: 0x83,
  i64_or: 0x84,
  i64_xor: 0x85,
  i64_shl: 0x86,
  i64_shr_s: 0x87,
  i64_shr_u: 0x88,
  i32_wrap_i64: 0xa7,
  i64_extend_i32_s: 0xac,
  i64_extend_i32_u: 0xad,
} as const;

/** A growable byte buffer with the LEB128 encodings WebAssembly uses. */
export class ByteWriter {
  private buf: Uint8Array<ArrayBuffer> = new Uint8Array(256);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  byte(b: number): this {
    if (this.length === this.buf.length) this.reserve(1);
    this.buf[this.length++] = b & 0xff;
    return this;
  }
  bytes(bs: ArrayLike<number>): this {
    for (let i = 0; i < bs.length; i++) this.byte(bs[i]);
    return this;
  }
  u32(v: number): this {
    let x = v >>> 0;
    do {
      let b = x & 0x7f;
      x >>>= 7;
      if (x !== 0) b |= 0x80;
      this.byte(b);
    } while (x !== 0);
    return this;
  }
  /** Signed LEB128 of a 32-bit integer. */
  s32(v: number): this {
    let x = v | 0;
    for (;;) {
      const b = x & 0x7f;
      x >>= 7;
      if ((x === 0 && (b & 0x40) === 0) || (x === -1 && (b & 0x40) !== 0)) {
        this.byte(b);
        return this;
      }
      this.byte(b | 0x80);
    }
  }
  /** Signed LEB128 of a 64-bit integer given as (lo, hi) int32 halves. */
  s64(lo: number, hi: number): this {
    let l = lo >>> 0,
      h = hi | 0;
    for (;;) {
      const b = l & 0x7f;
      // Arithmetic shift of the 64-bit pair right by 7.
      l = ((l >>> 7) | (h << 25)) >>> 0;
      h >>= 7;
      const done = (h === 0 && l === 0 && (b & 0x40) === 0) || (h === -1 && l === 0xffffffff && (b & 0x40) !== 0);
      if (done) {
        this.byte(b);
        return this;
      }
      this.byte(b | 0x80);
    }
  }
  name(s: string): this {
    const enc = new TextEncoder().encode(s);
    return this.u32(enc.length).bytes(enc);
  }
  /** A length-prefixed copy of another writer's bytes. */
  sized(w: ByteWriter): this {
    this.u32(w.length);
    this.reserve(w.length);
    this.buf.set(w.buf.subarray(0, w.length), this.length);
    this.length += w.length;
    return this;
  }
  /** Appends another writer's bytes (no length prefix). */
  append(w: ByteWriter): this {
    this.reserve(w.length);
    this.buf.set(w.buf.subarray(0, w.length), this.length);
    this.length += w.length;
    return this;
  }
  result(): Uint8Array<ArrayBuffer> {
    return this.buf.slice(0, this.length);
  }
}

/** The body of one function: locals plus an instruction stream. */
export class FunctionBody extends ByteWriter {
  private readonly localTypes: number[] = [];
  constructor(readonly paramCount: number) {
    super();
  }
  /** Declares a local and returns its index. */
  local(type: number): number {
    this.localTypes.push(type);
    return this.paramCount + this.localTypes.length - 1;
  }
  op(code: number): this {
    return this.byte(code);
  }
  i32c(v: number): this {
    return this.byte(Op.i32_const).s32(v);
  }
  i64c(lo: number, hi: number = lo >> 31): this {
    return this.byte(Op.i64_const).s64(lo, hi);
  }
  get(i: number): this {
    return this.byte(Op.local_get).u32(i);
  }
  set(i: number): this {
    return this.byte(Op.local_set).u32(i);
  }
  tee(i: number): this {
    return this.byte(Op.local_tee).u32(i);
  }
  /** An atomic memory access (threads proposal, prefix 0xfe): `log2Align` must be the access's natural alignment. */
  atomic(code: number, log2Align: number, offset: number): this {
    return this.byte(0xfe).u32(code).u32(log2Align).u32(offset);
  }
  /** atomic.fence: a sequentially consistent barrier (mfence on x86). */
  atomicFence(): this {
    return this.byte(0xfe).u32(0x03).byte(0x00);
  }
  /** A memory access with natural-alignment hint 0 (no alignment promise) and a constant offset. */
  mem(code: number, offset: number): this {
    return this.byte(code).u32(0).u32(offset);
  }
  br(depth: number): this {
    return this.byte(Op.br).u32(depth);
  }
  brIf(depth: number): this {
    return this.byte(Op.br_if).u32(depth);
  }
  call(fn: number): this {
    return this.byte(Op.call).u32(fn);
  }
  /** Tail call (the WebAssembly tail-call extension, on by default in Node 20). */
  returnCall(fn: number): this {
    return this.byte(Op.return_call).u32(fn);
  }
  /** call_indirect through a table (default 0) with the given type index. */
  callIndirect(type: number, table = 0): this {
    return this.byte(Op.call_indirect).u32(type).u32(table);
  }
  /** Tail call through a table (the tail-call extension). */
  returnCallIndirect(type: number, table = 0): this {
    return this.byte(Op.return_call_indirect).u32(type).u32(table);
  }
  gget(i: number): this {
    return this.byte(Op.global_get).u32(i);
  }
  gset(i: number): this {
    return this.byte(Op.global_set).u32(i);
  }
  block(type: number = VOID): this {
    return this.byte(Op.block).byte(type);
  }
  loop(type: number = VOID): this {
    return this.byte(Op.loop).byte(type);
  }
  if_(type: number = VOID): this {
    return this.byte(Op.if).byte(type);
  }
  else_(): this {
    return this.byte(Op.else);
  }
  end(): this {
    return this.byte(Op.end);
  }
  brTable(targets: ArrayLike<number>, fallback: number): this {
    this.byte(Op.br_table).u32(targets.length);
    for (let i = 0; i < targets.length; i++) this.u32(targets[i]);
    return this.u32(fallback);
  }
  /** The encoded function (locals grouped in runs of one type), ready for the code section. */
  encode(): ByteWriter {
    const w = new ByteWriter();
    const runs: [number, number][] = [];
    for (const t of this.localTypes) {
      const last = runs[runs.length - 1];
      if (last && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    w.u32(runs.length);
    for (const [n, t] of runs) w.u32(n).byte(t);
    w.append(this);
    w.byte(Op.end);
    return w;
  }
}

interface FuncType {
  params: number[];
  results: number[];
}

/** Pages of a 4 GiB wasm32 memory: the maximum every module declares for the imported (shared) guest memory. */
const WASM32_MAX_PAGES = 0x10000;

/** Atomic opcodes after the 0xfe prefix. */
export const AtomicOp = {
  i32_load: 0x10,
  i64_load: 0x11,
  i32_rmw_cmpxchg: 0x48,
  i64_rmw_cmpxchg: 0x49,
} as const;

/** Assembles a module: one imported memory, imported functions, defined functions and exports. */
export class ModuleBuilder {
  private readonly types: FuncType[] = [];
  private readonly imports: { module: string; name: string; type: number }[] = [];
  private readonly funcs: { type: number; body: FunctionBody }[] = [];
  /** Exports: kind 0x00 a function, 0x03 a global. */
  private readonly exports: { name: string; kind: number; index: number }[] = [];
  private memoryImport: { module: string; name: string; minPages: number; shared: boolean } | null = null;
  private readonly globals: { type: number; mutable: boolean }[] = [];
  private table: { size: number; segments: { offset: number; elements: number[] }[] } | null = null;
  private tableImport: { module: string; name: string; minSize: number } | null = null;

  /** Imports a funcref table; it becomes table 0, and a table declared with setTable becomes table 1. */
  importTable(module: string, name: string, minSize: number): void {
    this.tableImport = { module, name, minSize };
  }

  /** Declares a global initialised to zero; returns its index. */
  addGlobal(type: number, mutable = true): number {
    this.globals.push({ type, mutable });
    return this.globals.length - 1;
  }

  /** Declares table 0 (funcref) of `size` entries, null except for the segments (runs of function indexes at an offset). */
  setSparseTable(size: number, segments: { offset: number; elements: number[] }[]): void {
    this.table = { size, segments };
  }

  typeIndex(params: number[], results: number[]): number {
    const i = this.types.findIndex((t) => t.params.join() === params.join() && t.results.join() === results.join());
    if (i >= 0) return i;
    this.types.push({ params, results });
    return this.types.length - 1;
  }

  /**
   * Imports the linear memory (e.g. GuestMemory.memory); `minPages` must not exceed its current size, and `shared`
   * must say whether it is a shared memory (the import's type must match).
   */
  importMemory(module: string, name: string, shared = false, minPages = 1): void {
    this.memoryImport = { module, name, minPages, shared };
  }

  /** Imports a host function; returns its function index. All imports must be declared before any function. */
  importFunction(module: string, name: string, params: number[], results: number[]): number {
    if (this.funcs.length > 0) throw new Error('imports must come before defined functions');
    this.imports.push({ module, name, type: this.typeIndex(params, results) });
    return this.imports.length - 1;
  }

  /** Declares a function; returns its index and the body to fill. */
  addFunction(params: number[], results: number[]): { index: number; body: FunctionBody } {
    const body = new FunctionBody(params.length);
    this.funcs.push({ type: this.typeIndex(params, results), body });
    return { index: this.imports.length + this.funcs.length - 1, body };
  }

  exportFunction(name: string, func: number): void {
    this.exports.push({ name, kind: 0x00, index: func });
  }

  /** Function names for the custom "name" section (profilers such as perf then show them instead of indexes). */
  readonly functionNames = new Map<number, string>();

  exportTable(name: string, table: number): void {
    this.exports.push({ name, kind: 0x01, index: table });
  }

  build(): Uint8Array<ArrayBuffer> {
    const out = new ByteWriter().bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    const section = (id: number, w: ByteWriter): void => {
      out.byte(id).sized(w);
    };

    const types = new ByteWriter().u32(this.types.length);
    for (const t of this.types) {
      types.byte(0x60).u32(t.params.length).bytes(t.params).u32(t.results.length).bytes(t.results);
    }
    section(1, types);

    const imports = new ByteWriter().u32(
      this.imports.length + (this.memoryImport ? 1 : 0) + (this.tableImport ? 1 : 0),
    );
    if (this.memoryImport) {
      imports.name(this.memoryImport.module).name(this.memoryImport.name).byte(0x02);
      // A shared memory's type needs a maximum; 4 GiB accepts any.
      if (this.memoryImport.shared) imports.byte(0x03).u32(this.memoryImport.minPages).u32(WASM32_MAX_PAGES);
      else imports.byte(0x00).u32(this.memoryImport.minPages);
    }
    if (this.tableImport) {
      imports
        .name(this.tableImport.module)
        .name(this.tableImport.name)
        .byte(0x01)
        .byte(0x70)
        .byte(0x00)
        .u32(this.tableImport.minSize);
    }
    for (const im of this.imports) imports.name(im.module).name(im.name).byte(0x00).u32(im.type);
    section(2, imports);

    const funcs = new ByteWriter().u32(this.funcs.length);
    for (const f of this.funcs) funcs.u32(f.type);
    section(3, funcs);

    if (this.table) {
      const t = new ByteWriter().u32(1).byte(0x70).byte(0x00).u32(this.table.size);
      section(4, t);
    }

    if (this.globals.length > 0) {
      const g = new ByteWriter().u32(this.globals.length);
      for (const gl of this.globals) {
        g.byte(gl.type).byte(gl.mutable ? 1 : 0);
        if (gl.type === I64) g.byte(Op.i64_const).s64(0, 0);
        else g.byte(Op.i32_const).s32(0);
        g.byte(Op.end);
      }
      section(6, g);
    }

    const exports = new ByteWriter().u32(this.exports.length);
    for (const e of this.exports) exports.name(e.name).byte(e.kind).u32(e.index);
    section(7, exports);

    if (this.table) {
      const el = new ByteWriter().u32(this.table.segments.length);
      for (const seg of this.table.segments) {
        // Flags 0: table 0 with funcref elements; flags 2: an explicit table index and element kind.
        if (this.tableImport) el.u32(2).u32(1).byte(Op.i32_const).s32(seg.offset).byte(Op.end).byte(0x00);
        else el.byte(0x00).byte(Op.i32_const).s32(seg.offset).byte(Op.end);
        el.u32(seg.elements.length);
        for (const f of seg.elements) el.u32(f);
      }
      section(9, el);
    }

    const code = new ByteWriter().u32(this.funcs.length);
    for (const f of this.funcs) code.sized(f.body.encode());
    section(10, code);

    if (this.functionNames.size > 0) {
      const names = new ByteWriter().u32(this.functionNames.size);
      for (const [index, name] of [...this.functionNames].sort((a, b) => a[0] - b[0])) names.u32(index).name(name);
      section(0, new ByteWriter().name('name').byte(1).sized(names));
    }
    return out.result();
  }
}
