/**
 * A deterministic MRN for a national declaration: the same LRN lodged twice at the same office
 * in the same year gets the same MRN, so a retry after a crash is refused by the node as a
 * duplicate (409 LOG_DUPLICATE) instead of opening a second transit. The node accepts an MRN
 * from an integration client (node/node.ts lodge); it allocates one only for officers.
 */
import { allocateMrn } from '../protocol/index.ts'
import { sha256 } from '../protocol/crypto/index.ts'

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'

export function mrnForLrn(args: { lrn: string; departureOffice: string; declaredAt: string }): string {
  const country = args.departureOffice.slice(0, 2)
  const digest = sha256(new TextEncoder().encode(`${args.departureOffice}\n${args.lrn}`))
  let serial = ''
  for (let i = 0; i < 12; i++) serial += ALPHABET[digest[i]! % 36]
  return allocateMrn({ year: Number(args.declaredAt.slice(0, 4)), country, serial, procedure: 'J' })
}
