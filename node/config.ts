/**
 * The node's configuration as the node receives it: cli/ reads node.json, the key files and the
 * membership file, validates them once, and hands this typed object to SisNode.
 */
import { z } from 'zod'
import type { PrivateKey } from '@libp2p/interface'
import { CAREC_COUNTRY_CODES } from '../protocol/codes/index.ts'
import type { SigningKey } from '../protocol/crypto/index.ts'
import type { Membership } from '../protocol/membership/index.ts'

export const PrincipalConfig = z.discriminatedUnion('role', [
  z.strictObject({ role: z.literal('admin'), name: z.string() }),
  z.strictObject({ role: z.literal('integration'), name: z.string() }),
  z.strictObject({ role: z.literal('officer'), name: z.string(), office: z.string().regex(/^[A-Z]{2}[A-Z0-9]{6}$/) }),
  z.strictObject({ role: z.literal('trader'), name: z.string(), traderId: z.string().min(1).max(35) }),
])

/** node.json in the data folder. */
export const NodeFile = z.strictObject({
  country: z.enum(CAREC_COUNTRY_CODES),
  keyId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  listen: z.array(z.string()).min(1).default(['/ip4/127.0.0.1/tcp/0']),
  api: z.strictObject({ host: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65535).default(0) }).default({ host: '127.0.0.1', port: 0 }),
  tokens: z.array(z.strictObject({ tokenSha256: z.string().regex(/^[0-9a-f]{64}$/), principal: PrincipalConfig })).default([]),
})
export type NodeFile = z.infer<typeof NodeFile>

export interface NodeConfig {
  readonly dataDir: string
  readonly file: NodeFile
  readonly signingKey: SigningKey
  readonly p2pKey: PrivateKey
  readonly membership: Membership
  /** The signed membership file as read (JSON), stored in the membership history. */
  readonly membershipSigned?: unknown
  /** The clock (tests may pin it). */
  readonly now?: () => string
}

/** File names inside a node's data folder. */
export const DATA_FILES = {
  config: 'node.json',
  signingKey: 'signing.pem',
  p2pKey: 'p2p.key',
  membership: 'membership.json',
  store: 'store',
} as const
