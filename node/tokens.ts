/**
 * The node's API tokens, managed while it runs: created, listed and revoked through the admin
 * API (or offline by `sis token` on a stopped node), effective on the next request. They live in
 * `tokens.json` in the data folder, written atomically and synced (the file, then the folder
 * after the rename), so a crash or kill -9 leaves the old list or the new one, never a mix.
 *
 * Only SHA-256 hashes of the secrets are kept; a token's `id` is random and says nothing about
 * the secret. Tokens that older versions wrote into node.json are moved here when the store is
 * opened (first tokens.json, then node.json without them), so there is one list to revoke from.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import type { ApiToken, TokenSource } from './api/auth.ts'
import { checkTokens, hashToken } from './api/auth.ts'
import { DATA_FILES, PrincipalConfig } from './config.ts'
import { writeFileAtomic } from '../shared/files.ts'
import type { Principal } from './service.ts'

export const TOKEN_ID = /^[0-9a-f]{16}$/

const TokenRecord = z.strictObject({
  id: z.string().regex(TOKEN_ID),
  tokenSha256: z.string().regex(/^[0-9a-f]{64}$/),
  principal: PrincipalConfig,
  created: z.iso.datetime(),
})
type TokenRecord = z.infer<typeof TokenRecord>

/** tokens.json. */
export const TokensFile = z.strictObject({
  version: z.literal(1),
  tokens: z
    .array(TokenRecord)
    .refine((list) => new Set(list.map((t) => t.id)).size === list.length, 'token ids must be unique'),
})

/**
 * Who a new token is for. Stricter than what node.json always accepted: a name that shows in
 * audit lines and listings, one line, bounded.
 */
export const NewTokenPrincipal = PrincipalConfig.refine((p) => /^[^\p{Cc}]{1,128}$/u.test(p.name), {
  message: 'name: 1 to 128 characters, no control characters',
  path: ['name'],
})

/** A token as listed: never its secret nor its hash. */
export interface TokenInfo {
  readonly id: string
  readonly principal: Principal
  readonly created: string
}

/** A token just created: the secret is handed out this once. */
export interface IssuedToken extends TokenInfo {
  readonly token: string
}

/** A fresh secret: 192 random bits, URL-safe, with a prefix that secret scanners can find. */
export function newTokenSecret(): string {
  return `sis_${randomBytes(24).toString('base64url')}`
}

function info(r: TokenRecord): TokenInfo {
  return { id: r.id, principal: r.principal, created: r.created }
}

export class TokenStore implements TokenSource {
  /** Where the list is kept; undefined for an in-memory store (API unit tests). */
  readonly #path: string | undefined
  readonly #now: () => string
  #records: readonly TokenRecord[]
  #current: readonly ApiToken[]

  private constructor(path: string | undefined, records: readonly TokenRecord[], now: () => string) {
    this.#path = path
    this.#now = now
    this.#records = records
    this.#current = this.#snapshot(records)
  }

  /**
   * The tokens of a data folder: tokens.json, plus any tokens node.json still lists (moved into
   * tokens.json, then removed from node.json). A malformed tokens.json is refused (the node does
   * not start) rather than read as "no tokens".
   */
  static open(dataDir: string, options: { now?: () => string } = {}): TokenStore {
    const now = options.now ?? (() => new Date().toISOString())
    const path = join(dataDir, DATA_FILES.tokens)
    let records: TokenRecord[] = []
    if (existsSync(path)) {
      const parsed = TokensFile.safeParse(JSON.parse(readFileSync(path, 'utf8')))
      if (!parsed.success)
        throw new Error(
          `${DATA_FILES.tokens}: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? 'invalid'}`,
        )
      records = parsed.data.tokens
    }
    const store = new TokenStore(path, records, now)
    store.#adoptNodeJsonTokens(join(dataDir, DATA_FILES.config))
    return store
  }

  /** A store that keeps nothing on disk, seeded with fixed tokens. */
  static inMemory(tokens: readonly ApiToken[], options: { now?: () => string } = {}): TokenStore {
    const now = options.now ?? (() => new Date().toISOString())
    const at = now()
    return new TokenStore(
      undefined,
      tokens.map((t) => ({
        id: newId(),
        tokenSha256: t.tokenSha256.toLowerCase(),
        principal: t.principal,
        created: at,
      })),
      now,
    )
  }

  /** The tokens in force now; a new array after every change (the authenticator relies on that). */
  current(): readonly ApiToken[] {
    return this.#current
  }

  list(): TokenInfo[] {
    return this.#records.map(info)
  }

  /** Creates a token; it is on disk (synced) before this returns, and authenticates from then on. */
  create(principal: Principal): IssuedToken {
    const token = newTokenSecret()
    const record: TokenRecord = { id: newId(), tokenSha256: hashToken(token), principal, created: this.#now() }
    this.#replace([...this.#records, record])
    return { ...info(record), token }
  }

  /** Revokes a token by id; undefined if there is none. Durable before it returns. */
  revoke(id: string): TokenInfo | undefined {
    const found = this.#records.find((r) => r.id === id)
    if (found === undefined) return undefined
    this.#replace(this.#records.filter((r) => r !== found))
    return info(found)
  }

  #snapshot(records: readonly TokenRecord[]): readonly ApiToken[] {
    const tokens = records.map((r) => ({ tokenSha256: r.tokenSha256, principal: r.principal }))
    checkTokens(tokens)
    return tokens
  }

  /** Writes first, then takes the list: a failed write changes nothing in force. */
  #replace(records: readonly TokenRecord[]): void {
    const current = this.#snapshot(records)
    if (this.#path !== undefined)
      writeFileAtomic(this.#path, JSON.stringify({ version: 1, tokens: records }, null, 2) + '\n', { mode: 0o600 })
    this.#records = records
    this.#current = current
  }

  #adoptNodeJsonTokens(configPath: string): void {
    if (!existsSync(configPath)) return
    const raw = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>
    const legacy = z
      .array(z.strictObject({ tokenSha256: z.string().regex(/^[0-9a-fA-F]{64}$/), principal: PrincipalConfig }))
      .safeParse(raw.tokens ?? [])
    // node.json's own schema reports a malformed list when the node reads its configuration.
    if (!legacy.success || legacy.data.length === 0) return
    const held = new Set(this.#records.map((r) => r.tokenSha256))
    const at = this.#now()
    const added = legacy.data
      .filter((t) => !held.has(t.tokenSha256.toLowerCase()))
      .map((t) => ({ id: newId(), tokenSha256: t.tokenSha256.toLowerCase(), principal: t.principal, created: at }))
    // tokens.json first: a crash in between leaves them in both files, and the next open finds
    // them held already. Never the other way round, which could lose them.
    if (added.length > 0) this.#replace([...this.#records, ...added])
    writeFileAtomic(configPath, JSON.stringify({ ...raw, tokens: [] }, null, 2) + '\n')
  }
}

function newId(): string {
  return randomBytes(8).toString('hex')
}
