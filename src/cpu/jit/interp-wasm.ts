// A baseline interpreter in WebAssembly for cold code: the common integer instructions, with soft-TLB loads and stores.
//
// Code below the translation threshold (most of a Debian boot's kernel code runs between 100 K and 3 M times per page,
// where compiling a page module does not pay) used to run in the TypeScript interpreter at about 20 ns per instruction:
// TurboFan compiles its one large function with 64-bit registers split into int32 halves and many spills. This module
// is emitted once per hart and interprets RV64I, M, A (with LR/SC: the reservation is in the hart block) and C with
// registers as i64 in the hart block, fetching through the fetch TLB (both pages of an instruction that straddles
// two). Anything else (system instructions, CSRs, floating point, TLB misses, misaligned or page-crossing loads and
// stores) it leaves to the TypeScript interpreter, one instruction at a time, before it has any effect: it never traps
// or changes privileged state itself, so the TypeScript interpreter stays the reference for every precise trap.
//
// One br_table dispatches each instruction to a handler specialised for its opcode and funct3 (32-bit encodings) or its
// quadrant and funct3 (compressed ones, decoded directly, with no expansion table): one indirect branch per
// instruction. The compressed FP loads and stores and the reserved encodings go to TypeScript like their 32-bit forms.
import { isShared } from '../../memory/guest-memory.js';
import { HS_PC, HS_RESERVATION, HS_RESERVATION_VAL, HS_X, TLB_ENTRIES } from '../../memory/layout.js';
import { AtomicOp, FunctionBody, I32, I64, ModuleBuilder, Op } from './wasm-emitter.js';
import { FENCE_W_TO_R } from '../constants.js';
import { COMPRESSED_FORMS } from '../isa/compressed.js';
import { ISA_TABLE } from '../isa/table.js';

/**
 * interp(limit, stopAtJump, loadTlb, storeTlb, fetchTlb (byte offsets)) -> retired << 1 | needsTypeScript, with pc read
 * from and written to HS_PC. needsTypeScript: the instruction at pc is one this interpreter leaves to the TypeScript one.
 * With stopAtJump, it stops after the first taken branch or jump, like Hart.interpret with hart.stopAtJump.
 */
export type WasmInterpreter = (
  limit: number,
  stopAtJump: number,
  loadTlb: number,
  storeTlb: number,
  fetchTlb: number,
) => number;

/** Structured-control helper: names blocks so branches can say where they go rather than how deep it is. */
class Labels {
  private readonly stack: string[] = [];
  constructor(private readonly b: FunctionBody) {}
  block(name: string): void {
    this.b.block();
    this.stack.push(name);
  }
  loop(name: string): void {
    this.b.loop();
    this.stack.push(name);
  }
  if_(): void {
    this.b.if_();
    this.stack.push('');
  }
  else_(): void {
    this.b.else_();
  }
  end(): void {
    this.b.end();
    this.stack.pop();
  }
  depth(name: string): number {
    const i = this.stack.lastIndexOf(name);
    if (i < 0) throw new Error(`no label ${name}`);
    return this.stack.length - 1 - i;
  }
  br(name: string): void {
    this.b.br(this.depth(name));
  }
  brIf(name: string): void {
    this.b.brIf(this.depth(name));
  }
  /**
   * A br_table over `cases` (value -> case name, others to `fallback`) on the value `selector` pushes: emits one nested
   * block per case and calls `body(name)` at each one's end, innermost first; each body must branch away.
   */
  switch_(
    count: number,
    cases: Map<number, string>,
    fallback: string,
    selector: () => void,
    body: (name: string) => void,
  ): void {
    const names = [...new Set(cases.values())];
    for (let i = names.length - 1; i >= 0; i--) this.block(`case:${names[i]}`);
    selector();
    const targets: number[] = [];
    for (let v = 0; v < count; v++) {
      const c = cases.get(v);
      targets.push(c === undefined ? this.depth(fallback) : this.depth(`case:${c}`));
    }
    this.b.brTable(targets, this.depth(fallback));
    for (const name of names) {
      this.end();
      body(name);
    }
  }
}

const PAGE_MASK = -4096;
/** Selector values: 32-bit encodings are opcode[6:2] << 3 | funct3; compressed ones RVC_SEL + (quadrant << 3 | funct3). */
const RVC_SEL = 256;
const SEL_COUNT = RVC_SEL + 24;

/** Handler names by selector value; values without one go to TypeScript. */
function handlerMap(): Map<number, string> {
  const map = new Map<number, string>();
  const op = (op5: number, f3s: (string | null)[]): void =>
    f3s.forEach((name, f3) => {
      if (name !== null) map.set((op5 << 3) | f3, name);
    });
  const all = (name: string): string[] => new Array<string>(8).fill(name);
  op(0, ['lb', 'lh', 'lw', 'ld', 'lbu', 'lhu', 'lwu', null]);
  op(3, ['fence']);
  op(4, ['addi', 'slli', 'slti', 'sltiu', 'xori', 'sri', 'ori', 'andi']);
  op(5, all('auipc'));
  op(6, ['addiw', 'slliw', null, null, null, 'sriw']);
  op(8, ['sb', 'sh', 'sw', 'sd']);
  op(11, [null, null, 'amow', 'amod']);
  op(12, ['op0', 'op1', 'op2', 'op3', 'op4', 'op5', 'op6', 'op7']);
  op(13, all('lui'));
  op(14, ['opw0', 'opw1', null, null, 'opw4', 'opw5', 'opw6', 'opw7']);
  op(24, ['beq', 'bne', null, null, 'blt', 'bge', 'bltu', 'bgeu']);
  op(25, ['jalr']);
  op(27, all('jal'));
  // null: C.FLD, C.FSD, C.FLDSP, C.FSDSP and the reserved funct3 4 of quadrant 0
  const rvc = (quadrant: number, names: (string | null)[]): void =>
    names.forEach((name, f3) => {
      if (name !== null) map.set(RVC_SEL + ((quadrant << 3) | f3), name);
    });
  rvc(0, ['c.addi4spn', null, 'c.lw', 'c.ld', null, null, 'c.sw', 'c.sd']);
  rvc(1, ['c.addi', 'c.addiw', 'c.li', 'c.lui', 'c.alu', 'c.j', 'c.beqz', 'c.bnez']);
  rvc(2, ['c.slli', null, 'c.lwsp', 'c.ldsp', 'c.cr', null, 'c.swsp', 'c.sdsp']);
  checkAgainstTable(map);
  return map;
}

