/** File access for the CLI: bounded reads (never load more than the limit) and writing a set of files. */
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../shared/files.ts'
import { CliError, EXIT } from './output.ts'

/** Reads at most `limit + 1` bytes, so the parser can refuse an oversized file without loading it. */
export async function readBounded(path: string, limit: number): Promise<Uint8Array> {
  let handle
  try {
    handle = await open(path, 'r')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new CliError(
      `cannot open ${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? String(e))}`,
      EXIT.IO,
      'check the path',
    )
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
    throw new CliError(
      `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      EXIT.IO,
      'is it a regular file?',
    )
  } finally {
    await handle.close()
  }
}

/** Writes a set of files into a folder, creating it; each one atomically and durably (shared/files.ts). */
export async function writeAll(dir: string, files: ReadonlyMap<string, string>): Promise<string[]> {
  const written: string[] = []
  for (const [name, content] of files) {
    writeFileAtomic(join(dir, name), content, { mkdir: true })
    written.push(name)
  }
  return written
}
