/**
 * The transit state machine (docs/protocol/log.md, "Authority per office role"). apply() is
 * called in the order of L8; authority is judged on facts in the entry's causal past, so that a
 * concurrent entry never changes whether an earlier one was allowed. Conflicting concurrent
 * entries that both matter open a dispute (L10).
 */
import { checkOffice, EFFECTIVE, notAuthorised, precondition } from '../../log/effect.ts'
import type { Effect, OfficeDirectory } from '../../log/effect.ts'
import type { CausalQuery, KindEntry, KindMachine } from '../kind.ts'
import type { TransitMessage, TransitMessageType } from './messages.ts'

export interface Dispute {
  readonly entries: readonly [string, string]
  readonly reason: string
  open: boolean
  resolvedBy?: string
  outcome?: string
}

export interface TransitFacts {
  declaration?: {
    entry: string
    departure: string
    departureCountry: string
    destination: string
    transitOffices: string[]
    route: string[]
    guarantees: string[]
  }
  accepted?: string
  rejected?: string
  invalidationRequested?: string
  invalidation?: { entry: string; granted: boolean }
  released?: string
  diversions: { entry: string; office: string; country: string; role: string }[]
  passages: { entry: string; office: string; country: string }[]
  incidents: { entry: string; office: string; code: string }[]
  arrival?: { entry: string; office: string; country: string }
  control?: { entry: string; code: string }
  writtenOff?: string
  disputes: Dispute[]
  /** Each guarantee's coverage as its issuer recorded it, in the order applied (the latest counts). */
  coverage: { entry: string; grn: string; outcome: 'reserved' | 'refused'; reason?: string }[]
}

/** The latest recorded coverage of each guarantee, or of those in `past` when given. */
export function latestCoverage(f: TransitFacts, inPast?: (entry: string) => boolean): TransitFacts['coverage'] {
  const out = new Map<string, TransitFacts['coverage'][number]>()
  for (const c of f.coverage) if (inPast === undefined || inPast(c.entry)) out.set(c.grn, c)
  return [...out.values()]
}

export function emptyTransit(): TransitFacts {
  return { diversions: [], passages: [], incidents: [], disputes: [], coverage: [] }
}

export function transitStatus(f: TransitFacts): string {
  if (f.writtenOff !== undefined) return 'written-off'
  if (f.disputes.some((d) => d.open)) return 'disputed'
  if (f.rejected !== undefined) return 'rejected'
  if (f.invalidation?.granted === true) return 'invalidated'
  if (f.control !== undefined) return 'controlled'
  if (f.arrival !== undefined) return 'arrived'
  if (f.released !== undefined) return 'released'
  if (f.accepted !== undefined) return 'accepted'
  if (f.declaration !== undefined) return 'lodged'
  return 'none'
}

type M<T extends TransitMessageType> = TransitMessage<T>
type LogEntry = KindEntry

export class TransitMachine implements KindMachine<TransitFacts> {
  readonly facts: TransitFacts = emptyTransit()
  readonly #dir: OfficeDirectory
  readonly #past: CausalQuery

  constructor(dir: OfficeDirectory, past: CausalQuery) {
    this.#dir = dir
    this.#past = past
  }

  /** The declaration, if it is in the causal past of `e` (every transit entry acts on it). */
  #declared(e: LogEntry): TransitFacts['declaration'] | Effect {
    const d = this.facts.declaration
    if (d === undefined) return precondition('no declaration has been lodged')
    if (d.entry !== e.id && !this.#past.has(e.id, d.entry))
      return precondition('the declaration is not in the causal past of this entry')
    return d
  }

