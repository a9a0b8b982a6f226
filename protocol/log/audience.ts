/**
 * Who must hold a document (route scope): a transit goes to the departure country, every
 * country of its itinerary, the countries of its declared offices, the countries of its
 * guarantees, and any country a diversion added; a guarantee to its issuer and the countries
 * where it is valid. Nobody else receives it, or learns that it exists (THREATS 19).
 */
import type { OfficeDirectory } from './effect.ts'
import type { DocumentState } from './state.ts'

export function audienceOf(state: DocumentState, offices: OfficeDirectory): string[] {
  const out = new Set<string>()
  if (state.kind === 'transit') {
    const d = state.facts.declaration
    if (d === undefined) return []
    out.add(d.departureCountry)
    for (const c of d.route) out.add(c)
    for (const ref of [d.departure, d.destination, ...d.transitOffices]) {
      const o = offices.office(ref)
      if (o !== undefined) out.add(o.country)
    }
    for (const grn of d.guarantees) out.add(grn.slice(2, 4))
    for (const v of state.facts.diversions) out.add(v.country)
  } else {
    const r = state.facts.registered
    if (r === undefined) return []
    out.add(r.issuer)
    for (const c of r.validIn) out.add(c)
  }
  return [...out].sort()
}
