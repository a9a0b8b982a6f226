/**
 * The issuing country's duties on its guarantees (L11, docs/protocol/log.md). When a transit that
 * names one of its guarantees is accepted, its node reserves the amount to be covered on the
 * guarantee's own log and records the coverage in the transit's log: reserved (naming the
 * reservation) or refused (with the reason: the balance does not cover it, the guarantee is not
 * registered here). The release of the transit takes effect only once every guarantee is recorded
 * reserved. When the transit is written off or its invalidation granted, and no dispute is open,
 * the node releases the reservation. Whether an entry takes effect is the machines' decision; this
 * module decides what the issuing node writes, and signs nothing its rules would refuse.
 */
import type { DocumentState, LogEntry } from '../../../protocol/log/index.ts'
import { fromMinor, mayReleaseGuarantee, toMinor } from '../../../protocol/kinds/guarantee/index.ts'
import type { GuaranteeFacts, GuaranteeMessage } from '../../../protocol/kinds/guarantee/index.ts'
import { latestCoverage } from '../../../protocol/kinds/transit/index.ts'
import type { TransitFacts, TransitMessage } from '../../../protocol/kinds/transit/index.ts'
import { isNodeError } from '../../errors.ts'
import type { DocumentView, KindContext } from '../kind.ts'
import { currentDeclaration } from '../transit/declared.ts'

type Coverage = Omit<TransitMessage<'GuaranteeCoverageRecorded'>, 'Header'>

export type GuaranteeWrite =
  | {
      readonly type: 'GuaranteeReserved'
      readonly grn: string
      readonly documentId: string
      readonly body: Omit<GuaranteeMessage<'GuaranteeReserved'>, 'Header'>
    }
  | {
      readonly type: 'GuaranteeReleased'
      readonly grn: string
      readonly documentId: string
      readonly body: Omit<GuaranteeMessage<'GuaranteeReleased'>, 'Header'>
    }
  | {
      readonly type: 'GuaranteeCoverageRecorded'
      readonly grn: string
      readonly documentId: string
      readonly body: Coverage
    }

/** What the issuing node knows of one of its guarantees. */
export interface GuaranteeView {
  readonly state: DocumentState
  readonly entries: readonly LogEntry[]
}

/** The coverage entry for `grn` on transit `mrn`. */
export function coverageOf(
  mrn: string,
  grn: string,
  c: {
    outcome: 'reserved' | 'refused'
    amount: string
    currency: string
    at: string
    reservationEntry?: string
    reason?: string
  },
): Extract<GuaranteeWrite, { type: 'GuaranteeCoverageRecorded' }> {
  const { outcome, amount, currency, at, reservationEntry, reason } = c
  const body: Coverage = {
    TransitOperation: { MRN: mrn },
    Guarantee: { GRN: grn },
    Coverage: {
      outcome,
      amount,
      currency,
      recordedAt: at,
      ...(reservationEntry === undefined ? {} : { reservationEntry }),
      ...(reason === undefined ? {} : { reason: reason.slice(0, 512) }),
    },
  }
  return { type: 'GuaranteeCoverageRecorded', grn, documentId: mrn, body }
}

/**
 * The entries `country`'s node must write now for `transit` (its state and its current
 * declaration entry: the latest effective amendment, else the lodged one), given its view of
 * each guarantee the declaration names.
 */
export function guaranteeWrites(
  country: string,
  transit: DocumentState,
  declaration: LogEntry | undefined,
  guarantee: (grn: string) => GuaranteeView | undefined,
  now: string,
): GuaranteeWrite[] {
  if (
    transit.kind !== 'transit' ||
    declaration === undefined ||
    (declaration.type !== 'DeclarationLodged' && declaration.type !== 'DeclarationAmended')
  )
    return []
  const f = transit.facts as TransitFacts
  const mrn = transit.documentId
  const at = now.replace(/\.\d+Z$/, 'Z')
  const out: GuaranteeWrite[] = []
  const decl = declaration.message as TransitMessage<'DeclarationLodged'>
  const recorded = new Map(latestCoverage(f).map((c) => [c.grn, c]))
  const ended = f.writtenOff !== undefined || f.invalidation?.granted === true || f.rejected !== undefined
  const awaiting = f.accepted !== undefined && f.released === undefined && !ended
  // One reservation per guarantee: references to the same GRN add up.
  const refs = new Map<string, { GRN: string; minor: bigint; currency: string | undefined }>()
  for (const g of decl.Guarantee) {
    for (const r of g.GuaranteeReference) {
      const held = refs.get(r.GRN) ?? { GRN: r.GRN, minor: 0n, currency: r.currency }
      held.minor += toMinor(r.amountToBeCovered ?? '0.00')
      refs.set(r.GRN, held)
    }
  }
  for (const held of refs.values()) {
    const ref = { GRN: held.GRN, amountToBeCovered: fromMinor(held.minor), currency: held.currency }
    const grn = ref.GRN
    if (grn.slice(2, 4) !== country) continue
    const last = recorded.get(grn)
    const amount = ref.amountToBeCovered ?? '0.00'
    const refuse = (reason: string) => {
      // Recorded once per reason: a refusal already on record is not written again.
      if (last?.outcome !== 'refused' || last.reason !== reason)
        out.push(coverageOf(mrn, grn, { outcome: 'refused', amount, currency: ref.currency ?? 'USD', at, reason }))
    }
    const view = guarantee(grn)
    const gf = view?.state.facts as GuaranteeFacts | undefined
    if (view === undefined || gf === undefined || view.state.kind !== 'guarantee' || gf.registered === undefined) {
      if (awaiting) refuse(`guarantee ${grn} is not registered by its issuer ${country}`)
      continue
    }
    const currency = ref.currency ?? gf.registered.currency
    const effective = gf.reservations.find((r) => r.mrn === mrn && r.released === undefined)
    const released = view.entries.some((e) => e.type === 'GuaranteeReleased' && mrnOf(e) === mrn)
    if (awaiting) {
      if (effective !== undefined) {
        if (last?.outcome !== 'reserved')
          out.push(
            coverageOf(mrn, grn, {
              outcome: 'reserved',
              amount: effective.amount,
              currency,
              at,
              reservationEntry: effective.entry,
            }),
          )
      } else if (currency !== gf.registered.currency) {
        refuse(`the guarantee is in ${gf.registered.currency}, the transit asks ${currency}`)
      } else if (toMinor(amount) > toMinor(gf.balance)) {
        refuse(`insufficient balance: ${fromMinor(toMinor(gf.balance))} ${currency} left, ${amount} asked`)
      } else {
        out.push({
          type: 'GuaranteeReserved',
          grn,
          documentId: grn,
          body: {
            Guarantee: { GRN: grn },
            TransitOperation: { MRN: mrn },
            Reservation: { amount, currency, reservedAt: at },
          } as Omit<GuaranteeMessage<'GuaranteeReserved'>, 'Header'>,
        })
      }
    } else if (effective !== undefined && !released && mayReleaseGuarantee(f)) {
      out.push({
        type: 'GuaranteeReleased',
        grn,
        documentId: grn,
        body: {
          Guarantee: { GRN: grn },
          TransitOperation: { MRN: mrn },
          Release: {
            amount: effective.amount,
            currency,
            releasedAt: at,
            reason: f.writtenOff !== undefined ? 'written-off' : 'invalidated',
          },
        } as Omit<GuaranteeMessage<'GuaranteeReleased'>, 'Header'>,
      })
    }
  }
  return out
}