  #byDeparture(e: LogEntry, office: string): Effect {
    const d = this.#declared(e)
    if (d === undefined || 'effective' in d) return d ?? precondition('no declaration')
    if (e.author !== d.departureCountry)
      return notAuthorised(`only the departure country ${d.departureCountry} writes ${e.type}`)
    if (office !== d.departure)
      return notAuthorised(`${e.type} names office ${office}, the office of departure is ${d.departure}`)
    return EFFECTIVE
  }

  /** Every guarantee the declaration names is recorded reserved, in the causal past of `e` (L11). */
  #covered(e: LogEntry): Effect {
    const d = this.facts.declaration
    if (d === undefined) return precondition('no declaration')
    const known = new Map(latestCoverage(this.facts, (c) => this.#past.has(e.id, c)).map((c) => [c.grn, c]))
    for (const grn of d.guarantees) {
      const c = known.get(grn)
      if (c === undefined)
        return precondition(
          `guarantee ${grn} has no recorded coverage (its issuer ${grn.slice(2, 4)} records it once the declaration is accepted)`,
        )
      if (c.outcome !== 'reserved')
        return precondition(`guarantee ${grn} does not cover this transit: ${c.reason ?? 'refused by its issuer'}`)
    }
    return EFFECTIVE
  }

  /** Route countries as `e` knows them: the itinerary plus diversions in its causal past. */
  #onRoute(e: LogEntry, country: string): boolean {
    const d = this.facts.declaration
    if (d === undefined) return false
    return (
      d.route.includes(country) ||
      this.facts.diversions.some((v) => v.country === country && this.#past.has(e.id, v.entry))
    )
  }

  #atRouteOffice(e: LogEntry, office: string, role?: string): Effect {
    const owned = checkOffice(this.#dir, e.author, office, role)
    if (!owned.effective) return owned
    const d = this.#declared(e)
    if (d === undefined || 'effective' in d) return d ?? precondition('no declaration')
    return this.#onRoute(e, e.author) ? EFFECTIVE : notAuthorised(`${e.author} is not on the route of this transit`)
  }

  apply(e: LogEntry): Effect {
    const f = this.facts
    const status = transitStatus(f)
    const m = e.message
    switch (e.type) {
      case 'DeclarationLodged':
      case 'DeclarationAmended': {
        const b = m as M<'DeclarationLodged'>
        const dep = b.CustomsOfficeOfDeparture.referenceNumber
        const amend = e.type === 'DeclarationAmended'
        const auth = amend ? this.#byDeparture(e, dep) : checkOffice(this.#dir, e.author, dep, 'departure')
        if (!auth.effective) return auth
        if (!amend && f.declaration !== undefined) return precondition('the declaration was already lodged')
        // Amended only before acceptance: what was accepted (and its guarantees' coverage, L11)
        // is what is released; after acceptance the holder asks for invalidation and lodges anew.
        if (
          amend &&
          (f.accepted !== undefined ||
            f.released !== undefined ||
            f.rejected !== undefined ||
            f.invalidation?.granted === true)
        )
          return precondition(`a ${status} declaration cannot be amended`)
        f.declaration = {
          entry: amend ? (f.declaration?.entry ?? e.id) : e.id,
          departure: dep,
          departureCountry: e.author,
          destination: b.CustomsOfficeOfDestinationDeclared.referenceNumber,
          transitOffices: (b.CustomsOfficeOfTransitDeclared ?? []).map((o) => o.referenceNumber),
          route: b.Consignment.CountryOfRoutingOfConsignment.map((r) => r.country),
          guarantees: b.Guarantee.flatMap((g) => g.GuaranteeReference.map((r) => r.GRN)),
        }
        return EFFECTIVE
      }
      case 'DeclarationAccepted':
      case 'DeclarationRejected': {
        const auth = this.#byDeparture(e, (m as M<'DeclarationAccepted'>).CustomsOfficeOfDeparture.referenceNumber)
        if (!auth.effective) return auth
        if (status !== 'lodged')
          return precondition(
            `a ${status} declaration cannot be ${e.type === 'DeclarationAccepted' ? 'accepted' : 'rejected'}`,
          )
        if (e.type === 'DeclarationAccepted') f.accepted = e.id
        else f.rejected = e.id
        return EFFECTIVE
      }
      case 'InvalidationRequested': {
        const auth = this.#byDeparture(e, (m as M<'InvalidationRequested'>).CustomsOfficeOfDeparture.referenceNumber)
        if (!auth.effective) return auth
        if (['written-off', 'invalidated', 'rejected'].includes(status))
          return precondition(`a ${status} transit cannot be invalidated`)
        f.invalidationRequested = e.id
        return EFFECTIVE
      }
      case 'InvalidationDecided': {
        const b = m as M<'InvalidationDecided'>
        const auth = this.#byDeparture(e, b.CustomsOfficeOfDeparture.referenceNumber)
        if (!auth.effective) return auth
        if (f.invalidationRequested === undefined) return precondition('no invalidation was requested')
        if (f.writtenOff !== undefined || f.invalidation?.granted === true)
          return precondition(`a ${status} transit cannot be invalidated`)
        const granted = b.Invalidation.decision === '1'
        if (granted && f.arrival !== undefined) {
          if (this.#past.has(e.id, f.arrival.entry))
            return precondition('the goods were recorded as arrived before this decision')
          f.disputes.push({
            entries: [f.arrival.entry, e.id],
            reason: 'invalidation granted concurrently with an arrival record',
            open: true,
          })
        }
        f.invalidation = { entry: e.id, granted }
        if (!granted) f.invalidationRequested = undefined
        return EFFECTIVE
      }
      case 'ReleasedForTransit': {
        const auth = this.#byDeparture(e, (m as M<'ReleasedForTransit'>).CustomsOfficeOfDeparture.referenceNumber)
        if (!auth.effective) return auth
        if (status !== 'accepted') return precondition(`a ${status} transit cannot be released`)
        const covered = this.#covered(e)
        if (!covered.effective) return covered
        f.released = e.id
        return EFFECTIVE
      }
      case 'GuaranteeCoverageRecorded': {
        const b = m as M<'GuaranteeCoverageRecorded'>
        const d = this.#declared(e)
        if (d === undefined || 'effective' in d) return d ?? precondition('no declaration')
        const grn = b.Guarantee.GRN
        if (!d.guarantees.includes(grn)) return precondition(`the declaration names no guarantee ${grn}`)
        if (e.author !== grn.slice(2, 4))
          return notAuthorised(`only the issuing country ${grn.slice(2, 4)} records the coverage of guarantee ${grn}`)
        if (status !== 'accepted') return precondition(`no guarantee coverage is recorded for a ${status} transit`)
        f.coverage.push({
          entry: e.id,
          grn,
          outcome: b.Coverage.outcome,
          ...(b.Coverage.reason === undefined ? {} : { reason: b.Coverage.reason }),
        })
        return EFFECTIVE
      }
      case 'BorderPassageRecorded': {
        const office = (m as M<'BorderPassageRecorded'>).CustomsOfficeOfTransitActual.referenceNumber
        const auth = this.#atRouteOffice(e, office, 'transit')
        if (!auth.effective) return auth
        if (!['released', 'disputed'].includes(status) || f.arrival !== undefined)
          return precondition(`no border passage for a ${status} transit`)
        f.passages.push({ entry: e.id, office, country: e.author })
        return EFFECTIVE
      }
      case 'IncidentRecorded': {
        const b = m as M<'IncidentRecorded'>
        const office = b.CustomsOfficeOfIncidentRegistration.referenceNumber
        const auth = this.#atRouteOffice(e, office)
        if (!auth.effective) return auth
        if (f.released === undefined || f.writtenOff !== undefined)
          return precondition(`no incident for a ${status} transit`)
        f.incidents.push({ entry: e.id, office, code: b.Incident.code })
        return EFFECTIVE
      }
      case 'DiversionRequested': {
        const b = m as M<'DiversionRequested'>
        const office = b.CustomsOfficeActual.referenceNumber
        const owned = checkOffice(this.#dir, e.author, office, b.role)
        if (!owned.effective) return owned
        const d = this.#declared(e)
        if (d === undefined || 'effective' in d) return d ?? precondition('no declaration')
        if (
          d.transitOffices.includes(office) ||
          d.destination === office ||
          f.diversions.some((v) => v.office === office)
        )
          return precondition(`office ${office} is already on the route`)
        if (f.released === undefined || f.arrival !== undefined)
          return precondition(`no diversion for a ${status} transit`)
        f.diversions.push({ entry: e.id, office, country: e.author, role: b.role })
        return EFFECTIVE
      }
      case 'ArrivalNotified':
      case 'ArrivalAdvised': {
        const office = (m as M<'ArrivalAdvised'>).CustomsOfficeOfDestinationActual.referenceNumber
        const auth = this.#atRouteOffice(e, office, 'destination')
        if (!auth.effective) return auth
        if (f.released === undefined || f.writtenOff !== undefined)
          return precondition(`no arrival for a ${status} transit`)
        if (f.arrival !== undefined)
          return f.arrival.office === office
            ? EFFECTIVE
            : precondition(`the goods already arrived at ${f.arrival.office}`)
        if (f.invalidation?.granted === true) {
          if (this.#past.has(e.id, f.invalidation.entry))
            return precondition('the transit was invalidated before this arrival')
          f.disputes.push({
            entries: [f.invalidation.entry, e.id],
            reason: 'arrival recorded concurrently with a granted invalidation',
            open: true,
          })
        }
        f.arrival = { entry: e.id, office, country: e.author }
        return EFFECTIVE
      }
      case 'ControlResultsRecorded': {
        const b = m as M<'ControlResultsRecorded'>
        const office = b.CustomsOfficeOfDestinationActual.referenceNumber
        if (f.arrival === undefined) return precondition('the goods have not arrived')
        if (office !== f.arrival.office || e.author !== f.arrival.country)
          return notAuthorised(`control results come from the office of arrival ${f.arrival.office}`)
        if (f.control !== undefined) return precondition('control results were already recorded')
        f.control = { entry: e.id, code: b.ControlResult.code }
        return EFFECTIVE
      }
      case 'WrittenOff': {
        const auth = this.#byDeparture(e, (m as M<'WrittenOff'>).CustomsOfficeOfDeparture.referenceNumber)
        if (!auth.effective) return auth
        if (f.disputes.some((d) => d.open)) return precondition('an open dispute blocks write-off')
        if (status !== 'controlled') return precondition(`a ${status} transit cannot be written off`)
        if (f.control?.code === 'B1') return precondition('control results B1 (not satisfactory) block write-off')
        f.writtenOff = e.id
        return EFFECTIVE
      }
      case 'DisputeResolved': {
        const b = m as M<'DisputeResolved'>
        const auth = this.#byDeparture(e, b.CustomsOfficeOfDeparture.referenceNumber)
        if (!auth.effective) return auth
        const open = f.disputes.filter((d) => d.open)
        if (open.length === 0) return precondition('no dispute is open')
        for (const d of open) Object.assign(d, { open: false, resolvedBy: e.id, outcome: b.Resolution.outcome })
        if (b.Resolution.outcome === 'arrival-stands') f.invalidation = undefined
        else {
          f.arrival = undefined
          f.control = undefined
        }
        return EFFECTIVE
      }
      default:
        return precondition(`${e.type} is not a transit entry`)
    }
  }
}
