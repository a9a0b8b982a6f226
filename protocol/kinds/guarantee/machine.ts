/**
 * The guarantee state machine (L11). Only the issuing country (the GRN's country) writes a
 * guarantee's log. Reservations take effect only while the balance covers them, in the order of
 * L8, so the balance never goes below zero whatever the delivery order; a release returns an
 * effective reservation of the same transit. Amounts are exact integers of minor units.
 */
import { checkOffice, EFFECTIVE, notAuthorised, precondition } from '../../log/effect.ts'
import type { Effect, OfficeDirectory } from '../../log/effect.ts'
import type { KindEntry, KindMachine } from '../kind.ts'
import { transitStatus } from '../transit/machine.ts'
import type { TransitFacts } from '../transit/machine.ts'
import type { GuaranteeMessage, GuaranteeMessageType } from './messages.ts'

export interface GuaranteeFacts {
  registered?: {
    entry: string
    referenceAmount: string
    currency: string
    issuer: string
    validFrom: string
    validUntil: string
    validIn: string[]
  }
  reservations: { entry: string; mrn: string; amount: string; released?: string }[]
  /** Reference amount minus effective, unreleased reservations, in minor units as a string. */
  balance: string
}

/** "18500.5" → 1850050n (two decimals, as AmountType allows). */
export function toMinor(amount: string): bigint {
  const [whole = '0', frac = ''] = amount.split('.')
  return BigInt(whole) * 100n + BigInt((frac + '00').slice(0, 2))
}

export function fromMinor(minor: bigint): string {
  const sign = minor < 0n ? '-' : ''
  const abs = minor < 0n ? -minor : minor
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`
}

type M<T extends GuaranteeMessageType> = GuaranteeMessage<T>
type LogEntry = KindEntry

export class GuaranteeMachine implements KindMachine<GuaranteeFacts> {
  readonly facts: GuaranteeFacts = { reservations: [], balance: '0.00' }
  readonly #dir: OfficeDirectory

  constructor(dir: OfficeDirectory) {
    this.#dir = dir
  }

  apply(e: LogEntry): Effect {
    const f = this.facts
    const issuer = e.documentId.slice(2, 4)
    if (e.author !== issuer) return notAuthorised(`only the issuing country ${issuer} writes guarantee ${e.documentId}`)
    switch (e.type) {
      case 'GuaranteeRegistered': {
        const b = m<'GuaranteeRegistered'>(e)
        const office = checkOffice(this.#dir, e.author, b.GuaranteeOffice.referenceNumber)
        if (!office.effective) return office
        if (f.registered !== undefined) return precondition('the guarantee is already registered')
        f.registered = {
          entry: e.id,
          referenceAmount: b.Guarantee.referenceAmount,
          currency: b.Guarantee.currency,
          issuer,
          validFrom: b.Guarantee.validFrom,
          validUntil: b.Guarantee.validUntil,
          validIn: b.ValidIn.map((v) => v.country),
        }
        f.balance = fromMinor(toMinor(b.Guarantee.referenceAmount))
        return EFFECTIVE
      }
      case 'GuaranteeReserved': {
        const b = m<'GuaranteeReserved'>(e)
        if (f.registered === undefined) return precondition('the guarantee is not registered')
        if (b.Reservation.currency !== f.registered.currency)
          return precondition(
            `the reservation is in ${b.Reservation.currency}, the guarantee in ${f.registered.currency}`,
          )
        const mrn = b.TransitOperation.MRN
        if (f.reservations.some((r) => r.mrn === mrn && r.released === undefined))
          return precondition(`transit ${mrn} already holds a reservation`)
        const amount = toMinor(b.Reservation.amount)
        const balance = toMinor(f.balance)
        if (amount > balance)
          return precondition(
            `insufficient balance: ${f.balance} ${f.registered.currency} left, ${b.Reservation.amount} asked`,
          )
        f.reservations.push({ entry: e.id, mrn, amount: b.Reservation.amount })
        f.balance = fromMinor(balance - amount)
        return EFFECTIVE
      }
      case 'GuaranteeReleased': {
        const b = m<'GuaranteeReleased'>(e)
        const mrn = b.TransitOperation.MRN
        const r = f.reservations.find((x) => x.mrn === mrn && x.released === undefined)
        if (r === undefined) return precondition(`transit ${mrn} holds no reservation to release`)
        if (toMinor(b.Release.amount) !== toMinor(r.amount))
          return precondition(`the release of ${b.Release.amount} does not match the reservation of ${r.amount}`)
        r.released = e.id
        f.balance = fromMinor(toMinor(f.balance) + toMinor(r.amount))
        return EFFECTIVE
      }
      default:
        return precondition(`${e.type} is not a guarantee entry`)
    }
  }
}

function m<T extends GuaranteeMessageType>(e: LogEntry): M<T> {
  return e.message as M<T>
}

/**
 * The issuing node's rule before it writes GuaranteeReleased for a transit it holds (L11): the
 * transit is written off or invalidated, and no dispute is open.
 */
export function mayReleaseGuarantee(transit: TransitFacts): boolean {
  return ['written-off', 'invalidated'].includes(transitStatus(transit)) && !transit.disputes.some((d) => d.open)
}
