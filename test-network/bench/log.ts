/**
 * Signatures and intake: signs/s, verifies/s (parse and S5 check, digest, strict Ed25519) and
 * full intakes/s (verify, validate, place in the document log, apply the state machine), each
 * beside the raw node:crypto Ed25519 verify rate measured in the same run.
 */
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto'
import { signXml, verifyXml } from '../../protocol/dsig/index.ts'
import { computeState, DocumentLog, readEntry } from '../../protocol/log/index.ts'
import { encodeMessage, exampleMessage } from '../../protocol/messages/index.ts'
import { testKey, testMembership } from '../../protocol/testing/federation.ts'
import { transitLifecycle } from '../../protocol/testing/scenario.ts'
import { measure, rate } from './measure.ts'
import type { Row } from './measure.ts'

export function benchLog(seconds = 2): Row[] {
  const membership = testMembership()
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const raw = new Uint8Array(1024).fill(7)
  const rawSig = sign(null, raw, privateKey)
  const pub = createPublicKey(publicKey.export({ format: 'pem', type: 'spki' }))
  const ceiling = measure('node:crypto verify', () => verify(null, raw, pub, rawSig), { seconds })

  const key = testKey('KZ')
  const xml = encodeMessage('BorderPassageRecorded', exampleMessage('BorderPassageRecorded'))
  const signed = signXml(xml, key)
  const signs = measure('sign', () => signXml(xml, key), { seconds })
  const verifies = measure('verify', () => verifyXml(signed, () => key.publicKey), { seconds })

  // Full intake: a transit's ten entries in causal order into a fresh log, then its state.
  const { e } = transitLifecycle()
  const entries = Object.values(e)
  const intake = measure('intake', () => {
    // Each entry is read once: the log takes its document id from the first entry it reads.
    const first = readEntry(entries[0]!.bytes, membership)
    const log = new DocumentLog(first.documentId)
    log.add(first)
    for (const w of entries.slice(1)) log.add(readEntry(w.bytes, membership))
    computeState({ documentId: log.documentId, entries: log.entries() }, membership)
  }, { seconds, warmup: 20 })
  const intakes = { ...intake, opsPerSecond: intake.opsPerSecond * entries.length }
  // The most common entry alone: a border passage read, verified, validated and placed.
  const passage = e.passageKZ!
  const deps = [e.lodged!, e.accepted!, e.released!].map((w) => readEntry(w.bytes, membership))
  const one = measure('intake of one passage', () => {
    const log = new DocumentLog(deps[0]!.documentId)
    for (const d of deps) log.add(d)
    if (log.add(readEntry(passage.bytes, membership)).status !== 'accepted') throw new Error('the passage must be accepted')
  }, { seconds })
  const pct = (m: { opsPerSecond: number }) => `${Math.round((100 * m.opsPerSecond) / ceiling.opsPerSecond)}%`
  const avg = Math.round(entries.reduce((n, w) => n + w.bytes.length, 0) / entries.length)
  return [
    { what: `sign (${signed.length} B entry)`, figure: rate(signs), ceiling: rate(ceiling), ratio: pct(signs), note: 'parse, canonicalize, SHA-256, Ed25519 sign' },
    { what: 'verify', figure: rate(verifies), ceiling: rate(ceiling), ratio: pct(verifies), note: 'parse (the reader confirms the canonical form as it reads), profile checks, SHA-256, strict Ed25519 verify' },
    { what: `intake of a border passage (${passage.bytes.length} B)`, figure: rate(one), ceiling: rate(ceiling), ratio: pct(one), note: 'verify + validate + document log, the commonest entry' },
    { what: `full intake, whole transit (avg ${avg} B)`, figure: rate(intakes), ceiling: rate(ceiling), ratio: pct(intakes), note: 'the ten entries of a transit (one 8 KB declaration) verified, validated, placed, and the state computed; target: half the ceiling or better' },
  ]
}
