/**
 * The backup file of a store: every key and value of one consistent snapshot, streamed, with a
 * SHA-256 over everything before the trailer. `GET /v1/backup` writes it while the node runs;
 * `sis restore` reads it twice (verify, then write), so neither side holds more than one record
 * and one chunk in memory.
 *
 *   "SISBAK1\n"                                    8 bytes
 *   u32 n, header JSON (n bytes)                   { format: 1, country, createdAt, layout }
 *   { u32 keyLength > 0, key UTF-8, u32 valueLength, value }*
 *   u32 0                                          end of records
 *   u32 n, trailer JSON (n bytes)                  { records, sha256 }: the hash covers every
 *                                                  byte from the magic through the end marker
 * Integers are big-endian.
 */
import { createHash } from 'node:crypto'

export const BACKUP_MAGIC = 'SISBAK1\n'
export const BACKUP_CONTENT_TYPE = 'application/vnd.carec-sis.backup'
/** A value larger than this is not one the store writes (entries are at most a few MiB). */
const MAX_VALUE = 64 * 1024 * 1024
const MAX_KEY = 64 * 1024
const MAX_JSON = 64 * 1024

export interface BackupHeader {
  readonly format: 1
  readonly country: string
  readonly createdAt: string
  readonly layout: string
}

export interface BackupTrailer {
  readonly records: number
  readonly sha256: string
}

export type BackupRecord = readonly [key: string, value: Uint8Array]

export class BackupError extends Error {
  override readonly name = 'BackupError'
}

/** A backup of one country's node offered to another's: refused, whatever the operator forces. */
export class BackupCountryError extends Error {
  override readonly name = 'BackupCountryError'
  readonly backupCountry: string
  readonly nodeCountry: string
  constructor(backupCountry: string, nodeCountry: string) {
    super(
      `a backup of the ${backupCountry} node cannot be restored into the ${nodeCountry} node: a backup restores only ` +
        `the country that made it, since another member's store holds documents ${nodeCountry} is not on and ` +
        'restoring it would disclose them (no option overrides this)',
    )
    this.backupCountry = backupCountry
    this.nodeCountry = nodeCountry
  }
}

/**
 * A store is restored only into the node of the country that made it: each member's store holds
 * the documents whose routes name it, and no others. Throws BackupCountryError otherwise.
 */
export function checkBackupCountry(header: BackupHeader, nodeCountry: string): void {
  if (header.country !== nodeCountry) throw new BackupCountryError(header.country, nodeCountry)
}

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4)
  new DataView(b.buffer).setUint32(0, n)
  return b
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** The backup stream: one output chunk per input batch of records, then the trailer. */
export async function* encodeBackup(
  header: Omit<BackupHeader, 'format'>,
  batches: AsyncIterable<readonly BackupRecord[]>,
): AsyncGenerator<Uint8Array> {
  const hash = createHash('sha256')
  let records = 0
  const emit = (b: Uint8Array): Uint8Array => {
    hash.update(b)
    return b
  }
  const head = encoder.encode(JSON.stringify({ format: 1, ...header }))
  yield emit(concat([encoder.encode(BACKUP_MAGIC), u32(head.length), head]))
  for await (const batch of batches) {
    const parts: Uint8Array[] = []
    for (const [key, value] of batch) {
      const k = encoder.encode(key)
      parts.push(u32(k.length), k, u32(value.length), value)
      records++
    }
    if (parts.length > 0) yield emit(concat(parts))
  }
  const end = emit(u32(0))
  const trailer = encoder.encode(JSON.stringify({ records, sha256: hash.digest('hex') } satisfies BackupTrailer))
  yield concat([end, u32(trailer.length), trailer])
}

