// What the 9P server needs from a shared directory: path-based operations, each resolved inside the share by the backend.

/** A path inside the share: checked names (no '/', NUL, '.' or '..'), root first. The empty path is the share's root. */
export type SharePath = readonly Uint8Array[];

/** File attributes as the guest sees them (Rgetattr, qids). */
export interface NineAttr {
  /** st_mode with the file type bits. */
  mode: number;
  uid: number;
  gid: number;
  nlink: bigint;
  rdev: bigint;
  size: bigint;
  blksize: bigint;
  blocks: bigint;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  /** Unique per file within the share (qid.path). */
  ino: bigint;
}

export interface NineStatfs {
  type: number;
  bsize: number;
  blocks: bigint;
  bfree: bigint;
  bavail: bigint;
  files: bigint;
  ffree: bigint;
  namelen: number;
}

/** How a file is opened: access, truncate, append (the only open flags that reach the host). */
export interface NineOpenFlags {
  access: 'r' | 'w' | 'rw';
  truncate: boolean;
  append: boolean;
}

export interface NineSetattr {
  mode?: number;
  uid?: number;
  gid?: number;
  size?: number;
  /** Nanoseconds since the epoch, or 'now'. */
  atime?: bigint | 'now';
  mtime?: bigint | 'now';
}

/** One directory entry. */
export interface NineDirent {
  name: Uint8Array;
  attr: NineAttr;
}

/** A directory listing read in order (no '.' and '..': the server adds them). */
export interface NineDirStream {
  /** The next entry, or null at the end. */
  next(): NineDirent | null;
  close(): void;
}

/**
 * The share's file system. Every method throws NineError or a Node.js system error (its `code` becomes the errno).
 * Paths come from the server already split and checked; the backend resolves them without leaving the share.
 */
export interface NineFs {
  readonly readOnly: boolean;
  /** Attributes of the file at `path` (a symbolic link itself, never its target). */
  lstat(path: SharePath): NineAttr;
  /** Opens a regular file or directory; returns a handle. */
  open(path: SharePath, flags: NineOpenFlags): number;
  /** Creates and opens a new regular file `name` in `dir` (never an existing one). */
  create(dir: SharePath, name: Uint8Array, flags: NineOpenFlags, mode: number): number;
  /** Attributes of an open file (it may have been unlinked or renamed since). */
  fstat(handle: number): NineAttr;
  read(handle: number, position: number, into: Uint8Array): number;
  write(handle: number, position: number, data: Uint8Array): number;
  fsync(handle: number, dataOnly: boolean): void;
  close(handle: number): void;
  /** Lists the directory opened as `handle`. */
  openDir(handle: number): NineDirStream;
  mkdir(dir: SharePath, name: Uint8Array, mode: number): void;
  symlink(dir: SharePath, name: Uint8Array, target: Uint8Array): void;
  mknod(dir: SharePath, name: Uint8Array, mode: number, rdev: number): void;
  /** A new hard link `name` in `dir` to the file at `target`. */
  link(target: SharePath, dir: SharePath, name: Uint8Array): void;
  readlink(path: SharePath): Uint8Array;
  unlink(dir: SharePath, name: Uint8Array, directory: boolean): void;
  rename(fromDir: SharePath, fromName: Uint8Array, toDir: SharePath, toName: Uint8Array): void;
  setattr(path: SharePath, change: NineSetattr): void;
  statfs(): NineStatfs;
  /** Releases everything (handles, the share's root). */
  closeAll(): void;
}
