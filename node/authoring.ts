/**
 * Writing an entry as this node: the header's log fields come from the document's log (the
 * node's own chain, the current heads) and from the entries the action rests on (authority).
 */
import { SisError } from '../protocol/errors.ts'
import { ACTION_MESSAGE_TYPES } from '../protocol/messages/index.ts'
import type { Message, MessageTypeName } from '../protocol/messages/index.ts'
import type { DocumentState, DocumentLog } from '../protocol/log/index.ts'
import type { TransitAction } from './service.ts'

/** The message type each transit action writes. */
export const ACTION_TYPES: Readonly<Record<TransitAction, MessageTypeName>> = ACTION_MESSAGE_TYPES

/** The entries an action rests on (authorityEntry), from the document's state. */
export function authorityFor(type: MessageTypeName, state: DocumentState): string[] {
  if (state.kind !== 'transit') return []
  const f = state.facts
  const ids = (...xs: (string | undefined)[]) => xs.filter((x): x is string => x !== undefined)
  const decl = f.declaration?.entry
  switch (type) {
    case 'DeclarationAccepted': case 'DeclarationRejected': case 'DeclarationAmended': case 'InvalidationRequested': return ids(decl)
    case 'ReleasedForTransit': return ids(decl, f.accepted)
    case 'InvalidationDecided': return ids(decl, f.invalidationRequested)
    case 'BorderPassageRecorded': case 'IncidentRecorded': case 'DiversionRequested': case 'ArrivalNotified': return ids(decl, f.released, ...f.diversions.map((d) => d.entry))
    case 'ArrivalAdvised': case 'ControlResultsRecorded': return ids(decl, f.released, f.arrival?.entry)
    case 'WrittenOff': return ids(decl, f.arrival?.entry, f.control?.entry)
    case 'DisputeResolved': return ids(decl, ...f.disputes.filter((d) => d.open).flatMap((d) => [...d.entries]))
    default: return ids(decl)
  }
}

let counter = 0

/** The header of a new entry by `country` on `log`'s document. */
export function headerFor(type: MessageTypeName, opts: { country: string; keyId: string; documentId: string; log: DocumentLog | undefined; authority: string[]; now: string }): Message['Header'] {
  const own = opts.log === undefined ? [] : [...opts.log.entries()].filter((e) => e.author === opts.country)
  const last = own.reduce<(typeof own)[number] | undefined>((a, e) => (a === undefined || e.seq > a.seq ? e : a), undefined)
  const frozen = opts.log?.frozen().get(opts.country)
  if (frozen !== undefined) throw new SisError('LOG_AUTHOR_FROZEN', `${opts.country} is frozen on ${opts.documentId} after an equivocation at seq ${frozen}`, { documentId: opts.documentId })
  const heads = opts.log?.heads() ?? []
  counter = (counter + 1) % 1_000_000
  return {
    messageIdentification: `${opts.country}-${Date.parse(opts.now).toString(36)}-${counter}`,
    messageType: type,
    preparationDateAndTime: opts.now.replace(/\.\d+Z$/, 'Z'),
    documentId: opts.documentId,
    authorCountry: opts.country,
    authorKeyId: opts.keyId,
    sequenceNumber: String((last?.seq ?? 0) + 1),
    ...(last === undefined ? {} : { previousEntry: last.id }),
    ...(heads.length === 0 ? {} : { parentEntry: heads.slice(0, 32) }),
    ...(opts.authority.length === 0 ? {} : { authorityEntry: [...new Set(opts.authority)].slice(0, 32) }),
    ruleVersion: '1',
  } as Message['Header']
}
