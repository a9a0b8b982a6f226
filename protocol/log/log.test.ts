import type { GuaranteeFacts } from '../kinds/guarantee/index.ts'
import { describe, expect, it } from 'vitest'
import { computeState, DocumentLog, readEntry, checkForkProof } from './index.ts'
import type { DocumentState } from './index.ts'
import { testMembership, DocumentWriter, testKey } from '../testing/federation.ts'
import { transitLifecycle, unauthorisedEntries } from '../testing/scenario.ts'
import { exampleMessage, EXAMPLE_CONTEXT } from '../messages/index.ts'
import type { WrittenEntry } from '../testing/federation.ts'
import { allocateMrn } from '../codes/index.ts'

const membership = testMembership()

function deliver(
  entries: readonly WrittenEntry[],
  documentId = EXAMPLE_CONTEXT.mrn,
): { log: DocumentLog; state: DocumentState } {
  const log = new DocumentLog(documentId)
  for (const w of entries) {
    const r = log.add(readEntry(w.bytes, membership))
    if (r.status === 'refused') throw r.error
  }
  const state = computeState(
    { documentId, entries: log.entries(), frozen: log.frozen(), forks: log.forks() },
    membership,
  )
  return { log, state }
}

function effectOf(state: DocumentState, id: string) {
  return state.entries.find((o) => o.id === id)?.effect
}

describe('a transit through three countries', () => {
  it('is written off after border passages, arrival and control, every entry effective', () => {
    const { e } = transitLifecycle()
    const { state } = deliver(Object.values(e))
    expect(state.kind).toBe('transit')
    expect(state.status).toBe('written-off')
    expect(state.entries.every((o) => o.effect.effective)).toBe(true)
    expect(state.entries.map((o) => o.type)).toEqual([
      'DeclarationLodged',
      'DeclarationAccepted',
      'GuaranteeCoverageRecorded',
      'ReleasedForTransit',
      'BorderPassageRecorded',
      'IncidentRecorded',
      'BorderPassageRecorded',
      'ArrivalNotified',
      'ArrivalAdvised',
      'ControlResultsRecorded',
      'WrittenOff',
    ])
  })

  it('gives the same state hash whatever the delivery order; entries wait for their causal past', () => {
    const { e } = transitLifecycle()
    const forward = deliver(Object.values(e))
    const log = new DocumentLog(EXAMPLE_CONTEXT.mrn)
    const reversed = Object.values(e).reverse()
    const first = log.add(readEntry(reversed[0]!.bytes, membership))
    expect(first.status).toBe('pending')
    for (const w of reversed.slice(1)) log.add(readEntry(w.bytes, membership))
    expect(log.pending()).toHaveLength(0)
    const state = computeState(
      { documentId: log.documentId, entries: log.entries(), frozen: log.frozen(), forks: log.forks() },
      membership,
    )
    expect(state.hash).toBe(forward.state.hash)
  })

  it('keeps unauthorised entries as ineffective with the reason (THREATS 16)', () => {
    const { writer, e } = transitLifecycle()
    const bad = unauthorisedEntries(writer, e)
    const { state } = deliver([...Object.values(e), ...Object.values(bad)])
    expect(effectOf(state, bad.passageKG!.id)).toMatchObject({ effective: false, code: 'not-authorised' })
    expect(effectOf(state, bad.foreignOffice!.id)).toMatchObject({ effective: false, code: 'not-authorised' })
    expect(effectOf(state, bad.writeOffByUZ!.id)).toMatchObject({ effective: false, code: 'not-authorised' })
    expect(state.status).toBe('written-off')
  })

  it('a replay is a duplicate and changes nothing (THREATS 13)', () => {
    const { e } = transitLifecycle()
    const { log, state } = deliver(Object.values(e))
    expect(log.add(readEntry(e.lodged!.bytes, membership)).status).toBe('duplicate')
    expect(computeState({ documentId: log.documentId, entries: log.entries() }, membership).hash).toBe(state.hash)
  })

  it('refuses an entry for another document', () => {
    const { e } = transitLifecycle()
    const log = new DocumentLog('26KZ000000000001J5')
    const r = log.add(readEntry(e.lodged!.bytes, membership))
    expect(r.status === 'refused' && r.error.code).toBe('LOG_WRONG_DOCUMENT')
  })
})