/**
 * The selectors the ISA table says this interpreter runs: those of the rows marked `wasm` (every funct3 for rows without
 * one) and the compressed slots with a form expanding to such a row. The handler map must have exactly these; each
 * handler hands the encodings of its slot that no `wasm` row covers to TypeScript (test/isa-table.test.ts checks that).
 */
function checkAgainstTable(map: Map<number, string>): void {
  const want = new Set<number>();
  for (const e of ISA_TABLE) {
    if (!e.wasm) continue;
    const op5 = (e.match & 0x7f) >>> 2;
    const f3s = e.mask & 0x7000 ? [(e.match >>> 12) & 7] : [0, 1, 2, 3, 4, 5, 6, 7];
    for (const f3 of f3s) want.add((op5 << 3) | f3);
  }
  for (const f of COMPRESSED_FORMS) if (f.expands.wasm) want.add(RVC_SEL + (((f.match & 3) << 3) | (f.match >>> 13)));
  const missing = [...want].filter((s) => !map.has(s));
  const extra = [...map.keys()].filter((s) => !want.has(s));
  if (missing.length || extra.length)
    throw new Error(
      `WebAssembly interpreter dispatch disagrees with the ISA table: missing ${missing}, extra ${extra}`,
    );
}

const LOADS: Record<string, [number, number]> = {
  // name -> [size, wasm load op]
  lb: [1, Op.i64_load8_s],
  lh: [2, Op.i64_load16_s],
  lw: [4, Op.i64_load32_s],
  ld: [8, Op.i64_load],
  lbu: [1, Op.i64_load8_u],
  lhu: [2, Op.i64_load16_u],
  lwu: [4, Op.i64_load32_u],
};
const STORES: Record<string, [number, number]> = {
  sb: [1, Op.i64_store8],
  sh: [2, Op.i64_store16],
  sw: [4, Op.i64_store32],
  sd: [8, Op.i64_store],
};
const BRANCHES: Record<string, number> = {
  beq: Op.i64_eq,
  bne: Op.i64_ne,
  blt: Op.i64_lt_s,
  bge: Op.i64_ge_s,
  bltu: Op.i64_lt_u,
  bgeu: Op.i64_ge_u,
};
const IMM_OPS: Record<string, number> = { addi: Op.i64_add, xori: Op.i64_xor, ori: Op.i64_or, andi: Op.i64_and };
/** AMO funct5 -> operation (LR and SC are emitted apart: they use the reservation). */
const AMO_OPS = new Map<number, string>([
  [0x00, 'add'],
  [0x01, 'swap'],
  [0x04, 'xor'],
  [0x08, 'or'],
  [0x0c, 'and'],
  [0x10, 'min'],
  [0x14, 'max'],
  [0x18, 'minu'],
  [0x1c, 'maxu'],
]);

/** Emits and compiles the interpreter for the hart whose state block starts at `hartBase`. */
export function buildWasmInterpreter(memory: WebAssembly.Memory, hartBase: number): WasmInterpreter {
  const m = new ModuleBuilder();
  m.importMemory('e', 'mem', isShared(memory));
  const { index, body } = m.addFunction([I32, I32, I32, I32, I32], [I32]);
  new InterpreterEmitter(body, hartBase).emit();
  m.exportFunction('interp', index);
  const inst = new WebAssembly.Instance(new WebAssembly.Module(m.build()), { e: { mem: memory } });
  return inst.exports.interp as WasmInterpreter;
}

const P_LIMIT = 0,
  P_STOP_AT_JUMP = 1,
  P_LTLB = 2,
  P_STLB = 3,
  P_FTLB = 4;

/** The interpreter function's body: the fetch loop, the dispatch, and one handler per selector name. */
class InterpreterEmitter {
  private readonly L: Labels;
  /** Byte address of x0: registers are read and written at X + 8 * r. */
  private readonly X: number;
  private readonly n: number;
  private readonly insn: number;
  private readonly fbase: number;
  private readonly off: number;
  private readonly sel: number;
  private readonly e: number;
  private readonly host: number;
  private readonly pc: number;
  private readonly npc: number;
  private readonly ftag: number;
  private readonly addr: number;
  private readonly v: number;
  private readonly w: number;
  private readonly u: number;
  private readonly ti: number;

  constructor(
    private readonly b: FunctionBody,
    private readonly hartBase: number,
  ) {
    this.L = new Labels(b);
    this.X = hartBase + HS_X;
    this.n = b.local(I32);
    this.insn = b.local(I32);
    this.fbase = b.local(I32);
    this.off = b.local(I32);
    this.sel = b.local(I32);
    this.e = b.local(I32);
    this.host = b.local(I32);
    this.ti = b.local(I32);
    this.pc = b.local(I64);
    this.npc = b.local(I64);
    this.ftag = b.local(I64);
    this.addr = b.local(I64);
    this.v = b.local(I64);
    this.w = b.local(I64);
    this.u = b.local(I64);
  }

  // ---- operand helpers: a register's byte offset (0..0xf8) is pushed, then loaded from or stored at X ----

  /** insn[hi:lo] as an i32 (logical). */
  private field(shift: number, mask: number): void {
    this.b.get(this.insn).i32c(shift).op(Op.i32_shr_u).i32c(mask).op(Op.i32_and);
  }
  private rdOff(): void {
    this.field(4, 0xf8);
  }
  private rs1Off(): void {
    this.field(12, 0xf8);
  }
  private rs2Off(): void {
    this.field(17, 0xf8);
  }
  /** Compressed 3-bit register fields (x8..x15) at bits 9:7 and 4:2, and the full 5-bit one at bits 6:2. */
  private cHiOff(): void {
    this.field(4, 0x38);
    this.b.i32c(0x40).op(Op.i32_or);
  }
  private cLoOff(): void {
    this.b.get(this.insn).i32c(1).op(Op.i32_shl).i32c(0x38).op(Op.i32_and).i32c(0x40).op(Op.i32_or);
  }
  private cRs2Off(): void {
    this.b.get(this.insn).i32c(1).op(Op.i32_shl).i32c(0xf8).op(Op.i32_and);
  }
  private load(reg: () => void): void {
    reg();
    this.b.mem(Op.i64_load, this.X);
  }
  /** x[reg] = value, then on to the next instruction; `mayBeX0`: reg may be x0, which must then read as zero again. */
  private write(reg: () => void, value: () => void, mayBeX0 = true): void {
    reg();
    value();
    this.b.mem(Op.i64_store, this.X);
    if (mayBeX0) this.b.i32c(0).i64c(0).mem(Op.i64_store, this.X);
    this.L.br('done');
  }
  /** Sign-extends the i32 on the stack to i64. */
  private sext(): void {
    this.b.op(Op.i64_extend_i32_s);
  }
  private immI(): void {
    this.b.get(this.insn).i32c(20).op(Op.i32_shr_s);
  }
  private immI64(): void {
    this.immI();
    this.sext();
  }
  /** The condition on the stack sends the instruction to TypeScript. */
  private needIf(): void {
    this.L.brIf('needts');
  }
  /** Leaves the i32 `a >>> shift & mask` (a: the instruction, bits moved to their place in an immediate) on the stack. */
  private bits(shift: number, mask: number): void {
    const b = this.b;
    b.get(this.insn);
    if (shift > 0) b.i32c(shift).op(Op.i32_shr_u);
    else if (shift < 0) b.i32c(-shift).op(Op.i32_shl);
    b.i32c(mask).op(Op.i32_and);
  }
  /** ORs the pieces [shift, mask] of the instruction together (an immediate scattered over its bits). */
  private gather(pieces: [number, number][]): void {
    pieces.forEach(([shift, mask], i) => {
      this.bits(shift, mask);
      if (i > 0) this.b.op(Op.i32_or);
    });
  }
  /** Sign-extends the i32 on the stack from bit `bit` (its top bit). */
  private signFrom(bit: number): void {
    this.b
      .i32c(31 - bit)
      .op(Op.i32_shl)
      .i32c(31 - bit)
      .op(Op.i32_shr_s);
  }

