/**
 * The isolation rules of the contract as code: retries with exponential backoff and jitter, a
 * dead-letter store (in memory for tests, a folder for real use), and a small append-only
 * journal that survives a crash (one JSON line per record, fsynced before the call returns).
 */
import {
  appendFileSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
} from 'node:fs'
import { dirname, join } from 'node:path'
import { backoffDelay } from '../shared/backoff.ts'
import { writeFileAtomic } from '../shared/files.ts'
import { NodeClientError } from './contract.ts'

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 200, maxDelayMs: 30_000 }

/** Delay before attempt `n` (1 = the first retry): the project's one equal-jitter formula (shared/backoff.ts). */
export { backoffDelay }

export function isRetryable(e: unknown): boolean {
  return e instanceof NodeClientError ? e.retryable : false
}

/** Runs `fn` until it succeeds, fails for good (not retryable), or runs out of attempts. */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  opts: {
    policy?: RetryPolicy
    retryable?: (e: unknown) => boolean
    signal?: AbortSignal
    sleep?: (ms: number) => Promise<void>
  } = {},
): Promise<T> {
  const policy = opts.policy ?? DEFAULT_RETRY
  const retryable = opts.retryable ?? isRetryable
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt)
    } catch (e) {
      if (attempt >= policy.attempts || !retryable(e) || opts.signal?.aborted === true) throw e
      await sleep(backoffDelay(policy, attempt))
    }
  }
}

/** One item an adapter could not hand over, kept with the reason for an operator to replay. */
export interface DeadLetter {
  readonly id: string
  readonly direction: 'inbound' | 'outbound'
  readonly documentId?: string
  readonly reason: string
  readonly attempts: number
  readonly at: string
  /** What could not be delivered (an event, a webhook body), as JSON. */
  readonly payload: unknown
}

export interface DeadLetterStore {
  put(letter: DeadLetter): Promise<void>
  list(): Promise<DeadLetter[]>
}

export class MemoryDeadLetterStore implements DeadLetterStore {
  readonly #letters: DeadLetter[] = []

  async put(letter: DeadLetter): Promise<void> {
    this.#letters.push(letter)
  }

  async list(): Promise<DeadLetter[]> {
    return [...this.#letters]
  }
}

/** Dead letters as one JSON file each in a folder (`<id>.json`), written atomically and durably (mode 0640). */
export class FolderDeadLetterStore implements DeadLetterStore {
  readonly #dir: string

  constructor(dir: string) {
    this.#dir = dir
    mkdirSync(dir, { recursive: true })
  }

  async put(letter: DeadLetter): Promise<void> {
    writeFileAtomic(
      join(this.#dir, `${letter.id.replace(/[^A-Za-z0-9._-]/g, '_')}.json`),
      `${JSON.stringify(letter, null, 2)}\n`,
      { mode: 0o640 },
    )
  }

  async list(): Promise<DeadLetter[]> {
    return readdirSync(this.#dir)
      .filter((n) => n.endsWith('.json'))
      .sort()
      .map((n) => JSON.parse(readFileSync(join(this.#dir, n), 'utf8')) as DeadLetter)
  }
}

/**
 * An append-only journal of small JSON records, one per line, fsynced on every append. A line
 * cut short by a crash is ignored on reading (it was never acknowledged to anyone).
 */
export class Journal<R> {
  readonly #path: string
  readonly #records: R[] = []

  constructor(path: string) {
    this.#path = path
    mkdirSync(dirname(path), { recursive: true })
    if (existsSync(path)) {
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        if (line.trim() === '') continue
        try {
          this.#records.push(JSON.parse(line) as R)
        } catch {
          // The torn last line of a crash: the write it describes did not complete.
        }
      }
    }
  }

  get records(): readonly R[] {
    return this.#records
  }

  append(record: R): void {
    appendFileSync(this.#path, `${JSON.stringify(record)}\n`)
    const fd = openSync(this.#path, 'r')
    try {
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    this.#records.push(record)
  }
}
