// readEntries (the receiver's batch intake) gives each entry exactly what readEntry gives it: the
// same entry, or the same refusal, whatever the batch holds around it and across the groups it
// verifies together.
import { describe, expect, it } from 'vitest'
import { SisError } from '../errors.ts'
import { encodeMessage, exampleMessage } from '../messages/index.ts'
import { signXml } from '../dsig/index.ts'
import { keyIdOf, testKey, testMembership } from '../testing/federation.ts'
import { transitLifecycle } from '../testing/scenario.ts'
import { readEntries, readEntry } from './entry.ts'

const membership = testMembership()
const UTF8 = new TextEncoder()
const TEXT = new TextDecoder()

function single(bytes: Uint8Array): string {
  try {
    const entry = readEntry(bytes, membership)
    return `${entry.id} ${entry.type} ${entry.author}/${entry.seq}`
  } catch (e) {
    if (!(e instanceof SisError)) throw e
    return `${e.code}: ${e.message}`
  }
}

function batched(result: ReturnType<typeof readEntries>[number]): string {
  return result instanceof SisError
    ? `${result.code}: ${result.message}`
    : `${result.id} ${result.type} ${result.author}/${result.seq}`
}

describe('readEntries', () => {
  const { e } = transitLifecycle()
  const good = Object.values(e).map((w) => w.bytes)
  const passage = TEXT.decode(e.passageKZ?.bytes)
  const value = passage.indexOf('<ds:SignatureValue>') + '<ds:SignatureValue>'.length
  const bad: Uint8Array[] = [
    UTF8.encode(passage.slice(0, value + 2) + (passage[value + 2] === 'A' ? 'B' : 'A') + passage.slice(value + 3)), // SIG_INVALID
    UTF8.encode(passage.replace('045 ABC 02', '045 ABC 03')), // SIG_DIGEST_MISMATCH
    UTF8.encode(`${passage}\n`), // not canonical: refused after the signature holds
    UTF8.encode(passage.slice(0, 200)), // XML_MALFORMED
    UTF8.encode('<!DOCTYPE x [<!ENTITY a "b">]><x/>'),
    // Directed message, and a signed message whose value is invalid (refused after its signature).
    signXml(
      encodeMessage('GuaranteeBalanceQuery', {
        ...exampleMessage('GuaranteeBalanceQuery'),
        Header: { ...exampleMessage('GuaranteeBalanceQuery').Header, authorCountry: 'KZ', authorKeyId: keyIdOf('KZ') },
      }),
      testKey('KZ'),
    ),
    signXml(
      encodeMessage('BorderPassageRecorded', exampleMessage('BorderPassageRecorded')).replace(
        '<sealsIntact>1<',
        '<sealsIntact>7<',
      ),
      testKey('KZ'),
    ),
    // Signed by another key than the one pinned for its author.
    signXml(encodeMessage('BorderPassageRecorded', exampleMessage('BorderPassageRecorded')), testKey('KZ', 2)),
    // Both: the signature's refusal comes first, as in readEntry.
    signXml(
      encodeMessage('BorderPassageRecorded', exampleMessage('BorderPassageRecorded')).replace(
        '<sealsIntact>1<',
        '<sealsIntact>7<',
      ),
      testKey('KZ', 2),
    ),
  ]

  const EXPECTED_REFUSALS = [
    'LOG_NOT_A_LOG_ENTRY',
    'MSG_INVALID_VALUE',
    'SIG_DIGEST_MISMATCH',
    'SIG_INVALID',
    'SIG_MALFORMED',
    'XML_DOCTYPE_FORBIDDEN',
    'XML_MALFORMED',
  ]

  it('gives each entry what readEntry gives it, good and bad mixed, over several groups', () => {
    const list = [...good, ...bad, ...good, ...bad, ...good, ...bad, ...good.slice(0, 3)] // 57 entries: two groups
    expect(list.length).toBeGreaterThan(32)
    const results = readEntries(list, membership)
    expect(results.map(batched)).toEqual(list.map(single))
    // Each kind of bad entry is refused, each good one read.
    const refused = new Set(results.filter((r) => r instanceof SisError).map((r) => (r as SisError).code))
    expect([...refused].sort()).toEqual(EXPECTED_REFUSALS)
    expect(results.filter((r) => !(r instanceof SisError))).toHaveLength(good.length * 3 + 3)
    expect(batched(results[good.length + bad.length - 1] as SisError)).toMatch(/^SIG_INVALID/)
  })

  it('an empty batch is an empty answer', () => {
    expect(readEntries([], membership)).toEqual([])
  })
})