describe('equivocation (THREATS 12)', () => {
  it('keeps both entries, builds a fork proof anyone can check, and freezes the author', () => {
    const { writer, e } = transitLifecycle()
    const { writtenOff, ...rest } = e
    // CN signs a second, different entry at the seq of its write-off.
    const other = writer.write('InvalidationRequested', 'CN', exampleMessage('InvalidationRequested'), {
      seq: writtenOff!.seq,
      previous: e.released!.id,
      parents: [e.control!.id],
      auth: [e.lodged!.id],
    })
    const { log, state } = deliver([...Object.values(rest), writtenOff!, other])
    expect(log.forks()).toHaveLength(1)
    expect(log.frozen().get('CN')).toBe(writtenOff!.seq)
    expect(effectOf(state, writtenOff!.id)).toMatchObject({ effective: false, code: 'frozen' })
    expect(effectOf(state, other.id)).toMatchObject({ effective: false, code: 'frozen' })
    const [a, b] = checkForkProof(log.forks()[0]!, membership)
    expect(new Set([a.id, b.id])).toEqual(new Set([writtenOff!.id, other.id]))
    expect(state.status).toBe('controlled')
  })
})

describe('a dispute (THREATS 16, L10)', () => {
  it('an invalidation granted concurrently with an arrival blocks write-off until resolved', () => {
    const { writer, e } = transitLifecycle()
    // CN's chain branches off before its write-off, which these deliveries leave out.
    const requested = writer.write('InvalidationRequested', 'CN', exampleMessage('InvalidationRequested'), {
      parents: [e.released!.id],
      auth: [e.lodged!.id],
      seq: e.released!.seq + 1,
      previous: e.released!.id,
    })
    const decided = writer.write('InvalidationDecided', 'CN', exampleMessage('InvalidationDecided'), {
      parents: [requested.id],
      auth: [requested.id],
      seq: e.released!.seq + 2,
      previous: requested.id,
    })
    const core = [
      e.lodged!,
      e.accepted!,
      e.covered!,
      e.released!,
      e.passageKZ!,
      e.incident!,
      e.passageUZ!,
      e.arrival!,
      requested,
      decided,
    ]
    const disputed = deliver(core).state
    expect(disputed.status).toBe('disputed')
    // A write-off now is ineffective.
    const wo = writer.write('WrittenOff', 'CN', exampleMessage('WrittenOff'), {
      parents: [decided.id, e.arrival!.id],
      auth: [e.arrival!.id],
      seq: e.released!.seq + 3,
      previous: decided.id,
    })
    expect(effectOf(deliver([...core, wo]).state, wo.id)).toMatchObject({ effective: false, code: 'precondition' })
    const resolved = writer.write('DisputeResolved', 'CN', exampleMessage('DisputeResolved'), {
      parents: [wo.id],
      auth: [decided.id, e.arrival!.id],
      seq: e.released!.seq + 4,
      previous: wo.id,
    })
    const after = deliver([...core, wo, resolved]).state
    expect(after.status).toBe('arrived')
  })
})

