/**
 * Durable file writes: the one way in this project to put a file in place so that a reader sees
 * the old file or the whole new one, never part of it, and a crash or power cut after the call
 * returned cannot lose it.
 *
 * The bytes go to a temporary file in the target's own folder (so the rename stays on one file
 * system; a leading dot and `.tmp`, names the file-drop adapter and folder watchers skip), which
 * is fsynced, then renamed over the target (or hard-linked to it when the target must not be
 * replaced), and then the folder is fsynced: the rename is a change of the folder, and without
 * that fsync a power cut can bring back the folder without the new name. The temporary file is
 * removed whatever fails.
 */
import { randomBytes } from 'node:crypto'
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'

export interface AtomicWriteOptions {
  /**
   * The file's mode, exactly: set at creation and again with fchmod, because the umask can only
   * remove bits (0o600 for keys and secrets). Default: 0o666 less the umask, as writeFileSync.
   */
  readonly mode?: number
  /**
   * false: never replace an existing file (or a symlink at the name); throws an error with code
   * EEXIST. The temporary file is hard-linked to the name, which fails if the name exists even
   * when two processes race (a check-then-rename would not). Default true.
   */
  readonly overwrite?: boolean
  /** Create the target's folder (and its parents) if missing. Default false: a missing folder throws ENOENT. */
  readonly mkdir?: boolean
}

/** A fresh name beside `target` for its temporary file (same folder, leading dot, `.tmp`). */
export function temporaryPathFor(target: string): string {
  const abs = resolve(target)
  return join(dirname(abs), `.${basename(abs)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
}

/** Writes `data` to `path` atomically and durably (see the file's header). */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const target = resolve(path)
  const created = options.mkdir === true ? mkdirSync(dirname(target), { recursive: true }) : undefined
  const temporary = temporaryPathFor(target)
  try {
    // 'wx': fail rather than follow a symlink planted at the temporary name.
    const fd = openSync(temporary, 'wx', options.mode ?? 0o666)
    try {
      if (options.mode !== undefined) fchmodSync(fd, options.mode)
      writeFileSync(fd, data)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    moveIntoPlace(temporary, target, options)
    // Folders this call created: each one's entry lives in its parent.
    if (created !== undefined) {
      for (let d = dirname(target); ; d = dirname(d)) {
        fsyncDirectory(dirname(d))
        if (d === created || dirname(d) === d) break
      }
    }
  } finally {
    rmSync(temporary, { force: true }) // after a rename this is a no-op; after a failure it cleans up
  }
}

/**
 * The second half of writeFileAtomic, for a caller that wrote (and fsynced) the temporary file
 * itself, e.g. streamed and checked it first (`sis backup`): moves it into place, then fsyncs the
 * folder. `temporary` must be in the target's folder (temporaryPathFor).
 */
export function moveIntoPlace(
  temporary: string,
  target: string,
  options: Pick<AtomicWriteOptions, 'overwrite'> = {},
): void {
  if (options.overwrite === false) {
    try {
      linkSync(temporary, target)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      throw Object.assign(new Error(`EEXIST: refusing to overwrite ${target}, which exists`, { cause: e }), {
        code: 'EEXIST',
        path: target,
      })
    }
    rmSync(temporary, { force: true })
  } else {
    renameSync(temporary, target)
  }
  fsyncDirectory(dirname(resolve(target)))
}

/** Makes the folder's entries durable (a rename, link or new file in it). */
export function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}
