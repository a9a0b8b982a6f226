/**
 * Webhook signatures. Each POST carries
 *   X-SIS-Timestamp: <unix seconds>
 *   X-SIS-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body bytes>")>
 *   X-SIS-Delivery: <delivery id, the same on every retry>
 * A receiver recomputes the HMAC over the raw body, compares in constant time, refuses a
 * timestamp outside its replay window (default 300 s) and drops a delivery id it already took.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

export const SIGNATURE_HEADER = 'x-sis-signature'
export const TIMESTAMP_HEADER = 'x-sis-timestamp'
export const DELIVERY_HEADER = 'x-sis-delivery'
export const DEFAULT_REPLAY_WINDOW_S = 300

export function signWebhook(secret: string | Uint8Array, timestamp: number, body: Uint8Array): string {
  const mac = createHmac('sha256', secret)
  mac.update(`${timestamp}.`)
  mac.update(body)
  return `v1=${mac.digest('hex')}`
}

export type VerifyResult =
  { readonly ok: true } | { readonly ok: false; readonly reason: 'malformed' | 'stale' | 'mismatch' }

export function verifyWebhook(args: {
  secret: string | Uint8Array
  timestamp: string | undefined
  signature: string | undefined
  body: Uint8Array
  nowS: number
  windowS?: number
}): VerifyResult {
  if (
    args.timestamp === undefined ||
    !/^[0-9]{1,12}$/.test(args.timestamp) ||
    args.signature === undefined ||
    !/^v1=[0-9a-f]{64}$/.test(args.signature)
  )
    return { ok: false, reason: 'malformed' }
  const ts = Number(args.timestamp)
  if (Math.abs(args.nowS - ts) > (args.windowS ?? DEFAULT_REPLAY_WINDOW_S)) return { ok: false, reason: 'stale' }
  const expected = Buffer.from(signWebhook(args.secret, ts, args.body))
  const given = Buffer.from(args.signature)
  return expected.length === given.length && timingSafeEqual(expected, given)
    ? { ok: true }
    : { ok: false, reason: 'mismatch' }
}