  /**
   * Soft-TLB lookup of `addr` for an access of `size` bytes in the table whose byte offset is param `table`: the host
   * offset goes to `host`; a miss or a misaligned address goes to TypeScript (which walks, or emulates the access).
   */
  private tlb(table: number, size: number): void {
    const b = this.b;
    b.get(table)
      .get(this.addr)
      .op(Op.i32_wrap_i64)
      .i32c(8)
      .op(Op.i32_shr_u)
      .i32c((TLB_ENTRIES - 1) << 4)
      .op(Op.i32_and)
      .op(Op.i32_add)
      .tee(this.e);
    b.mem(Op.i64_load, 0).get(this.addr).i64c(PAGE_MASK).op(Op.i64_and).op(Op.i64_ne);
    this.needIf();
    if (size > 1) {
      b.get(this.addr)
        .op(Op.i32_wrap_i64)
        .i32c(size - 1)
        .op(Op.i32_and);
      this.needIf();
    }
    b.get(this.e)
      .mem(Op.i32_load, 8)
      .get(this.addr)
      .op(Op.i32_wrap_i64)
      .i32c(4095)
      .op(Op.i32_and)
      .op(Op.i32_add)
      .set(this.host);
  }
  /** rd = memory[addr] (`addr` set), through the load TLB. */
  private loadTo(rd: () => void, name: string, mayBeX0 = true): void {
    const [size, code] = LOADS[name];
    this.tlb(P_LTLB, size);
    this.write(rd, () => this.b.get(this.host).mem(code, 0), mayBeX0);
  }
  /** memory[addr] = x[src] (`addr` set), through the store TLB. */
  private storeFrom(src: () => void, name: string): void {
    const [size, code] = STORES[name];
    this.tlb(P_STLB, size);
    this.b.get(this.host);
    this.load(src);
    this.b.mem(code, 0);
    this.L.br('done');
  }
  /** addr = x[base] + the i32 immediate `imm` pushes (sign-extended). */
  private effAddr(base: () => void, imm: () => void): void {
    this.load(base);
    imm();
    this.sext();
    this.b.op(Op.i64_add).set(this.addr);
  }
  /** Taken when the i32 condition on the stack holds: npc = pc + the i32 offset `imm` pushes. */
  private branchIf(imm: () => void): void {
    const b = this.b;
    this.L.if_();
    b.get(this.pc);
    imm();
    this.sext();
    b.op(Op.i64_add).set(this.npc);
    this.stopIfAsked();
    this.L.end();
    this.L.br('done');
  }
  /**
   * A jump to the i64 target `target` pushes, linking into `link` (pc of the next instruction) unless it is null;
   * `linkMayBeX0` as write's mayBeX0.
   */
  private jump(link: (() => void) | null, target: () => void, linkMayBeX0 = true): void {
    const b = this.b;
    target();
    b.set(this.w);
    if (link !== null) {
      link();
      b.get(this.npc).mem(Op.i64_store, this.X);
      if (linkMayBeX0) b.i32c(0).i64c(0).mem(Op.i64_store, this.X);
    }
    b.get(this.w).set(this.npc);
    this.stopIfAsked();
    this.L.br('done');
  }
  /** After a taken branch or jump (npc set): with stopAtJump, retire it and return. */
  private stopIfAsked(): void {
    const b = this.b;
    b.get(P_STOP_AT_JUMP);
    this.L.if_();
    b.get(this.npc).set(this.pc);
    b.get(this.n).i32c(1).op(Op.i32_add).set(this.n);
    this.L.br('exit');
    this.L.end();
  }

  emit(): void {
    const b = this.b,
      L = this.L;
    b.i32c(0)
      .mem(Op.i64_load, this.hartBase + HS_PC)
      .set(this.pc);
    b.i64c(1).set(this.ftag); // no page tag has bit 0 set
    L.block('exit');
    L.block('needts');
    L.loop('top');
    b.get(this.n).get(P_LIMIT).op(Op.i32_ge_u);
    L.brIf('exit');
    this.emitFetch();
    L.block('done');
    L.switch_(
      SEL_COUNT,
      handlerMap(),
      'needts',
      () => b.get(this.sel),
      (name) => this.emitHandler(name),
    );
    L.end(); // done
    b.get(this.npc).set(this.pc);
    b.get(this.n).i32c(1).op(Op.i32_add).set(this.n);
    L.br('top');
    L.end(); // top
    L.end(); // needts
    b.i32c(0)
      .get(this.pc)
      .mem(Op.i64_store, this.hartBase + HS_PC);
    b.get(this.n).i32c(1).op(Op.i32_shl).i32c(1).op(Op.i32_or).op(Op.return);
    L.end(); // exit
    b.i32c(0)
      .get(this.pc)
      .mem(Op.i64_store, this.hartBase + HS_PC);
    b.get(this.n).i32c(1).op(Op.i32_shl);
  }

