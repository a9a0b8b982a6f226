import { afterAll, describe, expect, it } from 'vitest'
import {
  decodeMessage,
  encodeMessage,
  exampleBody,
  exampleMessage,
  EXAMPLE_COUNTRIES,
  MESSAGE_TYPE_NAMES,
  validateMessage,
} from './index.ts'
import { Xmllint } from '../testing/xmllint.ts'

const xmllint = new Xmllint()
afterAll(() => xmllint[Symbol.dispose]())

describe('every message type has an example that', () => {
  it.each(MESSAGE_TYPE_NAMES)(
    '%s: is valid under xmllint --schema and under our validator, and round-trips',
    (type) => {
      const message = exampleMessage(type)
      const xml = encodeMessage(type, message)
      const lint = xmllint.validate(type, xml)
      expect(lint.stderr).toContain('validates')
      expect(lint.ok).toBe(true)
      const result = validateMessage(xml)
      if (!result.ok) throw new Error(result.errors.map((e) => `${e.code} ${e.message}`).join('\n'))
      expect(result.message.type).toBe(type)
      expect(result.message.message).toEqual(message)
      // The decoded message encodes to the same bytes: encoding is deterministic.
      expect(encodeMessage(type, decodeMessage(xml).message as typeof message)).toBe(xml)
    },
  )
})

describe('the catalogue', () => {
  it('covers the transit lifecycle, the guarantee and the functional rejection', () => {
    for (const t of [
      'DeclarationLodged',
      'DeclarationAccepted',
      'DeclarationRejected',
      'DeclarationAmended',
      'InvalidationRequested',
      'InvalidationDecided',
      'ReleasedForTransit',
      'BorderPassageRecorded',
      'IncidentRecorded',
      'DiversionRequested',
      'ArrivalNotified',
      'ArrivalAdvised',
      'ControlResultsRecorded',
      'WrittenOff',
      'DisputeResolved',
      'GuaranteeRegistered',
      'GuaranteeReserved',
      'GuaranteeReleased',
      'GuaranteeBalanceQuery',
      'GuaranteeBalanceResponse',
      'FunctionalRejection',
      'DeliveryReceipt',
    ]) {
      expect(MESSAGE_TYPE_NAMES).toContain(t)
    }
  })

  it('refuses to encode an invalid message (the code never emits what it would refuse)', () => {
    const m = exampleMessage('WrittenOff')
    m.TransitOperation.writeOffDate = '2026-02-30'
    expect(() => encodeMessage('WrittenOff', m)).toThrow(expect.objectContaining({ code: 'MSG_INVALID_VALUE' }))
  })
})

describe('the examples told in each CAREC country', () => {
  it.each(EXAMPLE_COUNTRIES)(
    '%s: every example validates, and its offices, MRN and GRN are of the country',
    (country) => {
      for (const type of MESSAGE_TYPE_NAMES) {
        const message = exampleMessage(type, { country })
        const result = validateMessage(encodeMessage(type, message))
        if (!result.ok) throw new Error(`${type}: ${result.errors.map((e) => e.message).join('\n')}`)
        const text = JSON.stringify(message)
        for (const ref of text.match(/"[A-Z]{2}[BI]00[0-9]00"/g) ?? [])
          expect(ref.slice(1, 3), `${type} ${ref}`).toBe(country)
        for (const id of text.match(/"[0-9]{2}[A-Z]{2}[A-Z0-9]{13,14}"/g) ?? [])
          expect(id.slice(3, 5), `${type} ${id}`).toBe(country)
      }
      expect(exampleMessage('DeclarationLodged', { country }).TransitOperation.MRN.slice(2, 4)).toBe(country)
      expect(exampleMessage('GuaranteeRegistered', { country }).Guarantee.GRN.slice(2, 4)).toBe(country)
    },
  )

  it('the JSON body has no Header, and a declaration or action no MRN (the node fills it in)', () => {
    const body = exampleBody('DeclarationLodged', exampleMessage('DeclarationLodged', { country: 'KZ' }))
    expect(body.Header).toBeUndefined()
    expect(body.TransitOperation).not.toHaveProperty('MRN')
    expect(exampleBody('WrittenOff', exampleMessage('WrittenOff')).TransitOperation).not.toHaveProperty('MRN')
    expect(exampleBody('GuaranteeReserved', exampleMessage('GuaranteeReserved')).TransitOperation).toHaveProperty('MRN')
  })

  it('refuses a country that is not a CAREC member', () => {
    expect(() => exampleMessage('DeclarationLodged', { country: 'FR' })).toThrow(/CAREC country/)
  })
})