describe('signatures at intake (THREATS 9-11)', () => {
  it('a changed byte, another key or an unknown key is refused with a typed code', () => {
    const { e } = transitLifecycle()
    const bytes = Buffer.from(e.lodged!.bytes)
    const tampered = Buffer.from(bytes.toString('utf8').replace('Cotton yarn', 'Cotton yarm'))
    expect(() => readEntry(tampered, membership)).toThrow(expect.objectContaining({ code: 'SIG_DIGEST_MISMATCH' }))
    const w = new DocumentWriter(EXAMPLE_CONTEXT.mrn)
    const forged = w.write('DeclarationLodged', 'CN', exampleMessage('DeclarationLodged'), { key: testKey('KZ') })
    expect(() => readEntry(forged.bytes, membership)).toThrow(expect.objectContaining({ code: 'SIG_INVALID' }))
    const late = w.write('DeclarationLodged', 'CN', exampleMessage('DeclarationLodged'), { at: '2030-01-01T00:00:00Z' })
    expect(() => readEntry(late.bytes, membership)).toThrow(expect.objectContaining({ code: 'MEMBERSHIP_INVALID' }))
  })

  it('a revoked key signs nothing from its revocation on (S2)', () => {
    const doc = testMembership().document
    const revoked = testMembership({
      members: doc.members.map((m) =>
        m.country === 'CN' ? { ...m, keys: m.keys.map((k) => ({ ...k, revokedAt: '2026-11-23T07:59:00Z' })) } : m,
      ),
    })
    const { e } = transitLifecycle()
    expect(() => readEntry(e.lodged!.bytes, revoked)).toThrow(expect.objectContaining({ code: 'SIG_UNKNOWN_KEY' }))
  })
})

describe('guarantees (L11)', () => {
  it('concurrent reservations never take the balance below zero, in any order', () => {
    const w = new DocumentWriter(EXAMPLE_CONTEXT.grn)
    const reg = w.write('GuaranteeRegistered', 'CN', exampleMessage('GuaranteeRegistered'))
    const reserve = (mrn: string, amount: string, seq: number) => {
      const b = exampleMessage('GuaranteeReserved')
      b.TransitOperation.MRN = mrn
      b.Reservation.amount = amount
      return w.write('GuaranteeReserved', 'CN', b, { parents: [reg.id], auth: [reg.id], seq, previous: reg.id })
    }
    // Two branches of CN's own chain would be an equivocation; concurrent reservations come from
    // one chain in practice, so the concurrency here is in delivery, and amounts race the balance.
    const r1 = reserve(EXAMPLE_CONTEXT.mrn, '150000.00', 2)
    const b2 = exampleMessage('GuaranteeReserved')
    b2.TransitOperation.MRN = allocateMrn({ year: 2026, country: 'CN', serial: '652100000043', procedure: 'J' })
    b2.Reservation.amount = '150000.00'
    const r2 = w.write('GuaranteeReserved', 'CN', b2, { parents: [r1.id], auth: [reg.id], seq: 3, previous: r1.id })
    const one = deliver([reg, r1, r2], EXAMPLE_CONTEXT.grn).state
    const two = deliver([r2, r1, reg], EXAMPLE_CONTEXT.grn).state
    expect(one.hash).toBe(two.hash)
    expect(one.kind === 'guarantee' && (one.facts as GuaranteeFacts).balance).toBe('100000.00')
    expect(effectOf(one, r2.id)).toMatchObject({ effective: false, code: 'precondition' })
  })

  it('only the issuing country writes a guarantee', () => {
    const w = new DocumentWriter(EXAMPLE_CONTEXT.grn)
    const reg = w.write('GuaranteeRegistered', 'KZ', {
      ...exampleMessage('GuaranteeRegistered'),
      GuaranteeOffice: { referenceNumber: 'KZI00100' },
    })
    expect(effectOf(deliver([reg], EXAMPLE_CONTEXT.grn).state, reg.id)).toMatchObject({
      effective: false,
      code: 'not-authorised',
    })
  })
})

