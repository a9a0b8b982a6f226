/**
 * Webhook signatures, as the Standard Webhooks specification (standardwebhooks.com) has them.
 * Each POST carries
 *   webhook-id: <message id: unique per message, the same on every retry of it>
 *   webhook-timestamp: <unix seconds>
 *   webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<raw body>")>
 * The key is the secret's: a `whsec_<base64>` secret (the spec's form) is the decoded bytes; any
 * other secret (the raw form of earlier versions) is its UTF-8 bytes. A receiver recomputes the
 * HMAC over the raw body, compares in constant time, refuses a timestamp outside its tolerance
 * (default 300 s) and drops a message id it already took; any Standard Webhooks library does
 * all of it (`new Webhook(secret)`, or `new Webhook(secret, { format: 'raw' })` for a raw one).
 *
 * Also sent, for receivers built on earlier versions (deprecated):
 *   X-SIS-Timestamp: <unix seconds>
 *   X-SIS-Signature: v1=<hex HMAC-SHA256(key, "<timestamp>.<raw body>")>
 *   X-SIS-Delivery: <the message id>
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

export const ID_HEADER = 'webhook-id'
export const STANDARD_TIMESTAMP_HEADER = 'webhook-timestamp'
export const STANDARD_SIGNATURE_HEADER = 'webhook-signature'
export const SIGNATURE_HEADER = 'x-sis-signature'
export const TIMESTAMP_HEADER = 'x-sis-timestamp'
export const DELIVERY_HEADER = 'x-sis-delivery'
export const DEFAULT_REPLAY_WINDOW_S = 300

const SECRET_PREFIX = 'whsec_'

/** A webhook secret that cannot be used; the message never holds the secret itself. */
export class WebhookSecretError extends Error {
  override readonly name = 'WebhookSecretError'
}

/** The HMAC key of a secret: `whsec_<base64>` decoded, or a raw secret's UTF-8 bytes. */
export function webhookKey(secret: string): Uint8Array {
  if (secret === '') throw new WebhookSecretError('the webhook secret is empty')
  if (!secret.startsWith(SECRET_PREFIX)) return new TextEncoder().encode(secret)
  const b64 = secret.slice(SECRET_PREFIX.length)
  if (b64 === '' || b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64))
    throw new WebhookSecretError(
      `the webhook secret starts with ${SECRET_PREFIX} but what follows is not base64 (${b64.length} characters)`,
    )
  return new Uint8Array(Buffer.from(b64, 'base64'))
}

function hmac(key: string | Uint8Array, prefix: string, body: Uint8Array): Buffer {
  return createHmac('sha256', key).update(prefix).update(body).digest()
}

/** The value of webhook-signature for one message. */
export function signStandardWebhook(key: Uint8Array, id: string, timestamp: number, body: Uint8Array): string {
  return `v1,${hmac(key, `${id}.${timestamp}.`, body).toString('base64')}`
}

/** The value of X-SIS-Signature (deprecated: earlier versions' receivers). */
export function signWebhook(secret: string | Uint8Array, timestamp: number, body: Uint8Array): string {
  return `v1=${hmac(secret, `${timestamp}.`, body).toString('hex')}`
}

export type VerifyResult =
  { readonly ok: true } | { readonly ok: false; readonly reason: 'malformed' | 'stale' | 'mismatch' }

function sameText(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)]
  return x.length === y.length && timingSafeEqual(x, y)
}

function checkTimestamp(timestamp: string, nowS: number, windowS = DEFAULT_REPLAY_WINDOW_S): VerifyResult {
  return Math.abs(nowS - Number(timestamp)) > windowS ? { ok: false, reason: 'stale' } : { ok: true }
}

/** What a receiver checks: the headers as received, the raw body, its clock and tolerance. */
export interface DeliveryCheck {
  readonly timestamp: string | undefined
  readonly signature: string | undefined
  readonly body: Uint8Array
  readonly nowS: number
  readonly windowS?: number
}

/** Checks the Standard Webhooks headers of a delivery (any one of several `v1,` signatures). */
export function verifyStandardWebhook(
  args: DeliveryCheck & { readonly key: Uint8Array; readonly id: string | undefined },
): VerifyResult {
  if (args.id === undefined || args.id === '' || args.signature === undefined) return { ok: false, reason: 'malformed' }
  if (args.timestamp === undefined || !/^[0-9]{1,12}$/.test(args.timestamp)) return { ok: false, reason: 'malformed' }
  const fresh = checkTimestamp(args.timestamp, args.nowS, args.windowS)
  if (!fresh.ok) return fresh
  const expected = signStandardWebhook(args.key, args.id, Number(args.timestamp), args.body)
  return args.signature.split(' ').some((s) => sameText(s, expected)) ? { ok: true } : { ok: false, reason: 'mismatch' }
}

/** Checks the X-SIS-* headers of a delivery (deprecated: earlier versions' receivers). */
export function verifyWebhook(args: DeliveryCheck & { readonly secret: string | Uint8Array }): VerifyResult {
  if (
    args.timestamp === undefined ||
    !/^[0-9]{1,12}$/.test(args.timestamp) ||
    args.signature === undefined ||
    !/^v1=[0-9a-f]{64}$/.test(args.signature)
  )
    return { ok: false, reason: 'malformed' }
  const fresh = checkTimestamp(args.timestamp, args.nowS, args.windowS)
  if (!fresh.ok) return fresh
  return sameText(args.signature, signWebhook(args.secret, Number(args.timestamp), args.body))
    ? { ok: true }
    : { ok: false, reason: 'mismatch' }
}
