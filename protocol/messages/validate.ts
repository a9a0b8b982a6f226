/**
 * Validation of a message: structure (decode.ts), then values (the zod schema: formats and code
 * lists), then the header against the message, then the cross-field rules of the catalogue.
 * Every fault becomes a SisError whose details name the field (an element path), the value and,
 * for code lists, the list.
 */
import type { z } from 'zod'
import { allErrors, boundValue, SisError } from '../errors.ts'
import type { ErrorCode } from '../errors.ts'
import { parseXml } from '../xml/index.ts'
import type { XmlElement, XmlLimits } from '../xml/index.ts'
import { CATALOGUE, MESSAGE_TYPE_NAMES } from './catalogue/index.ts'
import { kindOfType } from '../kinds/registry.ts'
import type { MessageTypeName, RuleViolation } from './catalogue/index.ts'
import { decodeChildren } from './decode.ts'
import { SIS_NS } from './namespace.ts'
import { DSIG_NS } from '../dsig/profile.ts'
import { messageSchema } from './schema.ts'
import type { Message, TypedMessage } from './schema.ts'
import { messageShape } from './shape.ts'
import { messageAcceptor, messageFieldChecks } from './acceptor.ts'

export type CheckResult<T> =
  { readonly ok: true; readonly message: T } | { readonly ok: false; readonly errors: readonly SisError[] }

function pathOf(type: string, path: readonly PropertyKey[]): string {
  let out = type
  for (const p of path) out += typeof p === 'number' ? `[${p + 1}]` : `/${String(p)}`
  return out
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined
  return v
}

function issueToError(type: string, input: unknown, issue: z.core.$ZodIssue): SisError {
  const params = (issue.code === 'custom' ? issue.params : undefined) as
    { sisCode?: ErrorCode; list?: string; listTitle?: string; status?: string; reason?: string } | undefined
  const field = pathOf(type, issue.path)
  const raw = valueAt(input, issue.path)
  // Values from peers go into messages and logs quoted and bounded (THREATS 29: no log forgery).
  const value = typeof raw === 'string' ? boundValue(raw) : undefined
  const shown = value === undefined ? '' : ` ${JSON.stringify(value)}`
  if (params?.sisCode === 'CODE_UNKNOWN')
    return new SisError(
      'CODE_UNKNOWN',
      `${field}:${shown} is not in ${params.listTitle ?? params.list} (code list ${params.list})`,
      { field, value, list: params.list },
    )
  if (params?.sisCode === 'CODE_DEPRECATED')
    return new SisError(
      'CODE_DEPRECATED',
      `${field}:${shown} is ${params.status} in ${params.listTitle ?? params.list} (code list ${params.list})`,
      { field, value, list: params.list, status: params.status },
    )
  if (params?.sisCode === 'MRN_INVALID' || params?.sisCode === 'GRN_INVALID')
    return new SisError(
      params.sisCode,
      `${field}:${shown} is not a valid ${params.sisCode === 'MRN_INVALID' ? 'MRN' : 'GRN'} (${params.reason ?? ''})`,
      { field, value, reason: params.reason },
    )
  if (issue.code === 'invalid_type' && raw === undefined)
    return new SisError('MSG_MISSING_ELEMENT', `${field}: required element is missing`, { field })
  const reason =
    params?.reason ??
    (issue.code === 'invalid_value' ? `expected one of ${issue.values.map(String).join(', ')}` : issue.message)
  return new SisError('MSG_INVALID_VALUE', `${field}:${shown} is not valid (${reason})`, { field, value, reason })
}

/** Checks a message object (from code or from the decoder) against schema, header and rules. */
export function checkMessage<T extends MessageTypeName>(type: T, input: unknown): CheckResult<Message<T>> {
  const parsed = messageSchema(type).safeParse(input)
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((i) => issueToError(type, input, i)) }
  return checkRules(type, parsed.data)
}

/**
 * checkMessage for a message the decoder has just built (fresh objects nobody else holds): when
 * the acceptor compiled from the same schema accepts it, zod would accept it and hand back an
 * equal object, so the object itself goes on; anything else is judged and reported by zod.
 */
function checkDecoded<T extends MessageTypeName>(type: T, input: unknown): CheckResult<Message<T>> {
  if (messageAcceptor(type)?.(input) === true) return checkRules(type, input)
  return checkMessage(type, input)
}

