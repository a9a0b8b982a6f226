/**
 * Typed errors. Every refusal of input a peer or a user can send is a SisError with a stable
 * `code` (tests and machines read the code, never the message text), structured `details`, and
 * an `action` that tells the node what to do with the sender: `reject` counts the input against
 * the peer that sent it, `ignore` drops it without blame (a harmless duplicate, say).
 */

export const ERROR_CODES = {
  // Untrusted bytes (protocol/xml): refused before or during parsing.
  XML_EMPTY: 'the input is empty',
  XML_TOO_LARGE: 'the input is larger than the byte limit',
  XML_NOT_UTF8: 'the input is not valid UTF-8',
  XML_DOCTYPE_FORBIDDEN: 'a DOCTYPE declaration is not allowed',
  XML_ENTITY_FORBIDDEN: 'an ENTITY declaration or an undeclared entity reference is not allowed',
  XML_FORBIDDEN_CHAR: 'a character that XML 1.0 forbids (a control character, say) appears',
  XML_PI_FORBIDDEN: 'a processing instruction other than the XML declaration appears',
  XML_MALFORMED: 'the input is not well-formed XML',
  XML_TOO_DEEP: 'elements are nested deeper than the depth limit',
  XML_TOO_MANY_ELEMENTS: 'the document has more elements than the limit',
  XML_TOO_MANY_ATTRIBUTES: 'an element has more attributes than the limit',
  XML_TOO_MANY_REFERENCES: 'the document has more character or entity references than the limit',
  XML_VALUE_TOO_LONG: 'a text or attribute value is longer than the limit',
  XML_FORBIDDEN_NAME: 'an element or attribute name is reserved (__proto__, constructor, prototype)',
  XML_NAMESPACE: 'a namespace prefix is unbound or a namespace declaration is invalid',
  // Message layer (protocol/messages): the parsed tree against the catalogue and schemas.
  MSG_UNKNOWN_TYPE: 'the root element is not a message type of the catalogue',
  MSG_WRONG_NAMESPACE: 'the element is not in the SIS message namespace',
  MSG_UNEXPECTED_ELEMENT: 'an element appears that the schema does not allow there',
  MSG_MISSING_ELEMENT: 'a required element is missing',
  MSG_DUPLICATE_ELEMENT: 'an element appears more often than the schema allows',
  MSG_ELEMENT_ORDER: 'elements are not in the order the schema prescribes',
  MSG_MIXED_CONTENT: 'a value contains child elements or comments',
  MSG_UNEXPECTED_TEXT: 'text appears where only child elements are allowed',
  MSG_UNEXPECTED_ATTRIBUTE: 'an attribute appears that the schema does not allow',
  MSG_INVALID_VALUE: 'a value does not have the format the schema prescribes',
  MSG_HEADER_MISMATCH: 'the header does not agree with the message (type or root element)',
  MSG_RULE_VIOLATION: 'a business rule of the message beyond its schema is broken (sequence numbers, masses, route)',
  // Code lists (protocol/codes): the value is well-formed but not in the list.
  CODE_UNKNOWN: 'the value is not in the code list',
  CODE_DEPRECATED: 'the value is deprecated or deleted in the code list',
  MRN_INVALID: 'the MRN is not a valid NCTS master reference number',
  GRN_INVALID: 'the GRN is not a valid guarantee reference number',
  // Keys and signatures (protocol/crypto, protocol/dsig).
  KEY_INVALID: 'a key is malformed, non-canonical, of small order or of the wrong type',
  SIG_MISSING: 'the message carries no signature',
  SIG_MALFORMED: 'the signature does not follow the SIS XMLDSig profile (one enveloped signature over the whole root)',
  SIG_ALGORITHM: 'the signature names an algorithm the profile does not allow',
  SIG_DIGEST_MISMATCH: 'the digest of the signed content does not match: the message was changed',
  SIG_INVALID: 'the Ed25519 signature does not verify with the pinned key',
  SIG_UNKNOWN_KEY: 'the author key is not pinned in the membership, not valid at that time, or revoked',
  MEMBERSHIP_INVALID: 'the membership document is malformed, unsigned or expired',
  // The per-document log (protocol/log).
  LOG_WRONG_DOCUMENT: 'the entry belongs to another document than the one it was offered for',
  LOG_DUPLICATE: 'the entry is already held (a replay): nothing changes',
  LOG_SEQUENCE: "the entry does not continue its author's chain (sequence number or previous entry)",
  LOG_EQUIVOCATION: 'the author signed two different entries with the same sequence number',
  LOG_AUTHOR_FROZEN: 'the author is frozen on this document after an equivocation',
  LOG_MISSING_DEPENDENCIES: 'the entry refers to entries not held yet; it waits until they arrive',
  LOG_NOT_A_LOG_ENTRY: 'the message type is a directed message, not a log entry',
} as const

export type ErrorCode = keyof typeof ERROR_CODES

/** What the receiver does about the sender of refused input. */
export type ErrorAction = 'reject' | 'ignore'

/** One error of several, as `details.errors` lists them (docs/errors.md). */
export interface ErrorItem {
  readonly code: string
  readonly message: string
  readonly details: ErrorDetails
}

export type ErrorDetails = Readonly<Record<string, string | number | boolean | undefined | readonly ErrorItem[]>>

export class SisError extends Error {
  override readonly name = 'SisError'
  readonly code: ErrorCode
  readonly action: ErrorAction
  readonly details: ErrorDetails

  constructor(
    code: ErrorCode,
    message: string,
    details: ErrorDetails = {},
    options: { action?: ErrorAction; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.action = options.action ?? 'reject'
    this.details = details
  }

  /** A plain object for `--json` output and logs (no stack, no payload). */
  toJSON(): { code: ErrorCode; message: string; action: ErrorAction; details: ErrorDetails } {
    return { code: this.code, message: this.message, action: this.action, details: this.details }
  }
}

/** The longest stretch of a peer's value quoted back in messages and details (THREATS 29). */
export const VALUE_QUOTE_LIMIT = 64

/** A value from a peer as errors show it: cut to `limit` characters, so it cannot flood logs. */
export function boundValue(value: string, limit = VALUE_QUOTE_LIMIT): string {
  return value.length > limit ? `${value.slice(0, limit)}…` : value
}

export function isSisError(e: unknown): e is SisError {
  return e instanceof SisError
}

/** How many errors of one input `details.errors` lists at most; the rest are counted. */
export const ERROR_LIST_LIMIT = 50

/**
 * Every error of one input as one SisError: the first error's code, message and details, with
 * `details.errors` listing all of them (the first included) as `{ code, message, details }`, up
 * to `limit`; `details.more` counts those left out. A single error is returned as it is.
 */
export function allErrors(errors: readonly SisError[], limit = ERROR_LIST_LIMIT): SisError {
  const first = errors[0]
  if (first === undefined) throw new Error('allErrors: no errors')
  if (errors.length === 1) return first
  const listed = errors.slice(0, limit)
  const more = errors.length - listed.length
  const items: ErrorItem[] = listed.map((e) => ({ code: e.code, message: e.message, details: e.details }))
  const others = errors.length - 1
  return new SisError(
    first.code,
    `${first.message} (and ${others} more error${others === 1 ? '' : 's'}${more > 0 ? `, ${more} of them not listed` : ''})`,
    { ...first.details, errors: items, ...(more > 0 ? { more } : {}) },
    { action: first.action },
  )
}
