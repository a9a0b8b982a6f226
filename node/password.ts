/**
 * Password hashing for people's accounts: scrypt (memory-hard, in node:crypto), with a random
 * salt and its parameters kept in the stored string (`scrypt$N$r$p$salt$hash`, base64url), so
 * that the cost can be raised later and old hashes still verify. Checked in constant time.
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto'
import type { ScryptOptions } from 'node:crypto'

/** 2^15 × 128 × r = 32 MiB per hash: about 100 ms on one core of a small server. */
export const SCRYPT = { N: 2 ** 15, r: 8, p: 1 } as const
const KEY_BYTES = 32
const SALT_BYTES = 16
const STORED = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{32,})$/

/** What a password must be: long enough to resist guessing, short enough to hash, one line. */
export function passwordProblems(password: string): string[] {
  const problems: string[] = []
  if ([...password].length < 12) problems.push('at least 12 characters')
  if (password.length > 256) problems.push('at most 256 characters')
  if (/\p{Cc}/u.test(password)) problems.push('no control characters (a line break, a tab)')
  return problems
}

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize('NFC'), salt, keylen, options, (e, key) =>
      e === null ? resolve(key) : reject(e),
    ),
  )
}

const maxmem = (N: number, r: number) => 128 * N * r * 2

export async function hashPassword(
  password: string,
  cost: { N: number; r: number; p: number } = SCRYPT,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  const key = await scrypt(password, salt, KEY_BYTES, { ...cost, maxmem: maxmem(cost.N, cost.r) })
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64url')}$${key.toString('base64url')}`
}

/** Whether `stored` is a hash this module can check (it says nothing of the password). */
export function isPasswordHash(stored: string): boolean {
  const m = STORED.exec(stored)
  if (m === null) return false
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])]
  return N >= 2 ** 10 && N <= 2 ** 20 && (N & (N - 1)) === 0 && r >= 1 && r <= 32 && p >= 1 && p <= 16
}

/** A hash of nothing anyone knows: checked against for an unknown login, so that it costs the same. */
let decoy: Promise<string> | undefined

/** Whether `password` is the one `stored` was made from; `stored` undefined: always false, at the same cost. */
export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const target =
    stored !== undefined && isPasswordHash(stored)
      ? stored
      : await (decoy ??= hashPassword(randomBytes(32).toString('hex')))
  const m = STORED.exec(target)!
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const expected = Buffer.from(m[5]!, 'base64url')
  const key = await scrypt(password, Buffer.from(m[4]!, 'base64url'), expected.length, {
    N,
    r,
    p,
    maxmem: maxmem(N, r),
  })
  return timingSafeEqual(key, expected) && target === stored
}