/** Pulls exact byte counts out of a stream of chunks, hashing what it hands out when asked to. */
class Reader {
  readonly #it: AsyncIterator<Uint8Array>
  #buf: Uint8Array = new Uint8Array(0)
  #at = 0
  readonly hash = createHash('sha256')
  hashing = true
  bytes = 0

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#it = source[Symbol.asyncIterator]()
  }

  async read(n: number, what: string): Promise<Uint8Array> {
    const parts: Uint8Array[] = []
    let need = n
    while (need > 0) {
      if (this.#at >= this.#buf.length) {
        const next = await this.#it.next()
        if (next.done === true) throw new BackupError(`the backup is truncated (in ${what})`)
        this.#buf = next.value
        this.#at = 0
        continue
      }
      const take = Math.min(need, this.#buf.length - this.#at)
      parts.push(this.#buf.subarray(this.#at, this.#at + take))
      this.#at += take
      need -= take
    }
    const out = parts.length === 1 ? parts[0]! : concat(parts)
    if (this.hashing) this.hash.update(out)
    this.bytes += n
    return out
  }

  async u32(what: string): Promise<number> {
    const b = await this.read(4, what)
    return new DataView(b.buffer, b.byteOffset, 4).getUint32(0)
  }

  async json<T>(what: string): Promise<T> {
    const n = await this.u32(what)
    if (n > MAX_JSON) throw new BackupError(`the backup's ${what} is ${n} bytes: not a backup`)
    try {
      return JSON.parse(decoder.decode(await this.read(n, what))) as T
    } catch (e) {
      if (e instanceof BackupError) throw e
      throw new BackupError(`the backup's ${what} is not JSON`)
    }
  }

  async atEnd(): Promise<boolean> {
    if (this.#at < this.#buf.length) return false
    for (;;) {
      const next = await this.#it.next()
      if (next.done === true) return true
      if (next.value.length > 0) {
        this.#buf = next.value
        this.#at = 0
        return false
      }
    }
  }
}

/**
 * Reads a backup: the header first, then batches of records (at most `batch` each), and checks
 * the trailer (record count and SHA-256) at the end. A caller that must not act on a damaged
 * file reads it through once (verifyBackup) before acting on a second read.
 */
export async function* decodeBackup(
  source: AsyncIterable<Uint8Array>,
  onHeader: (h: BackupHeader) => void,
  batch = 512,
): AsyncGenerator<BackupRecord[], BackupTrailer> {
  const r = new Reader(source)
  const magic = await r.read(BACKUP_MAGIC.length, 'magic').catch(() => new Uint8Array(0))
  if (new TextDecoder().decode(magic) !== BACKUP_MAGIC) throw new BackupError('not a sis backup file (wrong magic)')
  const header = await r.json<BackupHeader>('header')
  if (header.format !== 1 || typeof header.country !== 'string' || typeof header.layout !== 'string')
    throw new BackupError('unknown backup format')
  onHeader(header)
  let records = 0
  let out: BackupRecord[] = []
  for (;;) {
    const kn = await r.u32('a record key length')
    if (kn === 0) break
    if (kn > MAX_KEY) throw new BackupError(`a key of ${kn} bytes: the backup is damaged`)
    const key = decoder.decode(await r.read(kn, 'a record key'))
    const vn = await r.u32('a record value length')
    if (vn > MAX_VALUE) throw new BackupError(`a value of ${vn} bytes: the backup is damaged`)
    out.push([key, new Uint8Array(await r.read(vn, 'a record value'))])
    records++
    if (out.length >= batch) {
      yield out
      out = []
    }
  }
  if (out.length > 0) yield out
  const digest = r.hash.digest('hex')
  r.hashing = false
  const trailer = await r.json<BackupTrailer>('trailer')
  if (!(await r.atEnd())) throw new BackupError('bytes after the trailer: the backup is damaged')
  if (trailer.sha256 !== digest)
    throw new BackupError(
      `checksum mismatch: the file says ${String(trailer.sha256).slice(0, 16)}…, its content hashes to ${digest.slice(0, 16)}…`,
    )
  if (trailer.records !== records)
    throw new BackupError(`the trailer counts ${trailer.records} records, the file holds ${records}`)
  return trailer
}

/** Reads a backup to the end without keeping anything: its header and trailer if it is whole. */
export async function verifyBackup(
  source: AsyncIterable<Uint8Array>,
  progress?: (records: number) => void,
): Promise<{ header: BackupHeader; trailer: BackupTrailer }> {
  let header: BackupHeader | undefined
  const it = decodeBackup(source, (h) => {
    header = h
  })
  let n = 0
  for (;;) {
    const next = await it.next()
    if (next.done === true) return { header: header!, trailer: next.value }
    n += next.value.length
    progress?.(n)
  }
}
