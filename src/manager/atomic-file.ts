// Files replaced atomically (temporary file, fsync, rename, fsync of the folder): a crash leaves the old or the new.
import { writeAtomic, writeAtomicSync } from '../util/atomic-write.js';

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await writeAtomic(path, [typeof data === 'string' ? Buffer.from(data) : data]);
}

/** The same, synchronous: for a process's last words in an 'exit' handler. */
export function writeFileAtomicSync(path: string, data: string): void {
  writeAtomicSync(path, (put) => put(Buffer.from(data)));
}