/** The header against the message, then the cross-field rules of the catalogue. */
function checkRules<T extends MessageTypeName>(type: T, data: unknown): CheckResult<Message<T>> {
  const m = data as Record<string, unknown> & { Header: { messageType: string; documentId: string } }
  const errors: SisError[] = []
  if (m.Header.messageType !== type) {
    errors.push(
      new SisError(
        'MSG_HEADER_MISMATCH',
        `${type}/Header/messageType: ${JSON.stringify(m.Header.messageType)} does not match the root element ${type}`,
        { field: `${type}/Header/messageType`, value: m.Header.messageType },
      ),
    )
  }
  const identifier = kindOfType(type)?.identifier
  const docId = identifier?.documentIdOf(m)
  if (docId !== undefined && m.Header.documentId !== docId) {
    errors.push(
      new SisError(
        'MSG_HEADER_MISMATCH',
        `${type}/Header/documentId: ${JSON.stringify(m.Header.documentId)} is not the document's ${identifier?.name ?? 'id'} ${JSON.stringify(docId)}`,
        { field: `${type}/Header/documentId`, value: m.Header.documentId },
      ),
    )
  }
  const check = CATALOGUE[type].check as ((m: unknown) => RuleViolation[]) | undefined
  for (const v of check?.(m) ?? []) {
    const value = v.value === undefined ? undefined : boundValue(v.value)
    errors.push(
      new SisError(
        'MSG_RULE_VIOLATION',
        `${type}/${v.path}:${value === undefined ? '' : ` ${JSON.stringify(value)}`} ${v.reason} (rule ${v.rule})`,
        { field: `${type}/${v.path}`, value, reason: v.reason, rule: v.rule },
      ),
    )
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, message: m as unknown as Message<T> }
}

/**
 * The message without a final ds:Signature (docs/protocol/log.md S1). Its shape and value are
 * the signature verifier's business (protocol/dsig); anywhere else a ds element is refused.
 */
function withoutSignature(root: XmlElement): XmlElement {
  let last = root.children.length - 1
  while (last >= 0 && root.children[last]?.kind !== 'element') last--
  const sig = root.children[last]
  if (sig?.kind !== 'element' || sig.ns !== DSIG_NS || sig.local !== 'Signature') return root
  return { ...root, children: root.children.filter((_, i) => i !== last) }
}

function isMessageType(name: string): name is MessageTypeName {
  return (MESSAGE_TYPE_NAMES as readonly string[]).includes(name)
}

/**
 * Validates a parsed root element as a message of the catalogue (structure, values, header,
 * rules). Used on a verified tree (the log) and by validateMessage.
 */
export function validateElement(root: XmlElement): CheckResult<TypedMessage> {
  try {
    if (root.ns !== SIS_NS)
      throw new SisError(
        'MSG_WRONG_NAMESPACE',
        `root element <${root.local}> is in namespace ${JSON.stringify(boundValue(root.ns))}, expected "${SIS_NS}"`,
        { namespace: boundValue(root.ns), element: root.local },
      )
    if (!isMessageType(root.local))
      throw new SisError('MSG_UNKNOWN_TYPE', `<${root.local}> is not a message type of the catalogue`, {
        element: root.local,
      })
    const type = root.local
    if (root.attributes.length > 0)
      throw new SisError('MSG_UNEXPECTED_ATTRIBUTE', `${type}: the root element takes no attributes`, { path: type })
    // The zod checks run while decoding; whatever they do not accept, zod judges and reports.
    const verdict = { accepted: true }
    const checks = messageFieldChecks(type)
    const plain = decodeChildren(withoutSignature(root), messageShape(type), type, checks, verdict)
    const checked = checks !== undefined && verdict.accepted ? checkRules(type, plain) : checkDecoded(type, plain)
    return checked.ok ? { ok: true, message: { type, message: checked.message } as TypedMessage } : checked
  } catch (e) {
    if (e instanceof SisError) return { ok: false, errors: [e] }
    throw e
  }
}

/**
 * Parses untrusted bytes and validates them as a message of the catalogue. Returns every value
 * error found; structural and XML errors stop at the first.
 */
export function validateMessage(input: Uint8Array | string, limits?: Partial<XmlLimits>): CheckResult<TypedMessage> {
  let root: XmlElement
  try {
    root = parseXml(input, limits)
  } catch (e) {
    if (e instanceof SisError) return { ok: false, errors: [e] }
    throw e
  }
  return validateElement(root)
}

/**
 * Like validateMessage, but returns the message or throws one SisError: the first error's code,
 * with every error in details.errors (protocol/errors.ts allErrors).
 */
export function decodeMessage(input: Uint8Array | string, limits?: Partial<XmlLimits>): TypedMessage {
  const result = validateMessage(input, limits)
  if (!result.ok) throw allErrors(result.errors)
  return result.message
}
