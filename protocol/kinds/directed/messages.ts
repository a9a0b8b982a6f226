/**
 * The functional rejection: the answer to a message that could not be taken, with codes from a
 * list every implementation shares (FUNCTIONAL_ERROR_CODES), as NCTS IE906/IE917 do.
 */
import { z } from 'zod'
import * as t from '../../messages/types/simple.ts'
import * as c from '../../messages/types/complex.ts'
import { defineMessage } from '../../messages/catalogue/definition.ts'

/** The rejection code list. Codes are stable; add, never renumber or reuse. */
export const FUNCTIONAL_ERROR_CODES = {
  DUPLICATE_MESSAGE_ID: 'a message with this identification was already received from this author',
  UNKNOWN_MRN: 'no transit with this MRN is known to the receiver',
  UNKNOWN_GRN: 'no guarantee with this GRN is known to the receiver',
  OUT_OF_SEQUENCE: "the message does not fit the current state or the author's sequence",
  INVALID_MRN: 'the MRN is malformed or its check digit is wrong',
  INVALID_GRN: 'the GRN is malformed or its check digit is wrong',
  NOT_AUTHORISED: 'the author has no authority to send this message for this document',
  SCHEMA_ERROR: 'the message does not conform to its XML schema',
  CODE_LIST_ERROR: 'a value is not in its code list, or is deprecated',
  RULE_ERROR: 'a business rule of the message is broken',
  XML_ERROR:
    'the input was refused before parsing: malformed, or a forbidden construct (DOCTYPE, entity, control character)',
  SIGNATURE_ERROR: 'the signature is missing, malformed, or does not verify with a pinned member key',
  TOO_LARGE: 'the message exceeds a size, depth or count limit',
  UNKNOWN_MESSAGE_TYPE: 'the root element is not a message type of the catalogue',
  INSUFFICIENT_GUARANTEE: 'the guarantee balance does not cover the amount',
} as const

export type FunctionalErrorCode = keyof typeof FUNCTIONAL_ERROR_CODES
export const FUNCTIONAL_ERROR_CODE_NAMES = Object.keys(FUNCTIONAL_ERROR_CODES) as [
  FunctionalErrorCode,
  ...FunctionalErrorCode[],
]

export const FunctionalRejection = defineMessage({
  type: 'FunctionalRejection',
  title: 'Functional rejection',
  purpose:
    'Tells the sender of a message that it was not taken, and why, with a code from the shared list and a pointer to each error.',
  sender: 'any member node',
  receivers: ['the sender of the rejected message (messageRecipient)'],
  ncts: 'CC906C / CC917C (functional NACK / XML NACK)',
  directed: true,
  body: {
    RejectedMessage: z.object({
      messageIdentification: t.MessageId,
      messageType: t.Identifier.optional(),
      rejectionDateAndTime: t.DateTime,
      rejectionCode: z.enum(FUNCTIONAL_ERROR_CODE_NAMES),
    }),
    FunctionalError: z.array(c.FunctionalError).min(1).max(999),
  },
  rules: [
    {
      code: 'DM-R001',
      text: 'Not a log entry: a directed answer. The documentId is the rejected message\'s, or "unknown".',
    },
    {
      code: 'DM-R002',
      text: 'Each FunctionalError carries an errorCode from the same list and an errorPointer (element path).',
    },
  ],
  check: (m) =>
    m.FunctionalError.flatMap((e, i) =>
      Object.hasOwn(FUNCTIONAL_ERROR_CODES, e.errorCode)
        ? []
        : [
            {
              rule: 'DM-R002',
              path: `FunctionalError[${i + 1}]/errorCode`,
              value: e.errorCode,
              reason: 'not in the functional error code list',
            },
          ],
    ),
})

export const DeliveryReceipt = defineMessage({
  type: 'DeliveryReceipt',
  title: 'Delivery receipt',
  purpose:
    'The receiving node tells the sender which entries of a document it now holds durably. The sender keeps the signed receipt as proof of delivery and clears its outbox; a duplicate delivery is answered with a receipt for the same entries.',
  sender: 'any member node (the receiver of entries)',
  receivers: ['the node that sent the entries (messageRecipient)'],
  ncts: 'none (as the signed receipts of X-Road and eDelivery/AS4)',
  directed: true,
  body: {
    Receipt: z.object({
      receivedAt: t.DateTime,
      EntryId: z.array(t.EntryId).min(1).max(10_000),
    }),
  },
  rules: [
    { code: 'DM-R003', text: 'Not a log entry: a directed answer. Signed by the receiver with its pinned key.' },
    { code: 'DM-R004', text: 'Lists only entries the receiver holds after a synced write.' },
  ],
})

/** Directed messages of no kind: answers about any document (L4). */
export const DIRECTED_MESSAGES = { FunctionalRejection, DeliveryReceipt } as const
