/**
 * Signatures and intake: signs/s, verifies/s (parse and S5 check, digest, strict Ed25519) and
 * full intakes/s (verify, validate, place in the document log, apply the state machine), each
 * beside the raw node:crypto Ed25519 verify rate measured in the same run: all in turns, nine
 * rounds each (measureTogether), the figure the median round, the note the fastest round.
 */
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto'
import { signXml, verifyXml } from '../../protocol/dsig/index.ts'
import { computeState, DocumentLog, readAllEntries, readEntry } from '../../protocol/log/index.ts'
import { encodeMessage, exampleMessage } from '../../protocol/messages/index.ts'
import { testKey, testMembership } from '../../protocol/testing/federation.ts'
import { transitLifecycle } from '../../protocol/testing/scenario.ts'
import { measureTogether, rate } from './measure.ts'
import type { Measurement } from './measure.ts'
import type { Row } from './measure.ts'

export function benchLog(seconds = 2): Row[] {
  const membership = testMembership()
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const raw = new Uint8Array(1024).fill(7)
  const rawSig = sign(null, raw, privateKey)
  const pub = createPublicKey(publicKey.export({ format: 'pem', type: 'spki' }))
  const key = testKey('KZ')
  const xml = encodeMessage('BorderPassageRecorded', exampleMessage('BorderPassageRecorded'))
  const signed = signXml(xml, key)
  // Full intake: a transit's ten entries in causal order into a fresh log, then its state.
  const { e } = transitLifecycle()
  const entries = Object.values(e)
  // As a receiver takes them: the batch a peer pushes goes through readEntries.
  const transitBytes = entries.map((w) => w.bytes)
  const intakeTransit = () => {
    const read = readAllEntries(transitBytes, membership)
    const log = new DocumentLog(read[0]?.documentId ?? '')
    for (const r of read) log.add(r)
    computeState({ documentId: log.documentId, entries: log.entries() }, membership)
  }
  // The most common entry alone: a border passage read, verified, validated and placed.
  const passage = e.passageKZ!
  const deps = [e.lodged!, e.accepted!, e.covered!, e.released!].map((w) => readEntry(w.bytes, membership))
  const intakePassage = () => {
    const log = new DocumentLog(deps[0]!.documentId)
    for (const d of deps) log.add(d)
    if (log.add(readEntry(passage.bytes, membership)).status !== 'accepted')
      throw new Error('the passage must be accepted')
  }
  // Measured in turns with the ceiling (measureTogether), each figure the median of its rounds.
  const m = measureTogether(
    {
      ceiling: () => verify(null, raw, pub, rawSig),
      signs: () => signXml(xml, key),
      verifies: () => verifyXml(signed, () => key.publicKey),
      one: intakePassage,
      intake: intakeTransit,
    },
    { seconds: seconds * 5, warmup: 50 },
  )
  const { ceiling, signs, verifies, one } = m
  const intakes = { ...m.intake, opsPerSecond: m.intake.opsPerSecond * entries.length }
  const pct = (m: { opsPerSecond: number }) => `${Math.round((100 * m.opsPerSecond) / ceiling.opsPerSecond)}%`
  // The fastest round of each, figure over ceiling: the same comparison with the least noise.
  const best = (m: Measurement, per = 1) =>
    `${Math.round((100 * m.bestOpsPerSecond * per) / ceiling.bestOpsPerSecond)}%`
  const avg = Math.round(entries.reduce((n, w) => n + w.bytes.length, 0) / entries.length)
  return [
    {
      what: `sign (${signed.length} B entry)`,
      figure: rate(signs),
      ceiling: rate(ceiling),
      ratio: pct(signs),
      note: `parse, canonicalize, SHA-256, Ed25519 sign (fastest round ${best(signs)})`,
    },
    {
      what: 'verify',
      figure: rate(verifies),
      ceiling: rate(ceiling),
      ratio: pct(verifies),
      note: `the signature matched as written, the document without it parsed (the reader confirms its canonical form), SHA-256, strict Ed25519 verify (fastest round ${best(verifies)})`,
    },
    {
      what: `intake of a border passage (${passage.bytes.length} B)`,
      figure: rate(one),
      ceiling: rate(ceiling),
      ratio: pct(one),
      note: `verify + validate + document log, the commonest entry, alone (readEntry) (fastest round ${best(one)})`,
    },
    {
      what: `full intake, whole transit (avg ${avg} B)`,
      figure: rate(intakes),
      ceiling: rate(ceiling),
      ratio: pct(intakes),
      note: `the ten entries of a transit (one 8 KB declaration) as one push (readEntries): verified, validated, placed, and the state computed (fastest round ${best(m.intake, entries.length)}); target: half the ceiling or better`,
    },
  ]
}
