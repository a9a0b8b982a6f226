/**
 * Test kit: the transit of the examples (Urumqi → Kazakhstan → Tashkent) written as real signed
 * log entries by CN, KZ, UZ (and KG for a diversion), plus the guarantee's own log. Each function
 * returns the entries by name so tests can deliver them in any order, leave some out, or add
 * unauthorised, concurrent and equivocating ones.
 */
import { exampleMessage, EXAMPLE_CONTEXT } from '../messages/index.ts'
import type { Message, MessageTypeName } from '../messages/index.ts'
import { DocumentWriter } from './federation.ts'
import type { WrittenEntry } from './federation.ts'

function body<T extends MessageTypeName>(type: T): Message<T> {
  return exampleMessage(type)
}

/** The honest lifecycle up to release, then what the route countries write. */
export function transitLifecycle(): { writer: DocumentWriter; e: Record<string, WrittenEntry> } {
  const w = new DocumentWriter(EXAMPLE_CONTEXT.mrn)
  const e: Record<string, WrittenEntry> = {}
  e.lodged = w.write('DeclarationLodged', 'CN', body('DeclarationLodged'))
  e.accepted = w.write('DeclarationAccepted', 'CN', body('DeclarationAccepted'), {
    parents: [e.lodged.id],
    auth: [e.lodged.id],
  })
  // China issued the guarantee too: it records the reservation in the transit's log (L11).
  e.covered = w.write('GuaranteeCoverageRecorded', 'CN', body('GuaranteeCoverageRecorded'), {
    parents: [e.accepted.id],
    auth: [e.lodged.id, e.accepted.id],
  })
  e.released = w.write('ReleasedForTransit', 'CN', body('ReleasedForTransit'), {
    parents: [e.covered.id],
    auth: [e.lodged.id, e.accepted.id, e.covered.id],
  })
  e.passageKZ = w.write('BorderPassageRecorded', 'KZ', body('BorderPassageRecorded'), {
    parents: [e.released.id],
    auth: [e.released.id],
  })
  e.incident = w.write('IncidentRecorded', 'KZ', body('IncidentRecorded'), {
    parents: [e.passageKZ.id],
    auth: [e.released.id],
  })
  const uzPassage = body('BorderPassageRecorded')
  uzPassage.CustomsOfficeOfTransitActual.referenceNumber = 'UZB00100'
  e.passageUZ = w.write('BorderPassageRecorded', 'UZ', uzPassage, { parents: [e.incident.id], auth: [e.released.id] })
  e.arrival = w.write('ArrivalNotified', 'UZ', body('ArrivalNotified'), {
    parents: [e.passageUZ.id],
    auth: [e.released.id],
  })
  e.advice = w.write('ArrivalAdvised', 'UZ', body('ArrivalAdvised'), { parents: [e.arrival.id], auth: [e.arrival.id] })
  e.control = w.write('ControlResultsRecorded', 'UZ', body('ControlResultsRecorded'), {
    parents: [e.advice.id],
    auth: [e.arrival.id],
  })
  e.writtenOff = w.write('WrittenOff', 'CN', body('WrittenOff'), {
    parents: [e.control.id],
    auth: [e.arrival.id, e.control.id],
  })
  return { writer: w, e }
}

/** Entries that must stay ineffective, identically everywhere (THREATS 16). */
export function unauthorisedEntries(w: DocumentWriter, e: Record<string, WrittenEntry>): Record<string, WrittenEntry> {
  const out: Record<string, WrittenEntry> = {}
  // KG is not on the route and has no diversion: its passage is not authorised.
  const kg = body('BorderPassageRecorded')
  kg.CustomsOfficeOfTransitActual.referenceNumber = 'KGB00300'
  out.passageKG = w.write('BorderPassageRecorded', 'KG', kg, { parents: [e.released!.id], auth: [e.released!.id] })
  // KZ records a passage at an office of Uzbekistan.
  const foreign = body('BorderPassageRecorded')
  foreign.CustomsOfficeOfTransitActual.referenceNumber = 'UZB00100'
  out.foreignOffice = w.write('BorderPassageRecorded', 'KZ', foreign, {
    parents: [e.passageKZ!.id],
    auth: [e.released!.id],
  })
  // UZ tries to write off: only the departure country may.
  const wo = body('WrittenOff')
  out.writeOffByUZ = w.write('WrittenOff', 'UZ', wo, { parents: [e.control!.id], auth: [e.control!.id] })
  return out
}
