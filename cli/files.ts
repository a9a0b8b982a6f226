/** File access for the CLI: bounded reads (never load more than the limit) and atomic writes. */
import { mkdir, open, rename, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { CliError, EXIT } from './output.ts'

/** Reads at most `limit + 1` bytes, so the parser can refuse an oversized file without loading it. */
export async function readBounded(path: string, limit: number): Promise<Uint8Array> {
  let handle
  try {
    handle = await open(path, 'r')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new CliError(`cannot open ${path}: ${code === 'ENOENT' ? 'no such file' : code ?? String(e)}`, EXIT.IO, 'check the path')
  }
  try {
    const buf = Buffer.alloc(limit + 1)
    let total = 0
    while (total < buf.length) {
      const { bytesRead } = await handle.read(buf, total, buf.length - total, total)
      if (bytesRead === 0) break
      total += bytesRead
    }
    return buf.subarray(0, total)
  } catch (e) {
    throw new CliError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, EXIT.IO, 'is it a regular file?')
  } finally {
    await handle.close()
  }
}

/** Writes a file atomically: a temporary file in the same folder, synced, then renamed. */
export async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`)
  await writeFile(tmp, data, { flush: true })
  await rename(tmp, path)
}

/** Writes a set of files into a folder, creating it. */
export async function writeAll(dir: string, files: ReadonlyMap<string, string>): Promise<string[]> {
  const written: string[] = []
  for (const [name, content] of files) {
    await writeAtomic(join(dir, name), content)
    written.push(name)
  }
  return written
}