describe("a release needs each guarantee recorded reserved in the transit's own log (L11, issue 11)", () => {
  function upToAcceptance() {
    const w = new DocumentWriter(EXAMPLE_CONTEXT.mrn)
    const lodged = w.write('DeclarationLodged', 'CN', exampleMessage('DeclarationLodged'))
    const accepted = w.write('DeclarationAccepted', 'CN', exampleMessage('DeclarationAccepted'), {
      parents: [lodged.id],
      auth: [lodged.id],
    })
    return { w, lodged, accepted }
  }
  function coverage(outcome: 'reserved' | 'refused', reason?: string) {
    const m = exampleMessage('GuaranteeCoverageRecorded')
    m.Coverage.outcome = outcome
    if (outcome === 'refused') {
      delete m.Coverage.reservationEntry
      m.Coverage.reason = reason ?? 'refused'
    }
    return m
  }
  const release = () => exampleMessage('ReleasedForTransit')

  it('the declaration is amended only before acceptance: what was accepted and covered is what is released', () => {
    const { w, lodged, accepted } = upToAcceptance()
    const body = exampleMessage('DeclarationAmended')
    const amended = w.write('DeclarationAmended', 'CN', body, { parents: [accepted.id], auth: [lodged.id] })
    expect(effectOf(deliver([lodged, accepted, amended]).state, amended.id)).toMatchObject({
      effective: false,
      code: 'precondition',
    })
    const before = w.write('DeclarationAmended', 'CN', exampleMessage('DeclarationAmended'), {
      parents: [lodged.id],
      auth: [lodged.id],
      seq: 2,
      previous: lodged.id,
    })
    expect(effectOf(deliver([lodged, before]).state, before.id)).toEqual({ effective: true })
  })

  it('without any coverage recorded, the release is ineffective, naming the guarantee', () => {
    const { w, lodged, accepted } = upToAcceptance()
    const rel = w.write('ReleasedForTransit', 'CN', release(), {
      parents: [accepted.id],
      auth: [lodged.id, accepted.id],
    })
    const effect = effectOf(deliver([lodged, accepted, rel]).state, rel.id)
    expect(effect).toMatchObject({ effective: false, code: 'precondition' })
    expect((effect as { reason: string }).reason).toContain(EXAMPLE_CONTEXT.grn)
  })

  it("a refused coverage keeps the transit unreleasable with the issuer's reason; a later reservation lets it go", () => {
    const { w, lodged, accepted } = upToAcceptance()
    const refused = w.write(
      'GuaranteeCoverageRecorded',
      'CN',
      coverage('refused', 'insufficient balance: 11500.00 USD left, 18500.00 asked'),
      { parents: [accepted.id], auth: [lodged.id, accepted.id] },
    )
    const early = w.write('ReleasedForTransit', 'CN', release(), {
      parents: [refused.id],
      auth: [lodged.id, accepted.id, refused.id],
    })
    const first = deliver([lodged, accepted, refused, early]).state
    expect(first.status).toBe('accepted')
    expect((effectOf(first, early.id) as { reason: string }).reason).toContain('insufficient balance')
    const reserved = w.write('GuaranteeCoverageRecorded', 'CN', coverage('reserved'), {
      parents: [early.id],
      auth: [lodged.id, accepted.id],
    })
    const later = w.write('ReleasedForTransit', 'CN', release(), {
      parents: [reserved.id],
      auth: [lodged.id, accepted.id, reserved.id],
    })
    const after = deliver([later, reserved, early, refused, accepted, lodged]).state
    expect(after.status).toBe('released')
    expect(effectOf(after, later.id)).toEqual({ effective: true })
  })

  it("only the guarantee's issuing country records its coverage: a release that rests on another's does not take effect", () => {
    const { w, lodged, accepted } = upToAcceptance()
    const byKz = w.write('GuaranteeCoverageRecorded', 'KZ', coverage('reserved'), {
      parents: [accepted.id],
      auth: [lodged.id, accepted.id],
    })
    const concurrentRelease = w.write('ReleasedForTransit', 'CN', release(), {
      parents: [accepted.id],
      auth: [lodged.id, accepted.id],
    })
    const { state } = deliver([lodged, accepted, byKz, concurrentRelease])
    expect(effectOf(state, byKz.id)).toMatchObject({ effective: false, code: 'not-authorised' })
    expect(effectOf(state, concurrentRelease.id)).toMatchObject({ effective: false, code: 'precondition' })
  })
})