  /** insn, npc and the selector of the instruction at pc; the page's host offset is cached while pc stays on it. */
  private emitFetch(): void {
    const b = this.b,
      L = this.L;
    b.get(this.pc).i64c(PAGE_MASK).op(Op.i64_and).get(this.ftag).op(Op.i64_ne);
    L.if_();
    b.get(P_FTLB)
      .get(this.pc)
      .op(Op.i32_wrap_i64)
      .i32c(8)
      .op(Op.i32_shr_u)
      .i32c((TLB_ENTRIES - 1) << 4)
      .op(Op.i32_and)
      .op(Op.i32_add)
      .tee(this.e);
    b.mem(Op.i64_load, 0).get(this.pc).i64c(PAGE_MASK).op(Op.i64_and).op(Op.i64_ne);
    this.needIf();
    b.get(this.e).mem(Op.i32_load, 8).set(this.fbase);
    b.get(this.pc).i64c(PAGE_MASK).op(Op.i64_and).set(this.ftag);
    L.end();
    b.get(this.pc).op(Op.i32_wrap_i64).i32c(4095).op(Op.i32_and).set(this.off);
    b.get(this.fbase).get(this.off).op(Op.i32_add).mem(Op.i32_load16_u, 0).tee(this.insn);
    b.i32c(3).op(Op.i32_and).i32c(3).op(Op.i32_ne);
    L.if_();
    // compressed: RVC_SEL + (quadrant << 3 | funct3)
    b.get(this.insn)
      .i32c(3)
      .op(Op.i32_and)
      .i32c(3)
      .op(Op.i32_shl)
      .get(this.insn)
      .i32c(13)
      .op(Op.i32_shr_u)
      .op(Op.i32_or);
    b.i32c(RVC_SEL).op(Op.i32_add).set(this.sel);
    b.get(this.pc).i64c(2).op(Op.i64_add).set(this.npc);
    L.else_();
    b.get(this.off).i32c(4094).op(Op.i32_eq);
    L.if_();
    // The second half is on the next page: its host page from the fetch TLB (a miss goes to TypeScript, which walks).
    b.get(this.pc).i64c(2).op(Op.i64_add).set(this.addr);
    b.get(P_FTLB)
      .get(this.addr)
      .op(Op.i32_wrap_i64)
      .i32c(8)
      .op(Op.i32_shr_u)
      .i32c((TLB_ENTRIES - 1) << 4)
      .op(Op.i32_and)
      .op(Op.i32_add)
      .tee(this.e);
    b.mem(Op.i64_load, 0).get(this.addr).i64c(PAGE_MASK).op(Op.i64_and).op(Op.i64_ne);
    this.needIf();
    b.get(this.insn)
      .get(this.e)
      .mem(Op.i32_load, 8)
      .mem(Op.i32_load16_u, 0)
      .i32c(16)
      .op(Op.i32_shl)
      .op(Op.i32_or)
      .set(this.insn);
    L.else_();
    b.get(this.fbase).get(this.off).op(Op.i32_add).mem(Op.i32_load, 0).set(this.insn);
    L.end();
    this.sel32();
    b.get(this.pc).i64c(4).op(Op.i64_add).set(this.npc);
    L.end();
  }

  /** sel = opcode[6:2] << 3 | funct3 of the 32-bit instruction in insn. */
  private sel32(): void {
    this.b.get(this.insn).i32c(1).op(Op.i32_shl).i32c(0xf8).op(Op.i32_and);
    this.field(12, 7);
    this.b.op(Op.i32_or).set(this.sel);
  }

  private emitHandler(name: string): void {
    const b = this.b;
    if (name in LOADS) {
      this.effAddr(
        () => this.rs1Off(),
        () => this.immI(),
      );
      this.loadTo(() => this.rdOff(), name);
      return;
    }
    if (name in STORES) {
      this.effAddr(
        () => this.rs1Off(),
        () => {
          b.get(this.insn).i32c(25).op(Op.i32_shr_s).i32c(5).op(Op.i32_shl);
          this.field(7, 31);
          b.op(Op.i32_or);
        },
      );
      this.storeFrom(() => this.rs2Off(), name);
      return;
    }
    if (name in BRANCHES) {
      this.load(() => this.rs1Off());
      this.load(() => this.rs2Off());
      b.op(BRANCHES[name]);
      // imm = sign(31) << 12 | insn[7] << 11 | insn[30:25] << 5 | insn[11:8] << 1
      this.branchIf(() => {
        b.get(this.insn).i32c(31).op(Op.i32_shr_s).i32c(12).op(Op.i32_shl);
        this.bits(-4, 0x800);
        b.op(Op.i32_or);
        this.bits(20, 0x7e0);
        b.op(Op.i32_or);
        this.bits(7, 0x1e);
        b.op(Op.i32_or);
      });
      return;
    }
    if (name in IMM_OPS) {
      this.write(
        () => this.rdOff(),
        () => {
          this.load(() => this.rs1Off());
          this.immI64();
          b.op(IMM_OPS[name]);
        },
      );
      return;
    }
    if (name.startsWith('c.')) {
      this.emitCompressed(name);
      return;
    }
    switch (name) {
      case 'slti':
      case 'sltiu':
        this.write(
          () => this.rdOff(),
          () => {
            this.load(() => this.rs1Off());
            this.immI64();
            b.op(name === 'slti' ? Op.i64_lt_s : Op.i64_lt_u).op(Op.i64_extend_i32_u);
          },
        );
        return;
      case 'slli': // funct6 must be 0
        this.field(26, 63);
        this.needIf();
        this.write(
          () => this.rdOff(),
          () => {
            this.load(() => this.rs1Off());
            this.immI64();
            b.op(Op.i64_shl);
          },
        );
        return;
      case 'sri': {
        // funct6 0: logical, 0x10: arithmetic
        this.field(26, 63);
        b.tee(this.ti);
        this.L.if_();
        b.get(this.ti).i32c(0x10).op(Op.i32_ne);
        this.needIf();
        this.write(
          () => this.rdOff(),
          () => {
            this.load(() => this.rs1Off());
            this.immI64();
            b.op(Op.i64_shr_s);
          },
        );
        this.L.end();
        this.write(
          () => this.rdOff(),
          () => {
            this.load(() => this.rs1Off());
            this.immI64();
            b.op(Op.i64_shr_u);
          },
        );
        return;
      }
      case 'addiw':
        this.write(
          () => this.rdOff(),
          () => {
            this.a32();
            this.immI();
            b.op(Op.i32_add);
            this.sext();
          },
        );
        return;
      case 'slliw':
        this.field(25, 127);
        this.needIf();
        this.write(
          () => this.rdOff(),
          () => {
            this.a32();
            this.immI();
            b.op(Op.i32_shl);
            this.sext();
          },
        );
        return;
      case 'sriw':
        this.field(25, 127);
        b.tee(this.ti);
        this.L.if_();
        b.get(this.ti).i32c(0x20).op(Op.i32_ne);
        this.needIf();
        this.write(
          () => this.rdOff(),
          () => {
            this.a32();
            this.immI();
            b.op(Op.i32_shr_s);
            this.sext();
          },
        );
        this.L.end();
        this.write(
          () => this.rdOff(),
          () => {
            this.a32();
            this.immI();
            b.op(Op.i32_shr_u);
            this.sext();
          },
        );
        return;
      case 'lui':
        this.write(
          () => this.rdOff(),
          () => {
            b.get(this.insn).i32c(PAGE_MASK).op(Op.i32_and);
            this.sext();
          },
        );
        return;
      case 'auipc':
        this.write(
          () => this.rdOff(),
          () => {
            b.get(this.pc).get(this.insn).i32c(PAGE_MASK).op(Op.i32_and);
            this.sext();
            b.op(Op.i64_add);
          },
        );
        return;
      case 'jal':
        // imm = sign(31) << 20 | insn[19:12] << 12 | insn[20] << 11 | insn[30:21] << 1
        this.jump(
          () => this.rdOff(),
          () => {
            b.get(this.pc);
            b.get(this.insn).i32c(31).op(Op.i32_shr_s).i32c(20).op(Op.i32_shl);
            this.bits(0, 0xff000);
            b.op(Op.i32_or);
            this.bits(9, 0x800);
            b.op(Op.i32_or);
            this.bits(20, 0x7fe);
            b.op(Op.i32_or);
            this.sext();
            b.op(Op.i64_add);
          },
        );
        return;
      case 'jalr':
        this.jump(
          () => this.rdOff(),
          () => {
            this.load(() => this.rs1Off());
            this.immI64();
            b.op(Op.i64_add).i64c(-2).op(Op.i64_and);
          },
        );
        return;
      case 'fence':
        // FENCE.I goes to TypeScript; a FENCE that orders earlier writes before later reads is a host barrier.
        b.get(this.insn).i32c(FENCE_W_TO_R).op(Op.i32_and).i32c(FENCE_W_TO_R).op(Op.i32_eq);
        this.L.if_();
        b.atomicFence();
        this.L.end();
        this.L.br('done');
        return;
      case 'amow':
      case 'amod':
        this.emitAmo(name === 'amod');
        return;
      default:
        if (name.startsWith('opw')) this.emitOp32(Number(name.slice(3)));
        else if (name.startsWith('op')) this.emitOp(Number(name.slice(2)));
        else throw new Error(`interp-wasm: handler ${name}`);
    }
  }

