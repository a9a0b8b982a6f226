import { afterAll, describe, expect, it } from 'vitest'
import { encodeMessage, exampleMessage, MESSAGE_TYPE_NAMES, validateMessage, decodeMessage } from './index.ts'
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
