// Parser for ELF64 little-endian RISC-V executables: header validation and PT_LOAD segments.
export const EM_RISCV = 243;
export const PT_LOAD = 1;
const ET_EXEC = 2;
const ET_DYN = 3;
export class ElfError extends Error {
    name = 'ElfError';
}
/** 64-bit field as a JS number; addresses above 2^53 are rejected (nothing we load lives there). */
function u64(dv, off, what) {
    const lo = dv.getUint32(off, true);
    const hi = dv.getUint32(off + 4, true);
    if (hi >= 0x200000)
        throw new ElfError(`${what} 0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')} is too large`);
    return hi * 0x1_0000_0000 + lo;
}
export function parseElf(bytes) {
    if (bytes.length < 64)
        throw new ElfError(`file too short for an ELF header (${bytes.length} bytes)`);
    if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46)
        throw new ElfError('not an ELF file (bad magic)');
    if (bytes[4] !== 2)
        throw new ElfError(`not a 64-bit ELF (EI_CLASS ${bytes[4]})`);
    if (bytes[5] !== 1)
        throw new ElfError(`not a little-endian ELF (EI_DATA ${bytes[5]})`);
    if (bytes[6] !== 1)
        throw new ElfError(`unknown ELF version ${bytes[6]}`);
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const eType = dv.getUint16(16, true);
    const machine = dv.getUint16(18, true);
    if (machine !== EM_RISCV)
        throw new ElfError(`not a RISC-V ELF (e_machine ${machine}, expected ${EM_RISCV})`);
    if (eType !== ET_EXEC && eType !== ET_DYN)
        throw new ElfError(`not an executable (e_type ${eType})`);
    const entry = u64(dv, 24, 'entry point');
    const phoff = u64(dv, 32, 'program header offset');
    const flags = dv.getUint32(48, true);
    const phentsize = dv.getUint16(54, true);
    const phnum = dv.getUint16(56, true);
    if (phnum === 0)
        throw new ElfError('no program headers');
    if (phentsize < 56)
        throw new ElfError(`program header entry size ${phentsize} is smaller than 56`);
    if (phoff + phnum * phentsize > bytes.length)
        throw new ElfError('program headers extend past the end of the file');
    const segments = [];
    for (let i = 0; i < phnum; i++) {
        const ph = phoff + i * phentsize;
        if (dv.getUint32(ph, true) !== PT_LOAD)
            continue;
        const pflags = dv.getUint32(ph + 4, true);
        const offset = u64(dv, ph + 8, 'segment offset');
        const vaddr = u64(dv, ph + 16, 'segment address');
        const filesz = u64(dv, ph + 32, 'segment file size');
        const memsz = u64(dv, ph + 40, 'segment memory size');
        if (filesz > memsz)
            throw new ElfError(`segment ${i}: file size ${filesz} exceeds memory size ${memsz}`);
        if (offset + filesz > bytes.length)
            throw new ElfError(`segment ${i}: data extends past the end of the file`);
        segments.push({ vaddr, data: bytes.subarray(offset, offset + filesz), memSize: memsz, flags: pflags });
    }
    if (segments.length === 0)
        throw new ElfError('no PT_LOAD segments');
    return { entry, type: eType === ET_EXEC ? 'exec' : 'dyn', flags, segments };
}
//# sourceMappingURL=elf.js.map