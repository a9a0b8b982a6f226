/**
 * The header every message carries: what a replicated, signed log needs (see
 * docs/protocol/log.md) plus the message identification, type and time. It is inside the
 * signed bytes, so a signature binds the entry to its document, author, position and purpose.
 */
import { z } from 'zod'
import * as t from './types/simple.ts'

export const DocumentId = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,64}$/)
  .meta({
    id: 'DocumentIdType',
    description: 'Document id: the identifier of the document the entry belongs to, in the scheme of its kind',
  })

export const Header = z
  .object({
    messageIdentification: t.MessageId,
    // The root element's name; that it is a type of the catalogue and matches the root is checked
    // with the message (MSG_UNKNOWN_TYPE, MSG_HEADER_MISMATCH), so the header knows no kind.
    messageType: t.MessageTypeToken,
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
  })
  .meta({ id: 'HeaderType', description: 'Message and log-entry header' })

export type Header = z.infer<typeof Header>
