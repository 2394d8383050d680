// A baseline interpreter in WebAssembly for cold code: the common integer instructions, with soft-TLB loads and stores.
//
// Code below the translation threshold (most of a Debian boot's kernel code runs between 100 K and 3 M times per page,
// where compiling a page module does not pay) used to run in the TypeScript interpreter at about 20 ns per instruction:
// TurboFan compiles its one large function with 64-bit registers split into int32 halves and many spills. This module
// is emitted once per hart and interprets RV64I, M (without MULH*) and C (expanded through the same table as the
// TypeScript interpreter, copied into the memory at CEXP_BASE) with registers as i64 in the hart block. Anything else
// (system instructions, CSRs, atomics, floating point, TLB misses, misaligned or cross-page accesses) it leaves to the
// TypeScript interpreter, one instruction at a time, before it has any effect: it never traps or changes privileged
// state itself, so the TypeScript interpreter stays the reference for every precise trap.
import { CEXP_BASE, HS_PC, HS_X, TLB_ENTRIES } from '../../memory/layout.js';
import { FunctionBody, I32, I64, ModuleBuilder, Op } from './wasm-emitter.js';

/**
 * interp(limit, stopAtJump, loadTlb, storeTlb, fetchTlb (byte offsets)) -> retired << 1 | needsTypeScript, with pc read
 * from and written to HS_PC. needsTypeScript: the instruction at pc is one this interpreter leaves to the TypeScript one.
 * With stopAtJump, it stops after the first taken branch or jump, like Hart.interpret with hart.stopAtJump.
 */
export type WasmInterpreter = (limit: number, stopAtJump: number, loadTlb: number, storeTlb: number, fetchTlb: number) => number;