function mrnOf(e: LogEntry): string | undefined {
  return (e.message as { TransitOperation?: { MRN?: string } }).TransitOperation?.MRN
}

/** As the issuing country, reserves, records the coverage and releases what a changed transit calls for (L11). */
export async function guaranteeDuties(ctx: KindContext, changed: DocumentView): Promise<void> {
  if (changed.state.kind === 'guarantee') return coverageAgain(ctx, changed)
  if (changed.state.kind !== 'transit') return
  return transitDuties(ctx, changed)
}

/**
 * When one of its guarantees changed (a reservation was released, the balance is whole again),
 * the issuer judges again the transits still waiting for that guarantee's coverage.
 */
async function coverageAgain(ctx: KindContext, guarantee: DocumentView): Promise<void> {
  const grn = guarantee.state.documentId
  if (grn.slice(2, 4) !== ctx.country) return
  for (const r of await ctx.search({ kind: 'transit', status: 'accepted', keys: { grn } })) {
    await transitDuties(ctx, await ctx.document(r.documentId))
  }
}

async function transitDuties(ctx: KindContext, changed: DocumentView): Promise<void> {
  const f = changed.state.facts as TransitFacts
  if (f.declaration === undefined || !f.declaration.guarantees.some((grn) => grn.slice(2, 4) === ctx.country)) return
  const views = new Map<string, GuaranteeView>()
  for (const grn of f.declaration.guarantees) {
    if (grn.slice(2, 4) !== ctx.country) continue
    const g = await ctx.document(grn)
    if (g.log.size > 0) views.set(grn, { state: g.state, entries: [...g.log.entries()] })
  }
  const mrn = changed.state.documentId
  /** Records the coverage of the reservation `w` would have made: reserved (naming it) or refused. */
  const record = async (
    w: Extract<GuaranteeWrite, { type: 'GuaranteeReserved' }>,
    c: { reservationEntry: string } | { reason: string },
  ) => {
    const { amount, currency, reservedAt: at } = w.body.Reservation
    const coverage = coverageOf(mrn, w.grn, {
      outcome: 'reservationEntry' in c ? 'reserved' : 'refused',
      amount,
      currency,
      at,
      ...c,
    })
    const r = await ctx.write(coverage.type, coverage.documentId, coverage.body as unknown as Record<string, unknown>)
    ctx.logger?.info(
      {
        guarantee: w.grn,
        transit: mrn,
        entry: r.entryId,
        type: coverage.type,
        outcome: coverage.body.Coverage.outcome,
      },
      'guarantee coverage recorded',
    )
  }
  for (const w of guaranteeWrites(
    ctx.country,
    changed.state,
    currentDeclaration(changed),
    (grn) => views.get(grn),
    ctx.now(),
  )) {
    let r
    try {
      r = await ctx.write(w.type, w.documentId, w.body as unknown as Record<string, unknown>)
    } catch (e) {
      // A reservation the guarantee's rules refuse (a concurrent one took the balance) is not
      // signed: its refusal goes on record in the transit's log instead, once per reason. Any
      // other failure (the store, a peer) is not a refusal and puts nothing on record.
      if (
        w.type !== 'GuaranteeReserved' ||
        !isNodeError(e) ||
        (e.code !== 'NODE_CONFLICT' && e.code !== 'NODE_FORBIDDEN' && e.code !== 'NODE_NOT_FOUND')
      )
        throw e
      const last = latestCoverage(f).find((c) => c.grn === w.grn)
      if (last?.outcome !== 'refused' || last.reason !== e.message.slice(0, 512)) await record(w, { reason: e.message })
      continue
    }
    ctx.logger?.info({ guarantee: w.grn, transit: mrn, entry: r.entryId, type: w.type }, 'guarantee duty written')
    if (w.type === 'GuaranteeReserved') await record(w, { reservationEntry: r.entryId })
  }
}
