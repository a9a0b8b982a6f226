/**
 * National records in, by content: the adapter sniffs the first bytes and reads
 * - EDIFACT (UNA/UNB): a CUSDEC declaration;
 * - XML whose root is in the NCTS namespace: an NCTS phase 6 message, checked against the
 *   official XSD of its type and mapped (ncts/inspect.ts; ncts/catalogue.ts lists the types);
 * - XML in the SIS namespace: any message of protocol/messages (DeclarationLodged lodges, the
 *   others are actions; the header is read for the document id and otherwise refilled by the node);
 * - JSON, the simple national format: {"action":"lodge","declaration":{...}} or
 *   {"action":"release","documentId":"<MRN>"|"lrn":"<LRN>","body":{...}}.
 */
import { parseXmlText, SisError, validateMessage } from '../protocol/index.ts'
import { actionForMessageType, TRANSIT_ACTIONS } from './contract.ts'
import type { FieldError, NationalRecord, TransitAction } from './contract.ts'
import { fromCusdec } from './edifact/index.ts'
import { mrnForLrn } from './mrn.ts'
import { inspectParsed, NCTS_NS } from './ncts/index.ts'
import type { DeclarationBody, ImportOptions } from './ncts/index.ts'
import type { NodeOperation } from './operation.ts'

export type NationalSource = 'cusdec' | 'ncts' | 'sis-xml' | 'json'
export type { NodeOperation }

export type Decoded =
  | {
      readonly ok: true
      readonly source: NationalSource
      readonly operation: NodeOperation
      readonly warnings: readonly FieldError[]
    }
  | {
      readonly ok: false
      readonly source?: NationalSource
      readonly errors: readonly FieldError[]
      readonly edifact?: { readonly controlReference?: string; readonly lrn?: string }
    }

const MAX_BYTES = 4 * 1024 * 1024

function sisErrors(errors: readonly SisError[]): FieldError[] {
  return errors.map((e) => ({
    path: typeof e.details.field === 'string' ? e.details.field : '/',
    code: e.code,
    message: e.message,
    ...(typeof e.details.value === 'string' ? { value: e.details.value } : {}),
  }))
}

function decodeJson(text: string): Decoded {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch (e) {
    return {
      ok: false,
      source: 'json',
      errors: [{ path: '/', code: 'INPUT_MALFORMED', message: `not JSON: ${(e as Error).message}` }],
    }
  }
  const o = (v ?? {}) as Record<string, unknown>
  if (o.action === 'lodge') {
    const d = o.declaration as DeclarationBody | undefined
    const op = d?.TransitOperation as Record<string, unknown> | undefined
    if (d === undefined || op === undefined || typeof op.LRN !== 'string')
      return {
        ok: false,
        source: 'json',
        errors: [
          {
            path: '/declaration/TransitOperation/LRN',
            code: 'INPUT_MISSING',
            message: 'a lodge record carries the declaration with its LRN',
          },
        ],
      }
    const office = (d.CustomsOfficeOfDeparture as { referenceNumber?: unknown } | undefined)?.referenceNumber
    if (
      (op.MRN === undefined || op.MRN === '') &&
      typeof office === 'string' &&
      typeof op.declarationDateAndTime === 'string'
    ) {
      try {
        op.MRN = mrnForLrn({ lrn: op.LRN, departureOffice: office, declaredAt: op.declarationDateAndTime })
      } catch (e) {
        if (!(e instanceof SisError)) throw e
      }
    }
    return { ok: true, source: 'json', operation: { kind: 'lodge', lrn: op.LRN, declaration: d }, warnings: [] }
  }
  if (typeof o.action === 'string' && (TRANSIT_ACTIONS as readonly string[]).includes(o.action)) {
    if (typeof o.documentId !== 'string' && typeof o.lrn !== 'string')
      return {
        ok: false,
        source: 'json',
        errors: [
          {
            path: '/documentId',
            code: 'INPUT_MISSING',
            message: 'an action names its transit by documentId (MRN) or lrn',
          },
        ],
      }
    if (o.body === null || typeof o.body !== 'object')
      return {
        ok: false,
        source: 'json',
        errors: [{ path: '/body', code: 'INPUT_MISSING', message: 'an action carries its message body' }],
      }
    return {
      ok: true,
      source: 'json',
      operation: {
        kind: 'act',
        action: o.action as TransitAction,
        ...(typeof o.documentId === 'string' ? { documentId: o.documentId } : {}),
        ...(typeof o.lrn === 'string' ? { lrn: o.lrn } : {}),
        body: o.body as Record<string, unknown>,
      },
      warnings: [],
    }
  }
  return {
    ok: false,
    source: 'json',
    errors: [
      {
        path: '/action',
        code: 'INPUT_UNKNOWN_ACTION',
        message: `action is "lodge" or one of ${TRANSIT_ACTIONS.join(', ')}`,
        value: String(o.action).slice(0, 64),
      },
    ],
  }
}

