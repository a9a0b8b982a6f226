/**
 * Writing an entry as this node: the header's log fields come from the document's log (the
 * node's own chain, the current heads) and from the entries the action rests on (authority,
 * which the document's kind names: DocumentKind.authority).
 */
import { SisError } from '../protocol/errors.ts'
import type { Message } from '../protocol/messages/index.ts'
import type { DocumentLog } from '../protocol/log/index.ts'

let counter = 0

/** The header of a new entry by `country` on `log`'s document. */
export function headerFor(
  type: string,
  opts: {
    country: string
    keyId: string
    documentId: string
    log: DocumentLog | undefined
    authority: string[]
    now: string
  },
): Message['Header'] {
  const own = opts.log === undefined ? [] : [...opts.log.entries()].filter((e) => e.author === opts.country)
  const last = own.reduce<(typeof own)[number] | undefined>(
    (a, e) => (a === undefined || e.seq > a.seq ? e : a),
    undefined,
  )
  const frozen = opts.log?.frozen().get(opts.country)
  if (frozen !== undefined)
    throw new SisError(
      'LOG_AUTHOR_FROZEN',
      `${opts.country} is frozen on ${opts.documentId} after an equivocation at seq ${frozen}`,
      { documentId: opts.documentId },
    )
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
