/** The MESSAGE group every NCTS message starts with, and the result type of every mapping. */
import type { FieldError } from '../contract.ts'
import type { Builder, XNode } from './xml.ts'
import { nctsDateTime } from './xml.ts'

export interface NctsEnvelope {
  /** messageSender / messageRecipient: up to 35 characters (a node or system name). */
  readonly sender: string
  readonly recipient: string
  readonly messageId: string
  /** UTC ISO time of preparation; written without zone, as NCTS does. */
  readonly preparedAt: string
  readonly correlationId?: string
}

export type MapResult<T> =
  | { readonly ok: true; readonly value: T; readonly warnings: readonly FieldError[] }
  | { readonly ok: false; readonly errors: readonly FieldError[]; readonly warnings: readonly FieldError[] }

export function envelope(b: Builder, type: string, env: NctsEnvelope): XNode[] {
  return [
    b.leaf('messageSender', env.sender, '', { max: 35 }),
    b.leaf('messageRecipient', env.recipient, '', { max: 35 }),
    b.leaf('preparationDateAndTime', nctsDateTime(env.preparedAt), ''),
    b.leaf('messageIdentification', env.messageId, '', { max: 35 }),
    b.leaf('messageType', type, ''),
    b.leaf('correlationIdentifier', env.correlationId, '', { max: 35 }),
  ].filter((n): n is XNode => n !== undefined)
}

/** Prefixes builder paths with the root element, so errors read /CC015C/Consignment/... */
export function finish(root: string, b: Builder, xml: string, warnings: readonly FieldError[] = []): MapResult<string> {
  const errors = b.errors.map((e) => ({ ...e, path: `/${root}${e.path.startsWith('/') ? '' : '/'}${e.path}` }))
  return errors.length > 0 ? { ok: false, errors, warnings } : { ok: true, value: xml, warnings }
}
