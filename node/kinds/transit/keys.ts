/** The search keys of a transit: its MRN and LRN, its offices, its traders, vehicles and containers. */
import { types } from '../../../protocol/messages/index.ts'
import type { TransitFacts } from '../../../protocol/kinds/transit/index.ts'
import type { DocumentView, SearchKey } from '../kind.ts'
import { currentDeclarationBody } from './declared.ts'

export const TRANSIT_SEARCH_KEYS: Readonly<Record<string, SearchKey>> = {
  mrn: { schema: types.Mrn, description: 'MRN of a transit' },
  lrn: { schema: types.Lrn, description: 'Local reference number of a transit declaration' },
  office: { schema: types.OfficeReference, description: 'A customs office the document names (declared or actual)' },
  trader: {
    schema: types.Identifier,
    description: "Identification number of the holder, consignor or consignee (or a guarantee's principal)",
  },
  vehicle: { schema: types.Identifier, description: 'Registration number of a means of transport' },
  container: { schema: types.ContainerNumber, description: 'Container number' },
}

const sorted = (xs: Iterable<string | undefined>): string[] =>
  [...new Set([...xs].filter((x): x is string => x !== undefined))].sort()

export function transitKeys(doc: DocumentView): Record<string, string[]> {
  const { state } = doc
  const f = state.facts as TransitFacts
  const decl = currentDeclarationBody(doc)
  const parties =
    decl === undefined ? [] : [decl.HolderOfTheTransitProcedure, decl.Consignment.Consignor, decl.Consignment.Consignee]
  const declared =
    f.declaration === undefined
      ? []
      : [f.declaration.departure, f.declaration.destination, ...f.declaration.transitOffices]
  return {
    mrn: [state.documentId],
    // The guarantees it names: the issuer finds the transits waiting for their coverage.
    grn: sorted(f.declaration?.guarantees ?? []),
    lrn: sorted([decl?.TransitOperation.LRN]),
    office: sorted([
      ...declared,
      ...f.passages.map((p) => p.office),
      ...f.diversions.map((d) => d.office),
      f.arrival?.office,
    ]),
    trader: sorted(parties.map((p) => p.identificationNumber)),
    vehicle: sorted((decl?.Consignment.DepartureTransportMeans ?? []).map((m) => m.identificationNumber)),
    container: sorted((decl?.Consignment.TransportEquipment ?? []).map((t) => t.containerIdentificationNumber)),
  }
}
