import { describe, expect, it } from 'vitest'
import { computeState, DocumentLog, readEntry } from '../../../protocol/log/index.ts'
import type { LogEntry } from '../../../protocol/log/index.ts'
import type { GuaranteeFacts } from '../../../protocol/kinds/guarantee/index.ts'
import { exampleMessage, EXAMPLE_CONTEXT } from '../../../protocol/messages/index.ts'
import { DocumentWriter, testMembership } from '../../../protocol/testing/federation.ts'
import { transitLifecycle } from '../../../protocol/testing/scenario.ts'
import type { WrittenEntry } from '../../../protocol/testing/federation.ts'
import { guaranteeWrites } from './duties.ts'
import { currentDeclaration } from '../transit/declared.ts'
import type { GuaranteeView } from './duties.ts'

const membership = testMembership()
const NOW = '2026-11-23T12:00:00.000Z'

function view(
  written: readonly WrittenEntry[],
  documentId: string,
): { state: ReturnType<typeof computeState>; entries: LogEntry[] } {
  const log = new DocumentLog(documentId)
  for (const w of written) log.add(readEntry(w.bytes, membership))
  const entries = [...log.entries()]
  return { state: computeState({ documentId, entries }, membership), entries }
}

function guarantee(extra: (w: DocumentWriter, registered: WrittenEntry) => void = () => undefined): GuaranteeView {
  const w = new DocumentWriter(EXAMPLE_CONTEXT.grn)
  const registered = w.write('GuaranteeRegistered', 'CN', exampleMessage('GuaranteeRegistered'))
  extra(w, registered)
  return view(w.written, EXAMPLE_CONTEXT.grn)
}