  /** The low 32 bits of x[rs1] and x[rs2]. */
  private a32(): void {
    this.load(() => this.rs1Off());
    this.b.op(Op.i32_wrap_i64);
  }
  private b32(): void {
    this.load(() => this.rs2Off());
    this.b.op(Op.i32_wrap_i64);
  }

  /**
   * OP with funct3 `f3`: the base instruction (funct7 0, or 0x20 for SUB and SRA) or the M instruction (funct7 1);
   * other funct7 values go to TypeScript.
   */
  private emitOp(f3: number): void {
    const b = this.b;
    const binary = (code: number, flag: boolean): void =>
      this.write(
        () => this.rdOff(),
        () => {
          this.load(() => this.rs1Off());
          this.load(() => this.rs2Off());
          b.op(code);
          if (flag) b.op(Op.i64_extend_i32_u);
        },
      );
    const base = [Op.i64_add, Op.i64_shl, Op.i64_lt_s, Op.i64_lt_u, Op.i64_xor, Op.i64_shr_u, Op.i64_or, Op.i64_and][
      f3
    ];
    const alt = f3 === 0 ? Op.i64_sub : f3 === 5 ? Op.i64_shr_s : -1;
    this.byFunct7(
      () => binary(base, f3 === 2 || f3 === 3),
      alt < 0 ? null : () => binary(alt, false),
      () => this.emitMul64(f3),
    );
  }

  /** Dispatches on funct7: 0 to `base`, 0x20 to `alt`, 1 to `m` (each null when there is none), others to TypeScript. */
  private byFunct7(base: (() => void) | null, alt: (() => void) | null, m: (() => void) | null): void {
    const b = this.b,
      L = this.L;
    this.field(25, 127);
    b.set(this.ti);
    const arm = (value: number, emit: (() => void) | null): void => {
      if (emit === null) return;
      b.get(this.ti).i32c(value).op(Op.i32_eq);
      L.if_();
      emit();
      L.end();
    };
    arm(0, base);
    arm(0x20, alt);
    arm(1, m);
    L.br('needts');
  }

  /** M extension on 64 bits, funct3 `f3`: MUL, MULH, MULHSU, MULHU, DIV, DIVU, REM, REMU (RISC-V results for x/0 and overflow). */
  private emitMul64(f3: number): void {
    const b = this.b,
      L = this.L,
      a = this.v,
      d = this.u;
    const rd = (): void => this.rdOff();
    this.load(() => this.rs1Off());
    b.set(a);
    this.load(() => this.rs2Off());
    b.set(d);
    if (f3 === 0) {
      this.write(rd, () => b.get(a).get(d).op(Op.i64_mul));
      return;
    }
    if (f3 <= 3) {
      // high 64 bits of the unsigned product, from 32-bit halves; then the signed corrections
      const lo = (x: number): void => {
        b.get(x).i64c(-1, 0).op(Op.i64_and);
      };
      const hi = (x: number): void => {
        b.get(x).i64c(32).op(Op.i64_shr_u);
      };
      hi(a);
      lo(d);
      b.op(Op.i64_mul);
      lo(a);
      lo(d);
      b.op(Op.i64_mul).i64c(32).op(Op.i64_shr_u).op(Op.i64_add).set(this.w);
      lo(a);
      hi(d);
      b.op(Op.i64_mul);
      b.get(this.w).i64c(-1, 0).op(Op.i64_and).op(Op.i64_add).set(this.addr);
      this.write(rd, () => {
        hi(a);
        hi(d);
        b.op(Op.i64_mul);
        b.get(this.w).i64c(32).op(Op.i64_shr_u).op(Op.i64_add);
        b.get(this.addr).i64c(32).op(Op.i64_shr_u).op(Op.i64_add);
        if (f3 === 1 || f3 === 2) {
          b.get(a).i64c(63).op(Op.i64_shr_s).get(d).op(Op.i64_and).op(Op.i64_sub);
        } // rs1 signed
        if (f3 === 1) {
          b.get(d).i64c(63).op(Op.i64_shr_s).get(a).op(Op.i64_and).op(Op.i64_sub);
        } // rs2 signed
      });
      return;
    }
    b.get(d).op(Op.i64_eqz);
    L.if_(); // by zero: quotient all ones, remainder the dividend
    this.write(rd, () => {
      if (f3 >= 6) b.get(a);
      else b.i64c(-1);
    });
    L.end();
    if (f3 === 4) {
      // DIV: MIN / -1 overflows to MIN, which -a gives; div_s would trap
      b.get(d).i64c(-1).op(Op.i64_eq);
      L.if_();
      this.write(rd, () => b.i64c(0).get(a).op(Op.i64_sub));
      L.end();
    }
    // REM: wasm's rem_s gives 0 for MIN % -1, as RISC-V does
    this.write(rd, () =>
      b
        .get(a)
        .get(d)
        .op([Op.i64_div_s, Op.i64_div_u, Op.i64_rem_s, Op.i64_rem_u][f3 - 4]),
    );
  }

