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

const AdapterName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lowercase letters, digits, ".", "_" and "-", at most 64')

/**
 * One adapter the node runs in its own process (node/adapters.ts). Relative paths are relative to
 * the data folder. The formats offered per kind are those the conformance kit passes for.
 */
export const AdapterConfig = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('file-drop'),
    name: AdapterName,
    /** Holds inbox/, processed/, failed/, outbox/ and .sis-adapter/ (journal, dead letters). */
    folder: z.string().min(1),
    format: z.enum(['sis', 'ncts', 'cusres']).default('sis'),
    pollMs: z.number().int().min(50).max(3_600_000).default(1000),
  }),
  z.strictObject({
    kind: z.literal('webhook'),
    name: AdapterName,
    url: z.url({ protocol: /^https?$/ }),
    /** A file holding the HMAC secret (read at start; keep it 0600, out of node.json). */
    secretFile: z.string().min(1),
    format: z.enum(['sis', 'ncts']).default('sis'),
    /** Journal and dead letters (default: adapters/<name> in the data folder). */
    stateFolder: z.string().min(1).optional(),
    timeoutMs: z.number().int().min(100).max(300_000).default(10_000),
  }),
])
export type AdapterConfig = z.infer<typeof AdapterConfig>

/** Readiness modes of node.json `readiness`; the first is the default. */
export const READINESS = ['peer', 'always'] as const
export type Readiness = (typeof READINESS)[number]

/** node.json in the data folder. */
export const NodeFile = z.strictObject({
  country: z.enum(CAREC_COUNTRY_CODES),
  keyId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  listen: z.array(z.string()).min(1).default(['/ip4/127.0.0.1/tcp/0']),
  api: z
    .strictObject({ host: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65535).default(0) })
    .default({ host: '127.0.0.1', port: 0 }),
  // API tokens live in tokens.json (node/tokens.ts); any listed here are moved there when the
  // node or `sis token` opens the folder, so node.json files of older versions still work.
  tokens: z
    .array(z.strictObject({ tokenSha256: z.string().regex(/^[0-9a-f]{64}$/), principal: PrincipalConfig }))
    .default([]),
  // Optional, so node.json files written before adapters existed read (and are written) unchanged.
  adapters: z
    .array(AdapterConfig)
    .refine((list) => new Set(list.map((a) => a.name)).size === list.length, 'adapter names must be unique')
    .optional(),
  /**
   * When GET /health/ready answers 200 (besides a membership in force): 'peer' (the default) once
   * at least one other member is connected, or a federation of one; 'always' without waiting for a
   * peer. Optional, so node.json files of older versions read (and are written) unchanged.
   */
  readiness: z.enum(READINESS).optional(),
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
  /** The API tokens (hashes and principals), managed at run time: node/tokens.ts. */
  tokens: 'tokens.json',
  store: 'store',
} as const