describe('what the issuing node writes on its guarantee (L11)', () => {
  const { e } = transitLifecycle()
  const upTo = (names: string[]) =>
    view(
      names.map((n) => e[n]!),
      EXAMPLE_CONTEXT.mrn,
    )
  const decl = (t: { entries: LogEntry[] }) => t.entries.find((x) => x.type === 'DeclarationLodged')

  it('reserves the amount to be covered once the transit is accepted, and only the issuer does', () => {
    const lodged = upTo(['lodged'])
    expect(guaranteeWrites('CN', lodged.state, decl(lodged), () => guarantee(), NOW)).toEqual([])
    const accepted = upTo(['lodged', 'accepted'])
    const writes = guaranteeWrites('CN', accepted.state, decl(accepted), () => guarantee(), NOW)
    expect(writes).toHaveLength(1)
    expect(writes[0]).toMatchObject({
      type: 'GuaranteeReserved',
      grn: EXAMPLE_CONTEXT.grn,
      documentId: EXAMPLE_CONTEXT.grn,
      body: { TransitOperation: { MRN: EXAMPLE_CONTEXT.mrn }, Reservation: { amount: '18500.00', currency: 'USD' } },
    })
    expect(guaranteeWrites('KZ', accepted.state, decl(accepted), () => guarantee(), NOW)).toEqual([])
  })

  it('reserves what the current declaration asks: an amendment before acceptance counts, the lodged amount does not', () => {
    const w = new DocumentWriter(EXAMPLE_CONTEXT.mrn)
    const lodged = w.write('DeclarationLodged', 'CN', exampleMessage('DeclarationLodged'))
    const amendment = exampleMessage('DeclarationAmended')
    amendment.Guarantee[0]!.GuaranteeReference[0]!.amountToBeCovered = '20000.00'
    const amended = w.write('DeclarationAmended', 'CN', amendment, { parents: [lodged.id], auth: [lodged.id] })
    const acc = w.write('DeclarationAccepted', 'CN', exampleMessage('DeclarationAccepted'), {
      parents: [amended.id],
      auth: [lodged.id],
    })
    const log = new DocumentLog(EXAMPLE_CONTEXT.mrn)
    for (const x of [lodged, amended, acc]) log.add(readEntry(x.bytes, membership))
    const state = computeState({ documentId: log.documentId, entries: log.entries() }, membership)
    const current = currentDeclaration({ log, state })
    expect(current?.id).toBe(amended.id)
    const writes = guaranteeWrites('CN', state, current, () => guarantee(), NOW)
    expect(writes).toMatchObject([{ type: 'GuaranteeReserved', body: { Reservation: { amount: '20000.00' } } }])
  })

  it('reserves once per guarantee, adding up the references a declaration makes to it', () => {
    const w = new DocumentWriter(EXAMPLE_CONTEXT.mrn)
    const d = exampleMessage('DeclarationLodged')
    const ref = d.Guarantee[0]!.GuaranteeReference[0]!
    d.Guarantee[0]!.GuaranteeReference = [
      { ...ref, sequenceNumber: '1', amountToBeCovered: '10000.00' },
      { ...ref, sequenceNumber: '2', amountToBeCovered: '8500.50' },
    ]
    const lodged = w.write('DeclarationLodged', 'CN', d)
    const acc = w.write('DeclarationAccepted', 'CN', exampleMessage('DeclarationAccepted'), {
      parents: [lodged.id],
      auth: [lodged.id],
    })
    const t = view([lodged, acc], EXAMPLE_CONTEXT.mrn)
    const writes = guaranteeWrites('CN', t.state, decl(t), () => guarantee(), NOW)
    expect(writes).toMatchObject([{ type: 'GuaranteeReserved', body: { Reservation: { amount: '18500.50' } } }])
  })

  it("records in the transit's log that a guarantee it does not hold registered cannot cover it", () => {
    const accepted = upTo(['lodged', 'accepted'])
    expect(guaranteeWrites('CN', accepted.state, decl(accepted), () => undefined, NOW)).toMatchObject([
      {
        type: 'GuaranteeCoverageRecorded',
        documentId: EXAMPLE_CONTEXT.mrn,
        body: {
          Coverage: {
            outcome: 'refused',
            reason: `guarantee ${EXAMPLE_CONTEXT.grn} is not registered by its issuer CN`,
          },
        },
      },
    ])
  })

  it("signs no reservation the balance does not cover: the refusal goes in the transit's log, once per reason", () => {
    const accepted = upTo(['lodged', 'accepted'])
    const exhausted = guarantee((w, r) => {
      const other = exampleMessage('GuaranteeReserved')
      other.TransitOperation = { MRN: '26CN652100000099J4' }
      other.Reservation.amount = '240000.00'
      w.write('GuaranteeReserved', 'CN', other, { parents: [r.id], auth: [r.id] })
    })
    expect((exhausted.state.facts as GuaranteeFacts).balance).toBe('10000.00')
    const writes = guaranteeWrites('CN', accepted.state, decl(accepted), () => exhausted, NOW)
    expect(writes).toMatchObject([
      {
        type: 'GuaranteeCoverageRecorded',
        body: { Coverage: { outcome: 'refused', reason: 'insufficient balance: 10000.00 USD left, 18500.00 asked' } },
      },
    ])
    // With that refusal in the transit's log, nothing more is written for the same reason.
    const refusal = writes[0]!
    const w = new DocumentWriter(EXAMPLE_CONTEXT.mrn)
    const lodged = w.write('DeclarationLodged', 'CN', exampleMessage('DeclarationLodged'))
    const acc = w.write('DeclarationAccepted', 'CN', exampleMessage('DeclarationAccepted'), {
      parents: [lodged.id],
      auth: [lodged.id],
    })
    const m = exampleMessage('GuaranteeCoverageRecorded')
    const rec = w.write('GuaranteeCoverageRecorded', 'CN', { ...m, ...(refusal.body as object) } as typeof m, {
      parents: [acc.id],
      auth: [lodged.id, acc.id],
    })
    const recorded = view([lodged, acc, rec], EXAMPLE_CONTEXT.mrn)
    expect(guaranteeWrites('CN', recorded.state, decl(recorded), () => exhausted, NOW)).toEqual([])
  })

  it('records the coverage of an effective reservation that is not on record yet (a restart between the two writes)', () => {
    const accepted = upTo(['lodged', 'accepted'])
    const reserved = guarantee((w, r) => {
      w.write('GuaranteeReserved', 'CN', exampleMessage('GuaranteeReserved'), { parents: [r.id], auth: [r.id] })
    })
    const [write] = guaranteeWrites('CN', accepted.state, decl(accepted), () => reserved, NOW)
    const entry = reserved.entries.find((x) => x.type === 'GuaranteeReserved')!.id
    expect(write).toMatchObject({
      type: 'GuaranteeCoverageRecorded',
      body: { Coverage: { outcome: 'reserved', amount: '18500.00', reservationEntry: entry } },
    })
    expect(
      guaranteeWrites('CN', upTo(['lodged', 'accepted', 'covered']).state, decl(accepted), () => reserved, NOW),
    ).toEqual([])
  })

  it('releases the reservation after the write-off, with the reserved amount', () => {
    const done = upTo(Object.keys(e))
    const reserved = guarantee((w, r) => {
      w.write('GuaranteeReserved', 'CN', exampleMessage('GuaranteeReserved'), { parents: [r.id], auth: [r.id] })
    })
    const writes = guaranteeWrites('CN', done.state, decl(done), () => reserved, NOW)
    expect(writes).toMatchObject([
      { type: 'GuaranteeReleased', body: { Release: { amount: '18500.00', reason: 'written-off' } } },
    ])
    // Before the write-off nothing is released.
    const arrived = upTo(['lodged', 'accepted', 'covered', 'released', 'passageKZ', 'arrival'])
    expect(guaranteeWrites('CN', arrived.state, decl(arrived), () => reserved, NOW)).toEqual([])
  })
})