  /** OP-32 with funct3 `f3` (0, 1, 4-7): ADDW, SUBW, SLLW, SRLW, SRAW and MULW, DIV[U]W, REM[U]W, sign-extended. */
  private emitOp32(f3: number): void {
    const b = this.b,
      L = this.L;
    const w = (emit: () => void): void =>
      this.write(
        () => this.rdOff(),
        () => {
          emit();
          this.sext();
        },
      );
    const binary =
      (code: number): (() => void) =>
      () =>
        w(() => {
          this.a32();
          this.b32();
          b.op(code);
        });
    const base = f3 === 0 ? Op.i32_add : f3 === 1 ? Op.i32_shl : f3 === 5 ? Op.i32_shr_u : -1;
    const alt = f3 === 0 ? Op.i32_sub : f3 === 5 ? Op.i32_shr_s : -1;
    const m =
      f3 === 0
        ? binary(Op.i32_mul)
        : f3 === 1
          ? null
          : () => {
              // DIVW, DIVUW, REMW, REMUW on the low 32 bits: dividend in e, divisor in host
              const x = this.e,
                y = this.host;
              this.a32();
              b.set(x);
              this.b32();
              b.tee(y).op(Op.i32_eqz);
              L.if_();
              w(() => {
                if (f3 >= 6) b.get(x);
                else b.i32c(-1);
              });
              L.end();
              if (f3 === 4) {
                b.get(y).i32c(-1).op(Op.i32_eq);
                L.if_();
                w(() => b.i32c(0).get(x).op(Op.i32_sub));
                L.end();
              }
              w(() =>
                b
                  .get(x)
                  .get(y)
                  .op([Op.i32_div_s, Op.i32_div_u, Op.i32_rem_s, Op.i32_rem_u][f3 - 4]),
              );
            };
    this.byFunct7(base < 0 ? null : binary(base), alt < 0 ? null : binary(alt), m);
  }

  /**
   * LR, SC and AMO*.W / AMO*.D on an aligned address the TLB maps (the store TLB, but the load TLB for LR), as the
   * TypeScript interpreter does them; misaligned addresses, TLB misses and unknown funct5 go to TypeScript.
   */
  private emitAmo(wide: boolean): void {
    const b = this.b,
      L = this.L,
      size = wide ? 8 : 4;
    this.load(() => this.rs1Off());
    b.set(this.addr);
    const f5 = (): void => this.field(27, 31);
    f5();
    b.i32c(2).op(Op.i32_eq);
    L.if_();
    this.emitLr(wide);
    L.end();
    f5();
    b.i32c(3).op(Op.i32_eq);
    L.if_();
    this.emitSc(wide);
    L.end();
    this.tlb(P_STLB, size);
    this.load(() => this.rs2Off());
    if (!wide) b.op(Op.i32_wrap_i64).op(Op.i64_extend_i32_s); // .W compares 32-bit values
    b.set(this.u);
    b.get(this.host)
      .mem(wide ? Op.i64_load : Op.i64_load32_s, 0)
      .set(this.w);
    const ops = new Map<number, string>();
    for (const [f5, op] of AMO_OPS) ops.set(f5, op);
    L.block('amo:store');
    L.switch_(
      32,
      ops,
      'needts',
      () => this.field(27, 31),
      (op) => {
        const t = this.w,
          u = this.u;
        switch (op) {
          case 'swap':
            b.get(u);
            break;
          case 'add':
            b.get(t).get(u).op(Op.i64_add);
            break;
          case 'xor':
            b.get(t).get(u).op(Op.i64_xor);
            break;
          case 'and':
            b.get(t).get(u).op(Op.i64_and);
            break;
          case 'or':
            b.get(t).get(u).op(Op.i64_or);
            break;
          default: {
            // select(old, operand, pick old)
            const cmp = { min: Op.i64_lt_s, max: Op.i64_gt_s, minu: Op.i64_lt_u, maxu: Op.i64_gt_u }[op]!;
            b.get(t).get(u).get(t).get(u).op(cmp).op(Op.select);
          }
        }
        b.set(this.v);
        L.br('amo:store');
      },
    );
    L.end();
    // The store is a compare-and-swap against the value read: another hart's write in between makes it fail, and the
    // TypeScript interpreter then performs the whole AMO in its atomic retry loop.
    b.get(this.host);
    if (wide) {
      b.get(this.w).get(this.v).atomic(AtomicOp.i64_rmw_cmpxchg, 3, 0).get(this.w).op(Op.i64_ne);
    } else {
      b.get(this.w).op(Op.i32_wrap_i64).get(this.v).op(Op.i32_wrap_i64).atomic(AtomicOp.i32_rmw_cmpxchg, 2, 0);
      b.get(this.w).op(Op.i32_wrap_i64).op(Op.i32_ne);
    }
    this.needIf();
    this.write(
      () => this.rdOff(),
      () => b.get(this.w),
    );
  }

  /** LR: rd = memory[addr] (rs2 must be 0), and the reservation is that word's host offset. */
  private emitLr(wide: boolean): void {
    const b = this.b;
    this.field(20, 31);
    this.needIf(); // rs2 != 0 is illegal: TypeScript raises it
    this.tlb(P_LTLB, wide ? 8 : 4);
    b.i32c(0)
      .get(this.host)
      .mem(Op.i32_store, this.hartBase + HS_RESERVATION);
    b.get(this.host);
    if (wide) b.atomic(AtomicOp.i64_load, 3, 0);
    else b.atomic(AtomicOp.i32_load, 2, 0).op(Op.i64_extend_i32_s);
    b.set(this.w);
    b.i32c(0)
      .get(this.w)
      .mem(Op.i64_store, this.hartBase + HS_RESERVATION_VAL);
    this.write(
      () => this.rdOff(),
      () => b.get(this.w),
    );
  }

