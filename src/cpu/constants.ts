// Architectural constants: exception causes, interrupt numbers, mstatus bits, CSR numbers.

export const PRIV_U = 0,
  PRIV_S = 1,
  PRIV_M = 3;

export const CAUSE_MISALIGNED_FETCH = 0;
export const CAUSE_FETCH_ACCESS = 1;
export const CAUSE_ILLEGAL_INSTRUCTION = 2;
export const CAUSE_BREAKPOINT = 3;
export const CAUSE_MISALIGNED_LOAD = 4;
export const CAUSE_LOAD_ACCESS = 5;
export const CAUSE_MISALIGNED_STORE = 6;
export const CAUSE_STORE_ACCESS = 7;
export const CAUSE_ECALL_U = 8;
export const CAUSE_ECALL_S = 9;
export const CAUSE_ECALL_M = 11;
export const CAUSE_FETCH_PAGE_FAULT = 12;
export const CAUSE_LOAD_PAGE_FAULT = 13;
export const CAUSE_STORE_PAGE_FAULT = 15;

export const EXCEPTION_NAMES: Record<number, string> = {
  0: 'instruction address misaligned',
  1: 'instruction access fault',
  2: 'illegal instruction',
  3: 'breakpoint',
  4: 'load address misaligned',
  5: 'load access fault',
  6: 'store/AMO address misaligned',
  7: 'store/AMO access fault',
  8: 'ecall from U-mode',
  9: 'ecall from S-mode',
  11: 'ecall from M-mode',
  12: 'instruction page fault',
  13: 'load page fault',
  15: 'store/AMO page fault',
};
export const INTERRUPT_NAMES: Record<number, string> = {
  1: 'supervisor software',
  3: 'machine software',
  5: 'supervisor timer',
  7: 'machine timer',
  9: 'supervisor external',
  11: 'machine external',
};

// Interrupt numbers == bit positions in mip/mie.
export const IRQ_SSI = 1,
  IRQ_MSI = 3,
  IRQ_STI = 5,
  IRQ_MTI = 7,
  IRQ_SEI = 9,
  IRQ_MEI = 11;
export const MIP_SSIP = 1 << IRQ_SSI,
  MIP_MSIP = 1 << IRQ_MSI,
  MIP_STIP = 1 << IRQ_STI,
  MIP_MTIP = 1 << IRQ_MTI;
export const MIP_SEIP = 1 << IRQ_SEI,
  MIP_MEIP = 1 << IRQ_MEI;
export const S_INTERRUPTS = MIP_SSIP | MIP_STIP | MIP_SEIP;
export const ALL_INTERRUPTS = S_INTERRUPTS | MIP_MSIP | MIP_MTIP | MIP_MEIP;
/** Order in which simultaneously pending interrupts are taken (privileged spec 3.1.9). */
export const INTERRUPT_PRIORITY = [IRQ_MEI, IRQ_MSI, IRQ_MTI, IRQ_SEI, IRQ_SSI, IRQ_STI];

// mstatus (low 32 bits; the high half is constant: UXL = SXL = 2, SD computed).
export const MSTATUS_SIE = 1 << 1,
  MSTATUS_MIE = 1 << 3,
  MSTATUS_SPIE = 1 << 5,
  MSTATUS_MPIE = 1 << 7;
export const MSTATUS_SPP = 1 << 8,
  MSTATUS_MPP_SHIFT = 11,
  MSTATUS_MPP = 3 << 11;
export const MSTATUS_FS_SHIFT = 13,
  MSTATUS_FS = 3 << 13;
export const MSTATUS_MPRV = 1 << 17,
  MSTATUS_SUM = 1 << 18,
  MSTATUS_MXR = 1 << 19;
export const MSTATUS_TVM = 1 << 20,
  MSTATUS_TW = 1 << 21,
  MSTATUS_TSR = 1 << 22;
export const MSTATUS_HI_XLEN = 0xa; // UXL=2 (bits 33:32), SXL=2 (bits 35:34)
export const MSTATUS_WRITABLE =
  MSTATUS_SIE |
  MSTATUS_MIE |
  MSTATUS_SPIE |
  MSTATUS_MPIE |
  MSTATUS_SPP |
  MSTATUS_MPP |
  MSTATUS_FS |
  MSTATUS_MPRV |
  MSTATUS_SUM |
  MSTATUS_MXR |
  MSTATUS_TVM |
  MSTATUS_TW |
  MSTATUS_TSR;
export const SSTATUS_READABLE = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM | MSTATUS_MXR;
export const SSTATUS_WRITABLE = SSTATUS_READABLE;

/** Exceptions M-mode may delegate to S-mode (not ecall-from-M). */
export const MEDELEG_WRITABLE = 0xb3ff; // causes 0-9, 12, 13, 15

// menvcfg
export const MENVCFG_HI_STCE = 1 << 31; // bit 63

export const CSR = {
  fflags: 0x001,
  frm: 0x002,
  fcsr: 0x003,
  cycle: 0xc00,
  time: 0xc01,
  instret: 0xc02,
  sstatus: 0x100,
  sie: 0x104,
  stvec: 0x105,
  scounteren: 0x106,
  senvcfg: 0x10a,
  sscratch: 0x140,
  sepc: 0x141,
  scause: 0x142,
  stval: 0x143,
  sip: 0x144,
  stimecmp: 0x14d,
  satp: 0x180,
  mvendorid: 0xf11,
  marchid: 0xf12,
  mimpid: 0xf13,
  mhartid: 0xf14,
  mconfigptr: 0xf15,
  mstatus: 0x300,
  misa: 0x301,
  medeleg: 0x302,
  mideleg: 0x303,
  mie: 0x304,
  mtvec: 0x305,
  mcounteren: 0x306,
  menvcfg: 0x30a,
  mcountinhibit: 0x320,
  mscratch: 0x340,
  mepc: 0x341,
  mcause: 0x342,
  mtval: 0x343,
  mip: 0x344,
  pmpcfg0: 0x3a0,
  pmpaddr0: 0x3b0,
  mcycle: 0xb00,
  minstret: 0xb02,
  tselect: 0x7a0,
  tdata1: 0x7a1,
} as const;

/** misa: MXL=2 (RV64) and extensions A C D F I M S U. */
export const MISA_LO = (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20);
export const MISA_HI = 0x80000000 | 0;

/** What the hart implements, for the device tree (riscv,isa and riscv,isa-extensions). */
export const ISA_EXTENSIONS = ['i', 'm', 'a', 'f', 'd', 'c', 'zicntr', 'zicsr', 'zifencei', 'zihintpause', 'sstc'];
export const ISA_STRING = 'rv64imafdc_zicntr_zicsr_zifencei_zihintpause_sstc';

/**
 * FENCE bits PW (predecessor writes) and SR (successor reads): the one ordering the host's memory model (x86-TSO, and
 * the JS/wasm memory model for plain accesses) does not give, so such fences become a host barrier; the others are
 * kept by program order of plain accesses on one thread.
 */
export const FENCE_W_TO_R = (1 << 24) | (1 << 21);
