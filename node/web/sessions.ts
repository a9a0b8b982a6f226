/**
 * Sessions of people logged in to the pages: a random id in an HttpOnly, SameSite=Strict
 * cookie; the node keeps only the id's SHA-256, in memory, with the principal, the CSRF token
 * of the session and when it was last used. A session unused for `idleMs` ends, and every
 * session ends after `maxMs`; a restart of the node ends them all (people log in again).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Principal } from '../service.ts'

export interface Session {
  readonly login: string
  readonly displayName: string
  readonly principal: Principal
  /** Sent back in every form; a POST without it is refused. */
  readonly csrf: string
  readonly created: number
  lastUsed: number
}

const hash = (id: string) => createHash('sha256').update(id).digest('hex')

export class SessionStore {
  readonly #sessions = new Map<string, Session>()
  readonly #idleMs: number
  readonly #maxMs: number
  readonly #now: () => number

  constructor(opts: { idleMs?: number; maxMs?: number; now?: () => number } = {}) {
    this.#idleMs = opts.idleMs ?? 30 * 60_000
    this.#maxMs = opts.maxMs ?? 12 * 3_600_000
    this.#now = opts.now ?? Date.now
  }

  /** A new session; the returned id goes into the cookie and is not kept. */
  create(who: { login: string; displayName: string; principal: Principal }): { id: string; session: Session } {
    const id = randomBytes(32).toString('base64url')
    const now = this.#now()
    const session: Session = { ...who, csrf: randomBytes(24).toString('base64url'), created: now, lastUsed: now }
    this.#sessions.set(hash(id), session)
    return { id, session }
  }

  /** The live session of a cookie's id, marked as used now; undefined when unknown or expired. */
  get(id: string | undefined): Session | undefined {
    if (id === undefined || id.length > 128) return undefined
    const key = hash(id)
    const s = this.#sessions.get(key)
    if (s === undefined) return undefined
    const now = this.#now()
    if (now - s.lastUsed > this.#idleMs || now - s.created > this.#maxMs) {
      this.#sessions.delete(key)
      return undefined
    }
    s.lastUsed = now
    return s
  }

  destroy(id: string | undefined): void {
    if (id !== undefined) this.#sessions.delete(hash(id))
  }

  /** Ends every session of a login (disabled, password changed). */
  destroyLogin(login: string): void {
    for (const [k, s] of this.#sessions) if (s.login === login) this.#sessions.delete(k)
  }

  get size(): number {
    return this.#sessions.size
  }
}

/** Whether a form's token is the session's, in constant time. */
export function csrfMatches(session: Session, sent: unknown): boolean {
  if (typeof sent !== 'string') return false
  const a = Buffer.from(session.csrf)
  const b = Buffer.from(sent)
  return a.length === b.length && timingSafeEqual(a, b)
}
