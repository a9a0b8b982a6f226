/**
 * The node's configuration as the node receives it: cli/ reads node.json, the key files and the
 * membership file, validates them once, and hands this typed object to SisNode.
 */
import { z } from 'zod'
import type { PrivateKey } from '@libp2p/interface'
import { CAREC_COUNTRY_CODES } from '../protocol/codes/index.ts'
import type { SigningKey } from '../protocol/crypto/index.ts'
import type { Membership } from '../protocol/membership/index.ts'

const PrincipalName = z.string().describe('who holds the token, as audit lines name them')

/** Who an API token speaks for, and what its role lets it do (node/access.ts). */
export const PrincipalConfig = z.discriminatedUnion('role', [
  z.strictObject({
    role: z.literal('admin').describe('the operator: reads everything, changes the membership, manages the API tokens'),
    name: PrincipalName,
  }),
  z.strictObject({
    role: z
      .literal('integration')
      .describe("the national customs system's adapter: writes and reads every document of the node"),
    name: PrincipalName,
  }),
  z.strictObject({
    role: z.literal('officer').describe('a customs officer, bound to one office'),
    name: PrincipalName,
    office: z
      .string()
      .regex(/^[A-Z]{2}[A-Z0-9]{6}$/)
      .describe('the reference number of its customs office'),
  }),
  z.strictObject({
    role: z.literal('trader').describe('read-only access to its own transits'),
    name: PrincipalName,
    traderId: z.string().min(1).max(35).describe("the trader's identification number (holder, consignor or consignee)"),
  }),
])

const AdapterName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lowercase letters, digits, ".", "_" and "-", at most 64')
  .describe("the adapter's name in logs, metrics and its state folder; unique among the adapters")

/**
 * One adapter the node runs in its own process (node/adapters.ts). Relative paths are relative to
 * the data folder. The formats offered per kind are those the conformance kit passes for.
 */
export const AdapterConfig = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('file-drop').describe('a folder the national system drops files into and reads results from'),
    name: AdapterName,
    folder: z
      .string()
      .min(1)
      .describe('holds inbox/, processed/, failed/, outbox/ and .sis-adapter/ (journal, dead letters)'),
    format: z.enum(['sis', 'ncts', 'cusres']).default('sis').describe('the format of the files written to outbox/'),
    pollMs: z.number().int().min(50).max(3_600_000).default(1000).describe('how often inbox/ is read, in milliseconds'),
  }),
  z.strictObject({
    kind: z.literal('webhook').describe("signed HTTP POSTs of the node's events to the national system"),
    name: AdapterName,
    url: z.url({ protocol: /^https?$/ }).describe('where the events are posted (http or https)'),
    secretFile: z
      .string()
      .min(1)
      .describe('a file holding the HMAC secret, read at start; keep it 0600, out of node.json'),
    format: z.enum(['sis', 'ncts']).default('sis').describe('the format of the posted bodies'),
    stateFolder: z
      .string()
      .min(1)
      .optional()
      .describe('journal and dead letters (default: adapters/<name> in the data folder)'),
    timeoutMs: z
      .number()
      .int()
      .min(100)
      .max(300_000)
      .default(10_000)
      .describe('how long one POST may take, in milliseconds'),
  }),
])
export type AdapterConfig = z.infer<typeof AdapterConfig>

/** Readiness modes of node.json `readiness`; the first is the default. */
export const READINESS = ['peer', 'always'] as const
export type Readiness = (typeof READINESS)[number]

/** node.json in the data folder; docs/configuration.md is generated from it (node/config-reference.ts). */
export const NodeFile = z.strictObject({
  country: z.enum(CAREC_COUNTRY_CODES).describe('the customs service this node belongs to'),
  keyId: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/)
    .describe('the id of the signing key in signing.pem, as the membership names it (`sis init` picks one)'),
  listen: z
    .array(z.string())
    .min(1)
    .default(['/ip4/127.0.0.1/tcp/0'])
    .describe('the libp2p listen multiaddrs (one TCP port, open to the other members)'),
  api: z
    .strictObject({
      host: z
        .string()
        .default('127.0.0.1')
        .describe('the interface the HTTP API listens on; keep it on loopback or behind a proxy'),
      port: z.number().int().min(0).max(65535).default(0).describe('the HTTP API port (0: any free port)'),
    })
    .default({ host: '127.0.0.1', port: 0 })
    .describe('the local HTTP API of officers, traders and the national system'),
  // API tokens live in tokens.json (node/tokens.ts); any listed here are moved there when the
  // node or `sis token` opens the folder, so node.json files of older versions still work.
  tokens: z
    .array(
      z.strictObject({
        tokenSha256: z
          .string()
          .regex(/^[0-9a-f]{64}$/)
          .describe('the SHA-256 of the token, in hex'),
        principal: PrincipalConfig.describe('who the token speaks for'),
      }),
    )
    .default([])
    .describe(
      'obsolete: tokens of older versions, moved to tokens.json when the folder is opened; manage tokens with `sis token`',
    ),
  // Optional, so node.json files written before adapters existed read (and are written) unchanged.
  adapters: z
    .array(AdapterConfig)
    .refine((list) => new Set(list.map((a) => a.name)).size === list.length, 'adapter names must be unique')
    .optional()
    .describe('the adapters `sis start` runs once the node is up (docs/adapters.md)'),
  // Optional, so node.json files of older versions read (and are written) unchanged.
  readiness: z
    .enum(READINESS)
    .optional()
    .describe(
      "when GET /health/ready answers 200 besides a membership in force: 'peer' (the default) once at least one other member is connected, or in a federation of one; 'always' without waiting for a peer",
    ),
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
  /** People's accounts for the pages (login, role, scrypt hash), managed at run time: node/users.ts. */
  users: 'users.json',
  store: 'store',
  /** The pid of the node holding the store, while it runs (node/start-checks.ts). */
  pid: 'sis.pid',
} as const
