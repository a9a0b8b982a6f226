/**
 * The body of `sis transit act ID ACTION --body FILE`: the JSON the API takes (the action's
 * message without its Header), read from a .json file as it is, or from the action's message as
 * XML, with or without its Header, decoded here into that JSON. The decoding checks structure
 * (elements, order, occurrences) the way the node's reader does and keeps values as written; the
 * node judges the values when it writes the entry, as it does for a JSON body.
 */
import { ACTION_MESSAGE_TYPES } from '../protocol/kinds/transit/index.ts'
import type { TransitAction } from '../protocol/kinds/transit/index.ts'
import { isSisError } from '../protocol/errors.ts'
import { messageShape, SIS_NS } from '../protocol/messages/index.ts'
import { decodeChildren } from '../protocol/messages/decode.ts'
import { parseXml } from '../protocol/xml/index.ts'
import type { XmlElement } from '../protocol/xml/index.ts'
import { CliError, EXIT } from './output.ts'

export type ActionBody = Record<string, unknown>

/** What the body is written in, from its first character (after a byte order mark and white space). */
export function bodyFormat(bytes: Uint8Array): 'xml' | 'json' | undefined {
  const first = new TextDecoder()
    .decode(bytes.subarray(0, 64))
    .replace(/^\uFEFF/, '')
    .trimStart()[0]
  return first === '<' ? 'xml' : first === '{' ? 'json' : undefined
}

/** A JSON object from a file's bytes (strict UTF-8). */
export function parseJsonObject(bytes: Uint8Array, what: string, hint: string): ActionBody {
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch (e) {
    throw new CliError(`${what} is not JSON: ${e instanceof Error ? e.message : String(e)}`, EXIT.INVALID, hint)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new CliError(`${what} must be a JSON object`, EXIT.INVALID, hint)
  return value as ActionBody
}

function headerOf(root: XmlElement): XmlElement | undefined {
  return root.children.find((c): c is XmlElement => c.kind === 'element' && c.ns === SIS_NS && c.local === 'Header')
}

/** The text of a Header's child element, if it has one. */
function headerValue(header: XmlElement, name: string): string | undefined {
  const el = header.children.find((c): c is XmlElement => c.kind === 'element' && c.local === name)
  return el?.children.map((c) => (c.kind === 'text' ? c.value : '')).join('')
}

function decodeXmlBody(bytes: Uint8Array, documentId: string, action: TransitAction, what: string, hint: string) {
  const type = ACTION_MESSAGE_TYPES[action]
  const root = parseXml(bytes)
  if (root.ns !== SIS_NS || root.local !== type)
    throw new CliError(
      `${what}: the ${action} action takes a ${type} message, not <${root.local}>${root.ns === SIS_NS ? '' : ` in namespace ${JSON.stringify(root.ns)}`}`,
      EXIT.INVALID,
      hint,
      { code: 'MSG_UNKNOWN_TYPE', details: { expected: type, element: root.local } },
    )
  const header = headerOf(root)
  const named = header === undefined ? undefined : headerValue(header, 'documentId')
  if (named !== undefined && named !== documentId)
    throw new CliError(`${what}: its Header names document ${named}, not ${documentId}`, EXIT.INVALID, hint, {
      code: 'MSG_HEADER_MISMATCH',
      details: { field: `${type}/Header/documentId`, documentId },
    })
  // The node writes the Header itself: the body is the message without it.
  const shape = messageShape(type)
  const bodyShape = { ...shape, children: shape.children.filter((c) => c.name !== 'Header') }
  const body = { ...root, children: root.children.filter((c) => c !== header) }
  return decodeChildren(body, bodyShape, type)
}

/**
 * The JSON body of an action from a file's bytes: a JSON object as it is, or the action's
 * message XML (its Header, if any, must name this document; the node writes its own).
 */
export function actionBody(
  bytes: Uint8Array,
  opts: { documentId: string; action: TransitAction; what: string; hint: string },
): ActionBody {
  const { documentId, action, what, hint } = opts
  const format = bodyFormat(bytes)
  if (format === 'json') return parseJsonObject(bytes, what, hint)
  if (format === undefined) throw new CliError(`${what} is neither JSON nor XML`, EXIT.INVALID, hint)
  try {
    return decodeXmlBody(bytes, documentId, action, what, hint)
  } catch (e) {
    if (isSisError(e))
      throw new CliError(`${what}: ${e.message}`, EXIT.INVALID, hint, { code: e.code, details: e.details })
    throw e
  }
}
