/**
 * Reads a log bundle: a folder of entry files (any names, any order) or a tar archive, plain or
 * gzipped. Every entry is returned as its exact bytes with the name it had in the bundle.
 */
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { DEFAULT_XML_LIMITS } from '../protocol/xml/index.ts'
import { readBounded } from './files.ts'
import { CliError, EXIT } from './output.ts'

export interface BundleFile {
  readonly name: string
  readonly bytes: Uint8Array
}

const MAX_ARCHIVE = 512 * 1024 * 1024
const MAX_ENTRIES = 100_000

export async function readBundle(path: string): Promise<BundleFile[]> {
  const info = await stat(path).catch(() => {
    throw new CliError(
      `cannot open ${path}: no such file or folder`,
      EXIT.IO,
      'give a folder of entries or a .tar/.tar.gz archive',
    )
  })
  if (info.isDirectory()) {
    const names = (await readdir(path)).filter((n) => !n.startsWith('.')).sort()
    if (names.length > MAX_ENTRIES)
      throw new CliError(`${path} holds ${names.length} files, at most ${MAX_ENTRIES} are read`, EXIT.INVALID)
    const files: BundleFile[] = []
    for (const name of names) {
      if ((await stat(join(path, name))).isFile())
        files.push({ name, bytes: await readBounded(join(path, name), DEFAULT_XML_LIMITS.maxBytes) })
    }
    return files
  }
  const raw = await readBounded(path, MAX_ARCHIVE)
  const tar =
    raw[0] === 0x1f && raw[1] === 0x8b ? new Uint8Array(gunzipSync(raw, { maxOutputLength: MAX_ARCHIVE })) : raw
  return readTar(tar, path)
}

function field(block: Uint8Array, offset: number, length: number): string {
  const bytes = block.subarray(offset, offset + length)
  const end = bytes.indexOf(0)
  return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end))
}

/** A ustar reader: regular files only; sizes and names checked, nothing written to disk. */
export function readTar(tar: Uint8Array, path: string): BundleFile[] {
  const files: BundleFile[] = []
  for (let at = 0; at + 512 <= tar.length;) {
    const header = tar.subarray(at, at + 512)
    if (header.every((b) => b === 0)) break
    const name = [field(header, 345, 155), field(header, 0, 100)].filter((s) => s !== '').join('/')
    const size = Number.parseInt(field(header, 124, 12).trim() || '0', 8)
    const type = String.fromCharCode(header[156] ?? 0)
    if (!Number.isSafeInteger(size) || size < 0 || at + 512 + size > tar.length)
      throw new CliError(`${path}: the archive is truncated or corrupt at ${JSON.stringify(name)}`, EXIT.INVALID)
    if ((type === '0' || type === '\0') && !name.split('/').pop()?.startsWith('.')) {
      files.push({ name, bytes: tar.slice(at + 512, at + 512 + size) })
      if (files.length > MAX_ENTRIES) throw new CliError(`${path} holds more than ${MAX_ENTRIES} entries`, EXIT.INVALID)
    }
    at += 512 + Math.ceil(size / 512) * 512
  }
  return files
}
