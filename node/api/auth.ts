/**
 * Bearer-token authentication and role checks. The node keeps only SHA-256 hashes of its API
 * tokens (a leaked configuration file does not leak a usable token), compares them in constant
 * time, and denies by default: a route names the roles that may call it and nobody else can.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { Principal } from '../service.ts'
import { ApiError } from './errors.ts'

export type Role = Principal['role']
export const ROLES: readonly Role[] = ['admin', 'integration', 'officer', 'trader']

export interface ApiToken {
  /** Lowercase or uppercase hex of SHA-256 over the token's UTF-8 bytes. */
  readonly tokenSha256: string
  readonly principal: Principal
}

/** The value to store for a token (used by the CLI when it issues tokens). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/** RFC 6750 b64token, bounded: anything else is not a token we could have issued. */
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]{1,512}=*)$/i

interface Known {
  readonly hash: Buffer
  readonly principal: Principal
}

export type Authenticator = (authorization: string | undefined) => Principal

/** Tokens that change while the node runs (node/tokens.ts): a new array after every change. */
export interface TokenSource {
  current(): readonly ApiToken[]
}

/** Refuses malformed hashes, and one hash naming two principals. */
export function checkTokens(tokens: readonly ApiToken[]): void {
  compile(tokens)
}

function compile(tokens: readonly ApiToken[]): Known[] {
  const known: Known[] = tokens.map((t, i) => {
    if (!/^[0-9a-fA-F]{64}$/.test(t.tokenSha256)) {
      throw new Error(`API token ${i} (${t.principal.name}): tokenSha256 must be 64 hex digits`)
    }
    return { hash: Buffer.from(t.tokenSha256, 'hex'), principal: t.principal }
  })
  // One token naming two principals would make the caller's identity depend on table order.
  const seen = new Set(known.map((k) => k.hash.toString('hex')))
  if (seen.size !== known.length) throw new Error('API tokens: the same token hash appears twice')
  return known
}

/**
 * Builds the lookup once (a fixed list is checked at start-up rather than at the first request);
 * from a TokenSource it is rebuilt whenever the source's list changes, so a token created or
 * revoked counts from the next request on.
 */
export function createAuthenticator(tokens: readonly ApiToken[] | TokenSource): Authenticator {
  const source: TokenSource = 'current' in tokens ? tokens : { current: () => tokens }
  let list = source.current()
  let known = compile(list)
  return (authorization) => {
    const now = source.current()
    if (now !== list) {
      known = compile(now)
      list = now
    }
    const match = authorization === undefined ? null : BEARER.exec(authorization)
    if (match === null) throw unauthenticated()
    const presented = createHash('sha256')
      .update(match[1] ?? '', 'utf8')
      .digest()
    // Every known hash is compared, without an early exit, so the time taken does not tell
    // which token (or whether any) came close.
    let found: Principal | undefined
    for (const k of known) {
      if (timingSafeEqual(k.hash, presented) && found === undefined) found = k.principal
    }
    if (found === undefined) throw unauthenticated()
    return found
  }
}

/** 403 unless the principal's role is one the route names. */
export function authorize(principal: Principal, roles: readonly Role[]): void {
  if (!roles.includes(principal.role)) {
    throw new ApiError('API_FORBIDDEN', `the role ${principal.role} may not use this route`, { role: principal.role })
  }
}

function unauthenticated(): ApiError {
  return new ApiError('API_UNAUTHENTICATED', 'a valid bearer token is required (Authorization: Bearer <token>)')
}

/** What the logs may say about a caller: never a token, only who it resolved to. */
export function describePrincipal(p: Principal): Record<string, string> {
  switch (p.role) {
    case 'officer':
      return { role: p.role, name: p.name, office: p.office }
    case 'trader':
      return { role: p.role, name: p.name, traderId: p.traderId }
    default:
      return { role: p.role, name: p.name }
  }
}
