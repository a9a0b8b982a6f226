/**
 * The guarantee's coverage, recorded in the transit's own log by the guarantee's issuing country:
 * reserved (with the reservation entry on the guarantee's log) or refused (with the reason). A
 * release takes effect only when every guarantee the declaration names is recorded reserved in
 * its causal past, so every node judges it from the transit's log alone (L11).
 */
import { z } from 'zod'
import * as t from '../../messages/types/simple.ts'
import { defineMessage } from '../../messages/catalogue/definition.ts'

export const GuaranteeCoverageRecorded = defineMessage({
  type: 'GuaranteeCoverageRecorded',
  title: 'Guarantee coverage recorded',
  purpose:
    'The issuing country of a guarantee the declaration names records whether the guarantee covers this transit: the amount is reserved on the guarantee (the reservation entry is named), or it is refused with the reason (the balance is exhausted, the guarantee is not registered).',
  sender: 'guarantee office (issuing country)',
  receivers: ['office of departure', 'route countries'],
  ncts: 'CD203C / CD204C (GMS: guarantee use and its answer)',
  body: {
    TransitOperation: z.object({ MRN: t.Mrn }),
    Guarantee: z.object({ GRN: t.Grn }),
    Coverage: z.object({
      outcome: z.enum(['reserved', 'refused']),
      amount: t.Amount,
      currency: t.CurrencyCode,
      recordedAt: t.DateTime,
      reservationEntry: t.EntryId.optional(),
      reason: t.FreeText.optional(),
    }),
  },
  rules: [
    {
      code: 'TR-R018',
      text: "Only the guarantee's issuing country (the GRN's country) writes it, for a guarantee the declaration names, after acceptance and before release.",
    },
    {
      code: 'TR-R019',
      text: "reserved names the GuaranteeReserved entry on the guarantee's log; refused gives the reason.",
    },
    {
      code: 'TR-R020',
      text: 'The latest coverage of each guarantee in the causal past of a release decides whether the release takes effect.',
    },
  ],
  check: (m) =>
    m.Coverage.outcome === 'reserved'
      ? m.Coverage.reservationEntry === undefined
        ? [
            {
              rule: 'TR-R019',
              path: 'Coverage/reservationEntry',
              reason: 'a reserved coverage names its reservation entry',
            },
          ]
        : []
      : m.Coverage.reason === undefined
        ? [{ rule: 'TR-R019', path: 'Coverage/reason', reason: 'a refused coverage gives its reason' }]
        : [],
})
