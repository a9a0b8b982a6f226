/**
 * Guarantee messages. A guarantee is its own document (documentId = GRN), written by the node of
 * the issuing country: registration, a reservation per transit, their release, and the balance
 * query and answer. The balance never goes below zero (see docs/protocol/log.md).
 */
import { z } from 'zod'
import * as t from '../../messages/types/simple.ts'
import * as c from '../../messages/types/complex.ts'
import { defineMessage } from '../../messages/catalogue/definition.ts'
import type { MessageOf } from '../../messages/catalogue/definition.ts'

const GuaranteeRef = z.object({ GRN: t.Grn })
const Money = { amount: t.Amount, currency: t.CurrencyCode }

export const GuaranteeRegistered = defineMessage({
  type: 'GuaranteeRegistered',
  title: 'Guarantee registered',
  purpose: 'The guarantee office of the issuing country registers a guarantee and its reference amount.',
  sender: 'guarantee office (issuing country)',
  receivers: ['countries where the guarantee is valid'],
  ncts: 'GMS: guarantee registration (CD203C/CD209C use and credit in the NCTS domain)',
  body: {
    Guarantee: z.object({
      GRN: t.Grn,
      guaranteeType: z.string().regex(/^[0-9A-Z]$/),
      referenceAmount: t.Amount,
      currency: t.CurrencyCode,
      validFrom: t.DateOnly,
      validUntil: t.DateOnly,
      accessCodeDigest: z
        .string()
        .regex(/^[0-9a-f]{64}$/)
        .optional(),
    }),
    GuaranteeOffice: c.CustomsOffice,
    Principal: c.Trader,
    ValidIn: z.array(c.CountryOfRouting).min(1).max(11),
  },
  rules: [
    { code: 'GU-R001', text: 'The GRN country is the issuing country; only its node writes the guarantee.' },
    { code: 'GU-R002', text: 'validFrom is not after validUntil.' },
    { code: 'GU-R003', text: 'The access code itself is never sent: only its SHA-256 digest.' },
  ],
  check: (m) =>
    m.Guarantee.validFrom > m.Guarantee.validUntil
      ? [{ rule: 'GU-R002', path: 'Guarantee/validUntil', value: m.Guarantee.validUntil, reason: 'before validFrom' }]
      : [],
})

export const GuaranteeReserved = defineMessage({
  type: 'GuaranteeReserved',
  title: 'Guarantee reserved',
  purpose:
    'Reserves part of a guarantee for one transit. The issuing country writes it when the transit is accepted; it is refused if the balance does not cover it.',
  sender: 'guarantee office (issuing country)',
  receivers: ['office of departure of the transit'],
  ncts: 'CD203C (guarantee use)',
  body: {
    Guarantee: GuaranteeRef,
    TransitOperation: TransitRef(),
    Reservation: z.object({ ...Money, reservedAt: t.DateTime }),
  },
  rules: [
    {
      code: 'GU-R004',
      text: 'The reservation never takes the balance below zero, whatever the delivery order of concurrent reservations.',
    },
  ],
})

export const GuaranteeReleased = defineMessage({
  type: 'GuaranteeReleased',
  title: 'Guarantee released',
  purpose: 'Releases the reservation of one transit, after write-off or a granted invalidation.',
  sender: 'guarantee office (issuing country)',
  receivers: ['office of departure of the transit'],
  ncts: 'CD209C (guarantee credit)',
  body: {
    Guarantee: GuaranteeRef,
    TransitOperation: TransitRef(),
    Release: z.object({ ...Money, releasedAt: t.DateTime, reason: z.enum(['written-off', 'invalidated', 'other']) }),
  },
  rules: [
    {
      code: 'GU-R005',
      text: 'Refers to the reservation it releases (authorityEntry) and to the write-off or invalidation that justifies it.',
    },
  ],
})

export const GuaranteeBalanceQuery = defineMessage({
  type: 'GuaranteeBalanceQuery',
  title: 'Guarantee balance query',
  purpose: 'A route office or the holder asks the issuing country for the current balance of a guarantee.',
  sender: 'any member node',
  receivers: ['the issuing country (messageRecipient)'],
  ncts: 'CC034C (IE034 query on guarantees)',
  directed: true,
  body: {
    Guarantee: z.object({
      GRN: t.Grn,
      accessCode: z
        .string()
        .regex(/^[A-Za-z0-9]{4}$/)
        .optional(),
    }),
    queryIdentifier: t.MessageId,
  },
  rules: [{ code: 'GU-R006', text: 'Not a log entry: a directed request answered by GuaranteeBalanceResponse.' }],
})

export const GuaranteeBalanceResponse = defineMessage({
  type: 'GuaranteeBalanceResponse',
  title: 'Guarantee balance response',
  purpose: 'The issuing country answers a balance query with the balance computed from the guarantee log.',
  sender: 'guarantee office (issuing country)',
  receivers: ['the querying node (messageRecipient)'],
  ncts: 'CC037C (IE037 response to query on guarantees)',
  directed: true,
  body: {
    Guarantee: z.object({ GRN: t.Grn, referenceAmount: t.Amount, balanceAmount: t.Amount, currency: t.CurrencyCode }),
    queryIdentifier: t.MessageId,
    balanceAt: t.DateTime,
  },
  rules: [{ code: 'GU-R007', text: 'The balance is never negative and never above the reference amount.' }],
  check: (m) =>
    Number(m.Guarantee.balanceAmount) > Number(m.Guarantee.referenceAmount)
      ? [
          {
            rule: 'GU-R007',
            path: 'Guarantee/balanceAmount',
            value: m.Guarantee.balanceAmount,
            reason: 'above the reference amount',
          },
        ]
      : [],
})

function TransitRef() {
  return z.object({ MRN: t.Mrn })
}

export const GUARANTEE_MESSAGES = {
  GuaranteeRegistered,
  GuaranteeReserved,
  GuaranteeReleased,
  GuaranteeBalanceQuery,
  GuaranteeBalanceResponse,
} as const
export type GuaranteeMessageType = keyof typeof GUARANTEE_MESSAGES
export type GuaranteeMessage<T extends GuaranteeMessageType> = MessageOf<(typeof GUARANTEE_MESSAGES)[T]>