export async function decodeNational(record: NationalRecord, opts: ImportOptions = {}): Promise<Decoded> {
  if (record.bytes.byteLength > MAX_BYTES)
    return { ok: false, errors: [{ path: '/', code: 'INPUT_TOO_LARGE', message: `over ${MAX_BYTES} bytes` }] }
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(record.bytes)
  } catch {
    return { ok: false, errors: [{ path: '/', code: 'INPUT_NOT_UTF8', message: 'national records are UTF-8' }] }
  }
  const head = text.replace(/^\uFEFF/, '').trimStart()
  if (head.startsWith('UNA') || head.startsWith('UNB')) {
    const r = fromCusdec(text)
    if (!r.ok)
      return {
        ok: false,
        source: 'cusdec',
        errors: r.errors,
        edifact: {
          ...(r.interchange === undefined ? {} : { controlReference: r.interchange }),
          ...(r.lrn === undefined ? {} : { lrn: r.lrn }),
        },
      }
    return {
      ok: true,
      source: 'cusdec',
      operation: { kind: 'lodge', lrn: r.declaration.TransitOperation.LRN, declaration: r.declaration },
      warnings: r.warnings,
    }
  }
  if (head.startsWith('{')) return decodeJson(text)
  if (!head.startsWith('<'))
    return {
      ok: false,
      errors: [{ path: '/', code: 'INPUT_UNKNOWN_FORMAT', message: 'neither XML, EDIFACT nor JSON' }],
    }
  // Routed by the root element's namespace URI as the strict parser resolved it.
  let parsed
  try {
    parsed = parseXmlText(record.bytes)
  } catch (e) {
    if (!(e instanceof SisError)) throw e
    return { ok: false, errors: [{ path: '/', code: e.code, message: e.message }] }
  }
  // An NCTS root in a namespace that is not NCTS's (a trailing slash, a typo) is told so, not judged as SIS XML.
  if (parsed.root.ns === NCTS_NS || /^CC\d{3}[A-Z]$/.test(parsed.root.local)) {
    const r = await inspectParsed(parsed.root, parsed.text, opts)
    return r.mapping?.ok === true
      ? { ok: true, source: 'ncts', operation: r.mapping.value, warnings: r.warnings }
      : { ok: false, source: 'ncts', errors: r.errors }
  }
  const v = validateMessage(record.bytes)
  if (!v.ok) return { ok: false, source: 'sis-xml', errors: sisErrors(v.errors) }
  const { Header, ...body } = v.message.message as { Header: { documentId: string } } & Record<string, unknown>
  if (v.message.type === 'DeclarationLodged') {
    const d = body as unknown as DeclarationBody
    return {
      ok: true,
      source: 'sis-xml',
      operation: { kind: 'lodge', lrn: d.TransitOperation.LRN, declaration: d },
      warnings: [],
    }
  }
  const action = actionForMessageType(v.message.type)
  if (action === undefined)
    return {
      ok: false,
      source: 'sis-xml',
      errors: [
        {
          path: `/${v.message.type}`,
          code: 'INPUT_UNKNOWN_ACTION',
          message: `${v.message.type} is not written through the node API`,
        },
      ],
    }
  return {
    ok: true,
    source: 'sis-xml',
    operation: { kind: 'act', action, documentId: Header.documentId, body },
    warnings: [],
  }
}