  /** SC: stores x[rs2] and writes 0 to rd when the reservation is this word's, else writes 1; the reservation ends. */
  private emitSc(wide: boolean): void {
    const b = this.b,
      L = this.L,
      size = wide ? 8 : 4;
    const reservation = this.hartBase + HS_RESERVATION;
    b.get(this.addr)
      .op(Op.i32_wrap_i64)
      .i32c(size - 1)
      .op(Op.i32_and);
    this.needIf(); // misaligned: TypeScript raises
    b.i32c(0).mem(Op.i32_load, reservation).i32c(-1).op(Op.i32_eq);
    L.if_(); // no reservation (-1: host offsets above 2^31 are negative as i32): fails without touching memory, as the TypeScript interpreter does
    this.write(
      () => this.rdOff(),
      () => b.i64c(1),
    );
    L.end();
    this.tlb(P_STLB, size);
    b.get(this.host).i32c(0).mem(Op.i32_load, reservation).op(Op.i32_eq);
    L.if_();
    // Compare-and-swap against the value LR read: it fails if another hart wrote the word since.
    const val = this.hartBase + HS_RESERVATION_VAL;
    b.get(this.host);
    if (wide) {
      b.i32c(0).mem(Op.i64_load, val);
      this.load(() => this.rs2Off());
      b.atomic(AtomicOp.i64_rmw_cmpxchg, 3, 0).i32c(0).mem(Op.i64_load, val).op(Op.i64_eq);
    } else {
      b.i32c(0).mem(Op.i32_load, val);
      this.load(() => this.rs2Off());
      b.op(Op.i32_wrap_i64).atomic(AtomicOp.i32_rmw_cmpxchg, 2, 0).i32c(0).mem(Op.i32_load, val).op(Op.i32_eq);
    }
    b.i32c(0).i32c(-1).mem(Op.i32_store, reservation);
    L.if_();
    this.write(
      () => this.rdOff(),
      () => b.i64c(0),
    );
    L.end();
    L.end();
    b.i32c(0).i32c(-1).mem(Op.i32_store, reservation);
    this.write(
      () => this.rdOff(),
      () => b.i64c(1),
    );
  }