/** Structured-control helper: names blocks so branches can say where they go rather than how deep it is. */
class Labels {
  private readonly stack: string[] = [];
  constructor(private readonly b: FunctionBody) {}
  block(name: string): void { this.b.block(); this.stack.push(name); }
  loop(name: string): void { this.b.loop(); this.stack.push(name); }
  if_(): void { this.b.if_(); this.stack.push(''); }
  else_(): void { this.b.else_(); }
  end(): void { this.b.end(); this.stack.pop(); }
  depth(name: string): number {
    const i = this.stack.lastIndexOf(name);
    if (i < 0) throw new Error(`no label ${name}`);
    return this.stack.length - 1 - i;
  }
  br(name: string): void { this.b.br(this.depth(name)); }
  brIf(name: string): void { this.b.brIf(this.depth(name)); }
  /**
   * A br_table over `cases` (value -> case name, others to `fallback`) on the value `selector` pushes: emits one nested
   * block per case and calls `body(name)` at each one's end, innermost first; each body must branch away.
   */
  switch_(count: number, cases: Map<number, string>, fallback: string, selector: () => void, body: (name: string) => void): void {
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

/** Emits and compiles the interpreter for the hart whose state block starts at `hartBase`. */
export function buildWasmInterpreter(memory: WebAssembly.Memory, hartBase: number): WasmInterpreter {
  const m = new ModuleBuilder();
  m.importMemory('e', 'mem');
  const { index, body: b } = m.addFunction([I32, I32, I32, I32, I32], [I32]);
  const P_LIMIT = 0, P_STOP_AT_JUMP = 1, P_LTLB = 2, P_STLB = 3, P_FTLB = 4;
  const n = b.local(I32), insn = b.local(I32), fbase = b.local(I32), off = b.local(I32), rdAddr = b.local(I32);
  const f3 = b.local(I32), e = b.local(I32), jumped = b.local(I32), t = b.local(I32), host = b.local(I32);
  const pc = b.local(I64), npc = b.local(I64), ftag = b.local(I64), a = b.local(I64), v = b.local(I64), addr = b.local(I64);
  const L = new Labels(b);
  const X = hartBase + HS_X;

  // Operand helpers. rs1 * 8 = (insn >>> 12) & 0xf8, rs2 * 8 = (insn >>> 17) & 0xf8, rd * 8 = (insn >>> 4) & 0xf8.
  const rs2 = (): void => { b.get(insn).i32c(17).op(Op.i32_shr_u).i32c(0xf8).op(Op.i32_and).mem(Op.i64_load, X); };
  const immI = (): void => { b.get(insn).i32c(20).op(Op.i32_shr_s); };
  const immI64 = (): void => { immI(); b.op(Op.i64_extend_i32_s); };
  const field = (shift: number, mask: number): FunctionBody => b.get(insn).i32c(shift).op(Op.i32_shr_u).i32c(mask).op(Op.i32_and);
  const setV = (emit: () => void): void => { emit(); b.set(v); L.br('write'); };
  const a32 = (): void => { b.get(a).op(Op.i32_wrap_i64); };
  const b32 = (): void => { rs2(); b.op(Op.i32_wrap_i64); };
  const needIf = (): void => { L.brIf('needts'); }; // condition on the stack
  /** Soft-TLB lookup of `addr` in the table whose byte offset is param `table`: host offset in `host`, or leave it to TypeScript. */
  const tlb = (table: number): void => {
    b.get(table).get(addr).op(Op.i32_wrap_i64).i32c(8).op(Op.i32_shr_u).i32c((TLB_ENTRIES - 1) << 4).op(Op.i32_and).op(Op.i32_add).tee(e);
    b.mem(Op.i64_load, 0).get(addr).i64c(PAGE_MASK).op(Op.i64_and).op(Op.i64_ne);
    needIf();
    // naturally aligned only: (addr & ((1 << (f3 & 3)) - 1)) != 0 goes to TypeScript (misaligned accesses are emulated there)
    b.get(addr).op(Op.i32_wrap_i64).i32c(1).get(f3).i32c(3).op(Op.i32_and).op(Op.i32_shl).i32c(1).op(Op.i32_sub).op(Op.i32_and);
    needIf();
    b.get(e).mem(Op.i32_load, 8).get(addr).op(Op.i32_wrap_i64).i32c(4095).op(Op.i32_and).op(Op.i32_add).set(host);
  };
  /** 64-bit compare result (i32 on the stack) as 0/1 in v. */
  const setFlag = (emit: () => void): void => setV(() => { emit(); b.op(Op.i64_extend_i32_u); });

  b.i32c(0).mem(Op.i64_load, hartBase + HS_PC).set(pc);
  b.i64c(1).set(ftag); // no page tag has bit 0 set
  L.block('exit');
  L.block('needts');
  L.loop('top');
  b.get(n).get(P_LIMIT).op(Op.i32_ge_u);
  L.brIf('exit');

  // ---- fetch: the page's host offset is cached while pc stays on it ----
  b.get(pc).i64c(PAGE_MASK).op(Op.i64_and).get(ftag).op(Op.i64_ne);
  L.if_();
  b.get(P_FTLB).get(pc).op(Op.i32_wrap_i64).i32c(8).op(Op.i32_shr_u).i32c((TLB_ENTRIES - 1) << 4).op(Op.i32_and).op(Op.i32_add).tee(e);
  b.mem(Op.i64_load, 0).get(pc).i64c(PAGE_MASK).op(Op.i64_and).op(Op.i64_ne);
  needIf();
  b.get(e).mem(Op.i32_load, 8).set(fbase);
  b.get(pc).i64c(PAGE_MASK).op(Op.i64_and).set(ftag);
  L.end();
  b.get(pc).op(Op.i32_wrap_i64).i32c(4095).op(Op.i32_and).set(off);
  b.get(fbase).get(off).op(Op.i32_add).mem(Op.i32_load16_u, 0).tee(insn);
  b.i32c(3).op(Op.i32_and).i32c(3).op(Op.i32_ne);
  L.if_();
  // compressed: expand through the table (0: illegal, which TypeScript raises)
  b.get(insn).i32c(2).op(Op.i32_shl).mem(Op.i32_load, CEXP_BASE).tee(insn).op(Op.i32_eqz);
  needIf();
  b.get(pc).i64c(2).op(Op.i64_add).set(npc);
  L.else_();
  b.get(off).i32c(4094).op(Op.i32_eq);
  needIf(); // the instruction's second half is on the next page
  b.get(fbase).get(off).op(Op.i32_add).mem(Op.i32_load, 0).set(insn);
  b.get(pc).i64c(4).op(Op.i64_add).set(npc);
  L.end();
  b.i32c(0).set(jumped);
  field(4, 0xf8); b.i32c(X).op(Op.i32_add).set(rdAddr);
  field(12, 0xf8); b.mem(Op.i64_load, X).set(a);
  field(12, 7); b.set(f3);

  // ---- execute: cases write v and branch to 'write', or branch to 'done' ----
  L.block('done');
  L.block('write');
  const opcodes = new Map<number, string>([
    [0, 'load'], [3, 'miscmem'], [4, 'opimm'], [5, 'auipc'], [6, 'opimm32'], [8, 'store'], [12, 'op'], [13, 'lui'],
    [14, 'op32'], [24, 'branch'], [25, 'jalr'], [27, 'jal'],
  ]);
  L.switch_(32, opcodes, 'needts', () => field(2, 31), (name) => {
    switch (name) {
      case 'opimm': {
        L.switch_(8, new Map([[0, 'addi'], [1, 'slli'], [2, 'slti'], [3, 'sltiu'], [4, 'xori'], [5, 'sri'], [6, 'ori'], [7, 'andi']]), 'needts', () => b.get(f3), (op) => {
          switch (op) {
            case 'addi': setV(() => { b.get(a); immI64(); b.op(Op.i64_add); }); break;
            case 'slli': field(26, 63); needIf(); setV(() => { b.get(a); immI64(); b.op(Op.i64_shl); }); break;
            case 'slti': setFlag(() => { b.get(a); immI64(); b.op(Op.i64_lt_s); }); break;
            case 'sltiu': setFlag(() => { b.get(a); immI64(); b.op(Op.i64_lt_u); }); break;
            case 'xori': setV(() => { b.get(a); immI64(); b.op(Op.i64_xor); }); break;
            case 'ori': setV(() => { b.get(a); immI64(); b.op(Op.i64_or); }); break;
            case 'andi': setV(() => { b.get(a); immI64(); b.op(Op.i64_and); }); break;
            default: { // sri: funct6 0 logical, 0x10 arithmetic
              field(26, 63).tee(t);
              L.if_();
              b.get(t).i32c(0x10).op(Op.i32_ne); needIf();
              setV(() => { b.get(a); immI64(); b.op(Op.i64_shr_s); });
              L.end();
              setV(() => { b.get(a); immI64(); b.op(Op.i64_shr_u); });
            }
          }
        });
        break;
      }
      case 'op': {
        field(25, 127).tee(t);
        L.if_(); // f7 != 0
        b.get(t).i32c(0x20).op(Op.i32_eq);
        L.if_();
        b.get(f3); L.if_();
        b.get(f3).i32c(5).op(Op.i32_ne); needIf();
        setV(() => { b.get(a); rs2(); b.op(Op.i64_shr_s); });
        L.end();
        setV(() => { b.get(a); rs2(); b.op(Op.i64_sub); });
        L.end();
        b.get(t).i32c(1).op(Op.i32_ne); needIf();
        emitMulDiv64();
        L.end();
        L.switch_(8, new Map([[0, 'add'], [1, 'sll'], [2, 'slt'], [3, 'sltu'], [4, 'xor'], [5, 'srl'], [6, 'or'], [7, 'and']]), 'needts', () => b.get(f3), (op) => {
          const binary = (code: number): void => setV(() => { b.get(a); rs2(); b.op(code); });
          switch (op) {
            case 'add': binary(Op.i64_add); break;
            case 'sll': binary(Op.i64_shl); break;
            case 'slt': setFlag(() => { b.get(a); rs2(); b.op(Op.i64_lt_s); }); break;
            case 'sltu': setFlag(() => { b.get(a); rs2(); b.op(Op.i64_lt_u); }); break;
            case 'xor': binary(Op.i64_xor); break;
            case 'srl': binary(Op.i64_shr_u); break;
            case 'or': binary(Op.i64_or); break;
            default: binary(Op.i64_and);
          }
        });
        break;
      }
      case 'opimm32': {
        const w = (emit: () => void): void => setV(() => { emit(); b.op(Op.i64_extend_i32_s); });
        b.get(f3);
        L.if_();
        b.get(f3).i32c(1).op(Op.i32_eq);
        L.if_();
        field(25, 127); needIf();
        w(() => { a32(); immI(); b.op(Op.i32_shl); });
        L.end();
        b.get(f3).i32c(5).op(Op.i32_ne); needIf();
        field(25, 127).tee(t);
        L.if_();
        b.get(t).i32c(0x20).op(Op.i32_ne); needIf();
        w(() => { a32(); immI(); b.op(Op.i32_shr_s); });
        L.end();
        w(() => { a32(); immI(); b.op(Op.i32_shr_u); });
        L.end();
        w(() => { a32(); immI(); b.op(Op.i32_add); });
        break;
      }
      case 'op32': {
        const w = (emit: () => void): void => setV(() => { emit(); b.op(Op.i64_extend_i32_s); });
        field(25, 127).tee(t);
        L.if_();
        b.get(t).i32c(0x20).op(Op.i32_eq);
        L.if_();
        b.get(f3); L.if_();
        b.get(f3).i32c(5).op(Op.i32_ne); needIf();
        w(() => { a32(); b32(); b.op(Op.i32_shr_s); });
        L.end();
        w(() => { a32(); b32(); b.op(Op.i32_sub); });
        L.end();
        b.get(t).i32c(1).op(Op.i32_ne); needIf();
        emitMulDiv32(w);
        L.end();
        b.get(f3); L.if_();
        b.get(f3).i32c(1).op(Op.i32_eq);
        L.if_(); w(() => { a32(); b32(); b.op(Op.i32_shl); }); L.end();
        b.get(f3).i32c(5).op(Op.i32_ne); needIf();
        w(() => { a32(); b32(); b.op(Op.i32_shr_u); });
        L.end();
        w(() => { a32(); b32(); b.op(Op.i32_add); });
        break;
      }
      case 'lui': setV(() => { b.get(insn).i32c(PAGE_MASK).op(Op.i32_and).op(Op.i64_extend_i32_s); }); break;
      case 'auipc': setV(() => { b.get(pc).get(insn).i32c(PAGE_MASK).op(Op.i32_and).op(Op.i64_extend_i32_s).op(Op.i64_add); }); break;
      case 'jal': {
        // imm = sign(31) << 20 | insn[19:12] << 12 | insn[20] << 11 | insn[30:21] << 1
        b.get(pc);
        b.get(insn).i32c(31).op(Op.i32_shr_s).i32c(20).op(Op.i32_shl);
        b.get(insn).i32c(0xff000).op(Op.i32_and).op(Op.i32_or);
        field(9, 0x800); b.op(Op.i32_or);
        field(20, 0x7fe); b.op(Op.i32_or);
        b.op(Op.i64_extend_i32_s).op(Op.i64_add);
        b.get(npc).set(v).set(npc);
        b.i32c(1).set(jumped);
        L.br('write');
        break;
      }
      case 'jalr': {
        b.get(f3); needIf();
        b.get(a); immI64(); b.op(Op.i64_add).i64c(-2).op(Op.i64_and);
        b.get(npc).set(v).set(npc);
        b.i32c(1).set(jumped);
        L.br('write');
        break;
      }
      case 'branch': {
        b.get(f3).i32c(6).op(Op.i32_and).i32c(2).op(Op.i32_eq); needIf(); // funct3 2 and 3 are reserved
        // taken = cond(f3 & 6) xor (f3 & 1): eq/ne, lt/ge, ltu/geu
        b.get(f3).i32c(6).op(Op.i32_and).i32c(4).op(Op.i32_eq);
        L.if_(); b.get(a); rs2(); b.op(Op.i64_lt_s).set(t);
        L.else_();
        b.get(f3).i32c(6).op(Op.i32_and);
        L.if_(); b.get(a); rs2(); b.op(Op.i64_lt_u).set(t);
        L.else_(); b.get(a); rs2(); b.op(Op.i64_eq).set(t);
        L.end();
        L.end();
        b.get(t).get(f3).i32c(1).op(Op.i32_and).op(Op.i32_ne);
        L.if_();
        // imm = sign(31) << 12 | insn[7] << 11 | insn[30:25] << 5 | insn[11:8] << 1
        b.get(pc);
        b.get(insn).i32c(31).op(Op.i32_shr_s).i32c(12).op(Op.i32_shl);
        b.get(insn).i32c(4).op(Op.i32_shl).i32c(0x800).op(Op.i32_and).op(Op.i32_or);
        field(20, 0x7e0); b.op(Op.i32_or);
        field(7, 0x1e); b.op(Op.i32_or);
        b.op(Op.i64_extend_i32_s).op(Op.i64_add).set(npc);
        b.i32c(1).set(jumped);
        L.end();
        L.br('done');
        break;
      }
      case 'load': {
        b.get(a); immI64(); b.op(Op.i64_add).set(addr);
        b.get(f3).i32c(7).op(Op.i32_eq); needIf();
        tlb(P_LTLB);
        L.switch_(8, new Map([[0, 'lb'], [1, 'lh'], [2, 'lw'], [3, 'ld'], [4, 'lbu'], [5, 'lhu'], [6, 'lwu']]), 'needts', () => b.get(f3), (op) => {
          const code = { lb: Op.i64_load8_s, lh: Op.i64_load16_s, lw: Op.i64_load32_s, ld: Op.i64_load, lbu: Op.i64_load8_u, lhu: Op.i64_load16_u, lwu: Op.i64_load32_u }[op]!;
          setV(() => { b.get(host).mem(code, 0); });
        });
        break;
      }
      case 'store': {
        // imm = insn[31:25] << 5 | insn[11:7], sign-extended
        b.get(a);
        b.get(insn).i32c(25).op(Op.i32_shr_s).i32c(5).op(Op.i32_shl);
        field(7, 31); b.op(Op.i32_or).op(Op.i64_extend_i32_s).op(Op.i64_add).set(addr);
        b.get(f3).i32c(4).op(Op.i32_ge_u); needIf();
        tlb(P_STLB);
        L.switch_(4, new Map([[0, 'sb'], [1, 'sh'], [2, 'sw'], [3, 'sd']]), 'needts', () => b.get(f3), (op) => {
          const code = { sb: Op.i64_store8, sh: Op.i64_store16, sw: Op.i64_store32, sd: Op.i64_store }[op]!;
          b.get(host); rs2(); b.mem(code, 0);
          L.br('done');
        });
        break;
      }
      case 'miscmem': {
        // FENCE is a no-op for one hart's view of memory; FENCE.I must end the slice, which TypeScript does
        b.get(f3); needIf();
        L.br('done');
        break;
      }
      default: throw new Error(`interp-wasm: case ${name}`);
    }
  });
  L.end(); // write
  b.get(rdAddr).get(v).mem(Op.i64_store, 0);
  L.end(); // done
  b.i32c(0).i64c(0).mem(Op.i64_store, X); // x0 stays zero
  b.get(npc).set(pc);
  b.get(n).i32c(1).op(Op.i32_add).set(n);
  b.get(jumped).get(P_STOP_AT_JUMP).op(Op.i32_and);
  L.brIf('exit');
  L.br('top');
  L.end(); // loop
  L.end(); // needts
  b.i32c(0).get(pc).mem(Op.i64_store, hartBase + HS_PC);
  b.get(n).i32c(1).op(Op.i32_shl).i32c(1).op(Op.i32_or).op(Op.return);
  L.end(); // exit
  b.i32c(0).get(pc).mem(Op.i64_store, hartBase + HS_PC);
  b.get(n).i32c(1).op(Op.i32_shl);
  m.exportFunction('interp', index);
  const inst = new WebAssembly.Instance(new WebAssembly.Module(m.build()), { e: { mem: memory } });
  return inst.exports.interp as WasmInterpreter;

  /** M extension on 64 bits: MUL, DIV[U], REM[U] (RISC-V results for division by zero and overflow); MULH* go to TypeScript. */
  function emitMulDiv64(): void {
    b.get(f3);
    L.if_();
    b.get(f3).i32c(4).op(Op.i32_lt_u); needIf();
    rs2(); b.set(addr); // the divisor
    b.get(addr).op(Op.i64_eqz);
    L.if_(); // by zero: quotient all ones, remainder the dividend
    setV(() => { b.get(f3).i32c(6).op(Op.i32_ge_u); L.if_(); b.get(a).set(v); L.else_(); b.i64c(-1).set(v); L.end(); b.get(v); });
    L.end();
    b.get(f3).i32c(1).op(Op.i32_and);
    L.if_(); // unsigned
    b.get(f3).i32c(6).op(Op.i32_ge_u);
    L.if_(); setV(() => { b.get(a).get(addr).op(Op.i64_rem_u); }); L.end();
    setV(() => { b.get(a).get(addr).op(Op.i64_div_u); });
    L.end();
    // signed: MIN / -1 overflows to MIN (remainder 0); wasm's rem_s already gives 0 there, div_s would trap
    b.get(f3).i32c(6).op(Op.i32_ge_u);
    L.if_();
    setV(() => { b.get(a).get(addr).op(Op.i64_rem_s); });
    L.end();
    b.get(addr).i64c(-1).op(Op.i64_eq);
    L.if_();
    setV(() => { b.i64c(0).get(a).op(Op.i64_sub); }); // -MIN wraps to MIN, and -a is a / -1 otherwise
    L.end();
    setV(() => { b.get(a).get(addr).op(Op.i64_div_s); });
    L.end();
    setV(() => { b.get(a); rs2(); b.op(Op.i64_mul); });
  }

  /** M extension on 32 bits: MULW, DIV[U]W, REM[U]W, results sign-extended by `w`. */
  function emitMulDiv32(w: (emit: () => void) => void): void {
    b.get(f3);
    L.if_();
    b.get(f3).i32c(4).op(Op.i32_lt_u); needIf();
    b32(); b.set(t); // the divisor
    b.get(t).op(Op.i32_eqz);
    L.if_();
    w(() => { b.get(f3).i32c(6).op(Op.i32_ge_u); L.if_(); a32(); b.set(t); L.else_(); b.i32c(-1).set(t); L.end(); b.get(t); });
    L.end();
    b.get(f3).i32c(1).op(Op.i32_and);
    L.if_(); // unsigned
    b.get(f3).i32c(6).op(Op.i32_ge_u);
    L.if_(); w(() => { a32(); b.get(t).op(Op.i32_rem_u); }); L.end();
    w(() => { a32(); b.get(t).op(Op.i32_div_u); });
    L.end();
    b.get(f3).i32c(6).op(Op.i32_ge_u);
    L.if_();
    w(() => { a32(); b.get(t).op(Op.i32_rem_s); });
    L.end();
    b.get(t).i32c(-1).op(Op.i32_eq);
    L.if_();
    w(() => { b.i32c(0); a32(); b.op(Op.i32_sub); });
    L.end();
    w(() => { a32(); b.get(t).op(Op.i32_div_s); });
    L.end();
    w(() => { a32(); b32(); b.op(Op.i32_mul); });
  }
}
