/**
 * The header every message carries: what a replicated, signed log needs (see
 * docs/protocol/log.md) plus the message identification, type and time. It is inside the
 * signed bytes, so a signature binds the entry to its document, author, position and purpose.
 */
import { z } from 'zod'
import * as t from './types/simple.ts'
import { MESSAGE_TYPE_NAMES } from './catalogue/names.ts'

export const DocumentId = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/).meta({
  id: 'DocumentIdType', description: 'Document id: the MRN of a transit, the GRN of a guarantee, or another document identifier',
})

export const Header = z.object({
  messageIdentification: t.MessageId,
  messageType: z.enum(MESSAGE_TYPE_NAMES),
  preparationDateAndTime: t.DateTime,
  documentId: DocumentId,
  authorCountry: t.CountryCode,
  authorKeyId: t.KeyId,
  sequenceNumber: t.SequenceNumber,
  previousEntry: t.EntryId.optional(),
  parentEntry: z.array(t.EntryId).max(32).optional(),
  authorityEntry: z.array(t.EntryId).max(32).optional(),
  ruleVersion: z.string().regex(/^[1-9][0-9]{0,3}$/),
  messageRecipient: t.CountryCode.optional(),
}).meta({ id: 'HeaderType', description: 'Message and log-entry header' })

export type Header = z.infer<typeof Header>