  /**
   * The compressed forms, decoded directly (RISC-V unprivileged spec, chapter "C"). Their reserved variants and C.EBREAK
   * go to TypeScript, which expands them through its table and raises the exception. Hints (rd = x0) run as the
   * instructions they expand to.
   */
  private emitCompressed(name: string): void {
    const b = this.b,
      L = this.L;
    const rdFull = (): void => this.rdOff(); // bits 11:7
    const cHi = (): void => this.cHiOff(),
      cLo = (): void => this.cLoOff();
    const sp = (): void => {
      b.i32c(16);
    };
    /** imm[5] = insn[12], imm[4:0] = insn[6:2], sign-extended (C.ADDI, C.LI, C.ANDI, C.ADDIW) */
    const imm6 = (): void => {
      this.gather([
        [7, 0x20],
        [2, 0x1f],
      ]);
      this.signFrom(5);
    };
    /** A reserved variant (or C.EBREAK) when the i32 condition on the stack holds. */
    const reservedIf = (): void => this.needIf();
    switch (name) {
      case 'c.addi4spn': {
        // rd' = sp + nzuimm[5:4|9:6|2|3]; nzuimm 0 is reserved
        this.gather([
          [7, 0x30],
          [1, 0x3c0],
          [4, 0x4],
          [2, 0x8],
        ]);
        b.tee(this.ti).op(Op.i32_eqz);
        reservedIf();
        this.write(
          cLo,
          () => {
            this.load(sp);
            b.get(this.ti).op(Op.i64_extend_i32_u).op(Op.i64_add);
          },
          false,
        );
        return;
      }
      case 'c.lw':
      case 'c.sw':
      case 'c.ld':
      case 'c.sd': {
        const wide = name === 'c.ld' || name === 'c.sd';
        // uimm[5:3] = insn[12:10]; .W: uimm[2] = insn[6], uimm[6] = insn[5]; .D: uimm[7:6] = insn[6:5]
        this.effAddr(cHi, () =>
          this.gather(
            wide
              ? [
                  [7, 0x38],
                  [-1, 0xc0],
                ]
              : [
                  [7, 0x38],
                  [4, 0x4],
                  [-1, 0x40],
                ],
          ),
        );
        if (name === 'c.lw' || name === 'c.ld') this.loadTo(cLo, wide ? 'ld' : 'lw', false);
        else this.storeFrom(cLo, wide ? 'sd' : 'sw');
        return;
      }
      case 'c.lwsp':
      case 'c.ldsp': {
        // rd 0 is reserved
        rdFull();
        b.op(Op.i32_eqz);
        reservedIf();
        const wide = name === 'c.ldsp';
        // uimm[5] = insn[12], .W: uimm[4:2] = insn[6:4], uimm[7:6] = insn[3:2]; .D: uimm[4:3] = insn[6:5], uimm[8:6] = insn[4:2]
        this.effAddr(sp, () =>
          this.gather(
            wide
              ? [
                  [7, 0x20],
                  [2, 0x18],
                  [-4, 0x1c0],
                ]
              : [
                  [7, 0x20],
                  [2, 0x1c],
                  [-4, 0xc0],
                ],
          ),
        );
        this.loadTo(rdFull, wide ? 'ld' : 'lw', false);
        return;
      }
      case 'c.swsp':
      case 'c.sdsp': {
        const wide = name === 'c.sdsp';
        // .W: uimm[5:2] = insn[12:9], uimm[7:6] = insn[8:7]; .D: uimm[5:3] = insn[12:10], uimm[8:6] = insn[9:7]
        this.effAddr(sp, () =>
          this.gather(
            wide
              ? [
                  [7, 0x38],
                  [1, 0x1c0],
                ]
              : [
                  [7, 0x3c],
                  [1, 0xc0],
                ],
          ),
        );
        this.storeFrom(() => this.cRs2Off(), wide ? 'sd' : 'sw');
        return;
      }
      case 'c.addi': // rd 0 is a hint: the write to x0 is undone
        this.write(rdFull, () => {
          this.load(rdFull);
          imm6();
          this.sext();
          b.op(Op.i64_add);
        });
        return;
      case 'c.addiw': // rd 0 is reserved
        rdFull();
        b.op(Op.i32_eqz);
        reservedIf();
        this.write(rdFull, () => {
          this.load(rdFull);
          b.op(Op.i32_wrap_i64);
          imm6();
          b.op(Op.i32_add);
          this.sext();
        });
        return;
      case 'c.li':
        this.write(rdFull, () => {
          imm6();
          this.sext();
        });
        return;
      case 'c.lui': {
        // rd 2: C.ADDI16SP; a zero immediate is reserved in both
        rdFull();
        b.i32c(16).op(Op.i32_eq);
        L.if_();
        // nzimm[9] = insn[12], nzimm[4|6|8:7|5] = insn[6:2]
        this.gather([
          [3, 0x200],
          [2, 0x10],
          [-1, 0x40],
          [-4, 0x180],
          [-3, 0x20],
        ]);
        b.tee(this.ti).op(Op.i32_eqz);
        reservedIf();
        this.write(
          sp,
          () => {
            this.load(sp);
            b.get(this.ti);
            this.signFrom(9);
            this.sext();
            b.op(Op.i64_add);
          },
          false,
        );
        L.end();
        // nzimm[17] = insn[12], nzimm[16:12] = insn[6:2]
        this.gather([
          [-5, 0x20000],
          [-10, 0x1f000],
        ]);
        b.tee(this.ti).op(Op.i32_eqz);
        reservedIf();
        this.write(rdFull, () => {
          b.get(this.ti);
          this.signFrom(17);
          this.sext();
        });
        return;
      }
      case 'c.slli': {
        // shamt[5] = insn[12], shamt[4:0] = insn[6:2]
        this.write(rdFull, () => {
          this.load(rdFull);
          this.gather([
            [7, 0x20],
            [2, 0x1f],
          ]);
          b.op(Op.i64_extend_i32_u).op(Op.i64_shl);
        });
        return;
      }
      case 'c.alu': {
        // insn[11:10]: 0 SRLI, 1 SRAI, 2 ANDI, 3 the register-register forms (insn[12], insn[6:5])
        const shamt = (): void => {
          this.gather([
            [7, 0x20],
            [2, 0x1f],
          ]);
          b.op(Op.i64_extend_i32_u);
        };
        this.field(10, 3);
        b.tee(this.ti).i32c(3).op(Op.i32_ne);
        L.if_();
        b.get(this.ti).op(Op.i32_eqz);
        L.if_();
        this.write(
          cHi,
          () => {
            this.load(cHi);
            shamt();
            b.op(Op.i64_shr_u);
          },
          false,
        );
        L.end();
        b.get(this.ti).i32c(1).op(Op.i32_eq);
        L.if_();
        this.write(
          cHi,
          () => {
            this.load(cHi);
            shamt();
            b.op(Op.i64_shr_s);
          },
          false,
        );
        L.end();
        this.write(
          cHi,
          () => {
            this.load(cHi);
            imm6();
            this.sext();
            b.op(Op.i64_and);
          },
          false,
        );
        L.end();
        this.gather([
          [10, 0x4],
          [5, 0x3],
        ]);
        b.set(this.ti); // insn[12] << 2 | insn[6:5]
        const rr = (code: number): void =>
          this.write(
            cHi,
            () => {
              this.load(cHi);
              this.load(cLo);
              b.op(code);
            },
            false,
          );
        const rrw = (code: number): void =>
          this.write(
            cHi,
            () => {
              this.load(cHi);
              b.op(Op.i32_wrap_i64);
              this.load(cLo);
              b.op(Op.i32_wrap_i64);
              b.op(code);
              this.sext();
            },
            false,
          );
        L.switch_(
          8,
          new Map([
            [0, 'sub'],
            [1, 'xor'],
            [2, 'or'],
            [3, 'and'],
            [4, 'subw'],
            [5, 'addw'],
          ]),
          'needts',
          () => b.get(this.ti),
          (op) => {
            switch (op) {
              case 'sub':
                rr(Op.i64_sub);
                break;
              case 'xor':
                rr(Op.i64_xor);
                break;
              case 'or':
                rr(Op.i64_or);
                break;
              case 'and':
                rr(Op.i64_and);
                break;
              case 'subw':
                rrw(Op.i32_sub);
                break;
              default:
                rrw(Op.i32_add);
            }
          },
        );
        return;
      }
      case 'c.j': // offset[11|4|9:8|10|6|7|3:1|5]
        this.jump(null, () => {
          b.get(this.pc);
          this.gather([
            [1, 0x800],
            [7, 0x10],
            [1, 0x300],
            [-2, 0x400],
            [1, 0x40],
            [-1, 0x80],
            [2, 0xe],
            [-3, 0x20],
          ]);
          this.signFrom(11);
          this.sext();
          b.op(Op.i64_add);
        });
        return;
      case 'c.beqz':
      case 'c.bnez': // offset[8|4:3] = insn[12:10], offset[7:6|2:1|5] = insn[6:2]
        this.load(cHi);
        b.op(Op.i64_eqz);
        if (name === 'c.bnez') b.op(Op.i32_eqz);
        this.branchIf(() => {
          this.gather([
            [4, 0x100],
            [7, 0x18],
            [-1, 0xc0],
            [2, 0x6],
            [-3, 0x20],
          ]);
          this.signFrom(8);
        });
        return;
      case 'c.cr': {
        // insn[12] 0: C.JR (rs2 0) or C.MV; 1: C.EBREAK (rs1 and rs2 0), C.JALR (rs2 0) or C.ADD. rs1 0 in JR/JALR is reserved.
        this.field(2, 31);
        b.set(this.ti); // rs2
        this.field(12, 1);
        L.if_();
        b.get(this.ti);
        L.if_();
        this.write(rdFull, () => {
          this.load(rdFull);
          this.load(() => this.cRs2Off());
          b.op(Op.i64_add);
        });
        L.end();
        rdFull();
        b.op(Op.i32_eqz);
        reservedIf();
        this.jump(
          () => b.i32c(8),
          () => {
            this.load(rdFull);
            b.i64c(-2).op(Op.i64_and);
          },
          false,
        );
        L.end();
        b.get(this.ti);
        L.if_();
        this.write(rdFull, () => this.load(() => this.cRs2Off()));
        L.end();
        rdFull();
        b.op(Op.i32_eqz);
        reservedIf();
        this.jump(null, () => {
          this.load(rdFull);
          b.i64c(-2).op(Op.i64_and);
        });
        return;
      }
      default:
        throw new Error(`interp-wasm: compressed handler ${name}`);
    }
  }
}
