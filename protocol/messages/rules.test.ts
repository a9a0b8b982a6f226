/**
 * Rule codes: each rule of the catalogue has a stable code of the form TR-R001, one text per
 * code, and every violation a check returns names a rule its message declares; validation
 * reports it as details.rule. Every error is reported at once, up to a bound.
 */
import { describe, expect, it } from 'vitest'
import { allErrors, ERROR_LIST_LIMIT, SisError } from '../errors.ts'
import { CATALOGUE, MESSAGE_TYPE_NAMES, RULE_CODE } from './catalogue/index.ts'
import type { MessageTypeName, RuleViolation } from './catalogue/index.ts'
import { checkMessage, exampleMessage } from './index.ts'

/** For each message with a check: variants of its example that break each condition of the check. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const BROKEN: { [T in MessageTypeName]?: ((m: any) => void)[] } = {
  DeclarationLodged: [
    (m) => (m.Guarantee[0].sequenceNumber = '2'),
    (m) => (m.Consignment.ConsignmentItem[1].goodsItemNumber = '3'),
    (m) => (m.Consignment.ConsignmentItem[0].Commodity.GoodsMeasure.netMass = '9000'),
    (m) => delete m.Consignment.ConsignmentItem[0].Commodity.GoodsMeasure.supplementaryUnitsCode,
    (m) => (m.Consignment.TransportEquipment[0].numberOfSeals = '3'),
    (m) => (m.Consignment.grossMass = '10'),
    (m) => (m.Consignment.CountryOfRoutingOfConsignment[0].country = 'KZ'),
    (m) => (m.Consignment.CountryOfRoutingOfConsignment[2].country = 'KZ'),
    (m) => (m.CustomsOfficeOfTransitDeclared[0].referenceNumber = 'KGB00100'),
    (m) => (m.TransitOperation.MRN = exampleMessage('DeclarationLodged', { country: 'KZ' }).TransitOperation.MRN),
  ],
  DeclarationAmended: [(m) => (m.Consignment.grossMass = '10')],
  GuaranteeCoverageRecorded: [
    (m) => delete m.Coverage.reservationEntry,
    (m) => {
      m.Coverage.outcome = 'refused'
      delete m.Coverage.reservationEntry
    },
  ],
  ReleasedForTransit: [(m) => (m.TransitAdvice[1].sequenceNumber = '5')],
  ControlResultsRecorded: [(m) => (m.ControlResult.code = 'B1')],
  GuaranteeRegistered: [(m) => (m.Guarantee.validUntil = '2025-01-01')],
  GuaranteeBalanceResponse: [(m) => (m.Guarantee.balanceAmount = '999999.00')],
  FunctionalRejection: [(m) => (m.FunctionalError[0].errorCode = 'NOT_A_CODE')],
}

describe('rule codes', () => {
  it('every rule has a code of the form XX-R000, and a code means one rule text across the catalogue', () => {
    const texts = new Map<string, string>()
    for (const type of MESSAGE_TYPE_NAMES) {
      const codes = CATALOGUE[type].rules.map((r) => r.code)
      expect(new Set(codes).size, type).toBe(codes.length)
      for (const r of CATALOGUE[type].rules) {
        expect(r.code, type).toMatch(RULE_CODE)
        expect(texts.get(r.code) ?? r.text, `${type} ${r.code}`).toBe(r.text)
        texts.set(r.code, r.text)
      }
    }
    expect(texts.size).toBeGreaterThan(40)
  })

  it.each(MESSAGE_TYPE_NAMES.filter((t) => CATALOGUE[t].check !== undefined))(
    "%s: every violation its check returns names one of the message's rules, and the validator reports it",
    (type) => {
      const breaks = BROKEN[type] ?? []
      expect(breaks.length, `${type} has a check but no broken variants here`).toBeGreaterThan(0)
      const declared = CATALOGUE[type].rules.map((r) => r.code)
      const check = CATALOGUE[type].check as (m: unknown) => RuleViolation[]
      expect(check(exampleMessage(type))).toEqual([])
      for (const [i, breakIt] of breaks.entries()) {
        const m = exampleMessage(type)
        breakIt(m)
        const violations = check(m)
        expect(violations.length, `${type} variant ${i + 1}`).toBeGreaterThan(0)
        for (const v of violations) expect(declared, `${type} variant ${i + 1}`).toContain(v.rule)
        const result = checkMessage(type, m)
        expect(result.ok).toBe(false)
        if (result.ok) continue
        const reported = result.errors.filter((e) => e.code === 'MSG_RULE_VIOLATION').map((e) => e.details.rule)
        expect(reported).toEqual(violations.map((v) => v.rule))
      }
    },
  )

  it('the declaration reports each broken condition under its own code', () => {
    const m = exampleMessage('DeclarationLodged')
    m.Consignment.grossMass = '10'
    m.Consignment.ConsignmentItem[1]!.goodsItemNumber = '3'
    const result = checkMessage('DeclarationLodged', m)
    expect(result.ok ? [] : result.errors.map((e) => e.details.rule)).toEqual(['TR-R007', 'TR-R011'])
  })
})

describe('every error at once', () => {
  const errors = (n: number) =>
    Array.from({ length: n }, (_, i) => new SisError('MSG_INVALID_VALUE', `field ${i + 1}`, { field: `f${i + 1}` }))

  it('one error stays as it is; several become the first with all of them in details.errors', () => {
    const one = errors(1)
    expect(allErrors(one)).toBe(one[0])
    const all = allErrors(errors(3))
    expect(all.code).toBe('MSG_INVALID_VALUE')
    expect(all.message).toBe('field 1 (and 2 more errors)')
    expect(all.details.field).toBe('f1')
    expect(all.details.errors).toEqual(
      [1, 2, 3].map((i) => ({ code: 'MSG_INVALID_VALUE', message: `field ${i}`, details: { field: `f${i}` } })),
    )
  })

  it(`lists at most ${ERROR_LIST_LIMIT} and counts the others`, () => {
    const all = allErrors(errors(ERROR_LIST_LIMIT + 7))
    expect(all.details.errors).toHaveLength(ERROR_LIST_LIMIT)
    expect(all.details.more).toBe(7)
    expect(all.message).toBe(`field 1 (and ${ERROR_LIST_LIMIT + 6} more errors, 7 of them not listed)`)
  })
})
