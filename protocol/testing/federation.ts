/**
 * Test kit: a federation of the eleven CAREC countries with deterministic keys (seeds derived
 * from the country code, so fixtures are reproducible), its membership, and a writer that signs
 * log entries for one document with correct chains, parents and authority references.
 * Test-only; real keys come from node/keys.ts.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { utf8ToBytes } from '@noble/hashes/utils.js'
import { CAREC_COUNTRY_CODES } from '../codes/index.ts'
import { publicKeyToBase64, signingKeyFromSeed } from '../crypto/index.ts'
import type { SigningKey } from '../crypto/index.ts'
import { signXml } from '../dsig/index.ts'
import { encodeMessage } from '../messages/index.ts'
import type { Message, MessageTypeName } from '../messages/index.ts'
import { loadMembership } from '../membership/index.ts'
import type { Membership, MembershipDocument } from '../membership/index.ts'
import { entryId } from '../log/index.ts'

export function testKey(country: string, generation = 1): SigningKey {
  return signingKeyFromSeed(sha256(utf8ToBytes(`sis-test-key:${country}:${generation}`)))
}

export function keyIdOf(country: string): string {
  return `${country.toLowerCase()}-node-2026-1`
}

export function testMembershipDocument(overrides: Partial<MembershipDocument> = {}): MembershipDocument {
  return {
    federation: 'CAREC SIS test federation',
    version: 1,
    validFrom: '2026-01-01T00:00:00Z',
    validUntil: '2027-12-31T23:59:59Z',
    quorum: 6,
    members: CAREC_COUNTRY_CODES.map((country) => ({
      country,
      name: `${country} customs`,
      keys: [
        {
          keyId: keyIdOf(country),
          publicKey: publicKeyToBase64(testKey(country).publicKey),
          validFrom: '2026-01-01T00:00:00Z',
        },
      ],
    })),
    ...overrides,
  }
}

export function testMembership(overrides: Partial<MembershipDocument> = {}): Membership {
  return loadMembership(testMembershipDocument(overrides))
}

export interface WrittenEntry {
  readonly id: string
  readonly bytes: Uint8Array
  readonly type: MessageTypeName
  readonly author: string
  readonly seq: number
}

/**
 * Writes the entries of one document as honest nodes would: each author's chain continues from
 * its last entry, parents are the given (or current) heads, authority entries as given.
 */
export class DocumentWriter {
  readonly documentId: string
  readonly #chains = new Map<string, { seq: number; last?: string }>()
  readonly written: WrittenEntry[] = []

  constructor(documentId: string) {
    this.documentId = documentId
  }

  write<T extends MessageTypeName>(
    type: T,
    author: string,
    body: Message<T>,
    opts: {
      parents?: string[]
      auth?: string[]
      at?: string
      seq?: number
      previous?: string | null
      key?: SigningKey
    } = {},
  ): WrittenEntry {
    const chain = this.#chains.get(author) ?? { seq: 0 }
    const seq = opts.seq ?? chain.seq + 1
    const previous = opts.previous === null ? undefined : (opts.previous ?? chain.last)
    const header = {
      ...body.Header,
      messageIdentification: `${author}-${type}-${seq}-${this.written.length}`,
      documentId: this.documentId,
      authorCountry: author,
      authorKeyId: keyIdOf(author),
      sequenceNumber: String(seq),
      previousEntry: seq > 1 ? previous : undefined,
      parentEntry: opts.parents && opts.parents.length > 0 ? opts.parents : undefined,
      authorityEntry: opts.auth && opts.auth.length > 0 ? opts.auth : undefined,
      preparationDateAndTime: opts.at ?? body.Header.preparationDateAndTime,
    }
    const xml = encodeMessage(type, { ...body, Header: header } as Message<T>)
    const bytes = signXml(xml, opts.key ?? testKey(author))
    const entry = { id: entryId(bytes), bytes, type, author, seq }
    if (opts.seq === undefined || seq > chain.seq) this.#chains.set(author, { seq, last: entry.id })
    this.written.push(entry)
    return entry
  }
}
