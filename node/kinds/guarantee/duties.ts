/**
 * The issuing country's duties on its guarantees (L11, docs/protocol/log.md): when a transit that
 * names one of its guarantees is accepted, its node reserves the amount to be covered on the
 * guarantee's own log; when the transit is written off or its invalidation granted, and no
 * dispute is open, it releases that reservation. Whether a reservation takes effect is the
 * guarantee machine's decision (the balance never goes below zero whatever the order); this
 * module only decides what the issuing node writes, once per transit and guarantee.
 */
import type { DocumentState, LogEntry } from '../../../protocol/log/index.ts'
import { mayReleaseGuarantee } from '../../../protocol/kinds/guarantee/index.ts'
import type { GuaranteeFacts, GuaranteeMessage } from '../../../protocol/kinds/guarantee/index.ts'
import type { TransitFacts, TransitMessage } from '../../../protocol/kinds/transit/index.ts'
import type { DocumentView, KindContext } from '../kind.ts'

export type GuaranteeWrite =
  | { readonly type: 'GuaranteeReserved'; readonly grn: string; readonly body: Omit<GuaranteeMessage<'GuaranteeReserved'>, 'Header'> }
  | { readonly type: 'GuaranteeReleased'; readonly grn: string; readonly body: Omit<GuaranteeMessage<'GuaranteeReleased'>, 'Header'> }

/** What the issuing node knows of one of its guarantees. */
export interface GuaranteeView {
  readonly state: DocumentState
  readonly entries: readonly LogEntry[]
}

function mrnOf(e: LogEntry): string | undefined {
  const op = (e.message as { TransitOperation?: { MRN?: string } }).TransitOperation
  return op?.MRN
}

/**
 * The guarantee entries `country`'s node must write now for `transit` (its state and its
 * declaration entry), given its view of each guarantee the declaration names.
 */
export function guaranteeWrites(country: string, transit: DocumentState, declaration: LogEntry | undefined, guarantee: (grn: string) => GuaranteeView | undefined, now: string): GuaranteeWrite[] {
  if (transit.kind !== 'transit' || declaration === undefined || declaration.type !== 'DeclarationLodged') return []
  const f = transit.facts as TransitFacts
  const mrn = transit.documentId
  const at = now.replace(/\.\d+Z$/, 'Z')
  const out: GuaranteeWrite[] = []
  const decl = declaration.message as TransitMessage<'DeclarationLodged'>
  for (const g of decl.Guarantee) {
    for (const ref of g.GuaranteeReference) {
      const grn = ref.GRN
      if (grn === undefined || grn.slice(2, 4) !== country) continue
      const view = guarantee(grn)
      const g = view?.state.facts as GuaranteeFacts | undefined
      if (view === undefined || g === undefined || view.state.kind !== 'guarantee' || g.registered === undefined) continue
      // Once per transit: an ineffective reservation (balance exhausted) is not tried again.
      const reserved = view.entries.some((e) => e.type === 'GuaranteeReserved' && mrnOf(e) === mrn)
      const effective = g.reservations.find((r) => r.mrn === mrn && r.released === undefined)
      const released = view.entries.some((e) => e.type === 'GuaranteeReleased' && mrnOf(e) === mrn)
      const amount = ref.amountToBeCovered ?? '0.00'
      const currency = ref.currency ?? g.registered.currency
      const ended = f.writtenOff !== undefined || f.invalidation?.granted === true || f.rejected !== undefined
      if (!reserved && f.accepted !== undefined && !ended) {
        out.push({ type: 'GuaranteeReserved', grn, body: { Guarantee: { GRN: grn }, TransitOperation: { MRN: mrn }, Reservation: { amount, currency, reservedAt: at } } as Omit<GuaranteeMessage<'GuaranteeReserved'>, 'Header'> })
      } else if (effective !== undefined && !released && mayReleaseGuarantee(f)) {
        out.push({ type: 'GuaranteeReleased', grn, body: { Guarantee: { GRN: grn }, TransitOperation: { MRN: mrn }, Release: { amount: effective.amount, currency, releasedAt: at, reason: f.writtenOff !== undefined ? 'written-off' : 'invalidated' } } as Omit<GuaranteeMessage<'GuaranteeReleased'>, 'Header'> })
      }
    }
  }
  return out
}

/** As the issuing country, reserves or releases on its guarantees what a changed transit calls for (L11). */
export async function guaranteeDuties(ctx: KindContext, changed: DocumentView): Promise<void> {
  if (changed.state.kind !== 'transit') return
  const f = changed.state.facts as TransitFacts
  if (f.declaration === undefined || !f.declaration.guarantees.some((grn) => grn.slice(2, 4) === ctx.country)) return
  const views = new Map<string, GuaranteeView>()
  for (const grn of f.declaration.guarantees) {
    if (grn.slice(2, 4) !== ctx.country) continue
    const g = await ctx.document(grn)
    if (g.log.size > 0) views.set(grn, { state: g.state, entries: [...g.log.entries()] })
  }
  for (const w of guaranteeWrites(ctx.country, changed.state, changed.log.get(f.declaration.entry), (grn) => views.get(grn), ctx.now())) {
    // A reservation the balance does not cover is written all the same (kept ineffective): it is
    // the issuer's recorded refusal, until the transit's own log carries it (issue 11, left open).
    const r = await ctx.write(w.type, w.grn, w.body as unknown as Record<string, unknown>, { evenIfIneffective: true })
    ctx.logger?.info({ guarantee: w.grn, transit: changed.state.documentId, entry: r.entryId, type: w.type }, 'guarantee duty written')
  }
}
