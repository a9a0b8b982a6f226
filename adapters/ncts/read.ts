/**
 * What every NCTS reader shares: the root of a partner's message (refusing anything else), the
 * options an import is given, and our own schema and rules run on the mapped body with the
 * errors' paths written back in the partner's terms.
 */
import { checkMessage, parseXml, SisError } from '../../protocol/index.ts'
import type { Message, MessageTypeName } from '../../protocol/index.ts'
import type { FieldError } from '../contract.ts'
import type { DeclarationBody } from './declaration.ts'
import type { MapResult } from './envelope.ts'
import { NCTS_NS, Node } from './xml.ts'

/** The MESSAGE group every NCTS message starts with (envelope.ts writes it). */
export const ENVELOPE: readonly string[] = [
  'messageSender',
  'messageRecipient',
  'preparationDateAndTime',
  'messageIdentification',
  'messageType',
  'correlationIdentifier',
]

/** A SIS message without its header (as mapping.ts's Body; restated so that the two files do not import each other). */
type Body<T extends MessageTypeName> = Omit<Message<T>, 'Header'>

export type Sink = { errors: FieldError[]; warnings: FieldError[] }

export interface ImportOptions {
  /** Language of the partner's free texts (descriptions), written as xml:lang in our model. */
  readonly language?: string
  /** A carrier's name from the unified register of carriers (CC015C carries only its id). */
  readonly carrierName?: (identificationNumber: string) => string | undefined
  /** The MRN to give the declaration; by default one derived from the LRN (idempotent lodging). */
  readonly mrn?: string
  /**
   * The transit's declaration as its log holds it now (the last amendment, else the lodged
   * one), for messages that carry only part of it (CC029C has no limit date, CC170C only the
   * presented transport). Without it such messages are refused with the field they lack.
   */
  readonly declarationOf?: (mrn: string) => Promise<DeclarationBody | undefined>
  /** The MRN of a transit lodged through this adapter, by the LRN the national system knows. */
  readonly mrnOfLrn?: (lrn: string) => string | undefined
}

/**
 * The MRN a message names its transit by: its own, else the one of its LRN (a rejection of a
 * declaration the national system knows only by LRN). Neither is an error naming the MRN,
 * since the federation keeps every transit under its MRN.
 */
export function transitMrn(op: Node | undefined, opts: ImportOptions, what: string): string | undefined {
  const mrn = op?.text('MRN')
  if (mrn !== undefined || op === undefined) return mrn
  const lrn = op.text('LRN')
  const known = lrn === undefined ? undefined : opts.mrnOfLrn?.(lrn)
  if (known === undefined)
    op.error(
      'MRN',
      'NCTS_MISSING_VALUE',
      lrn === undefined
        ? `the federation ${what} a transit by its MRN; this message gives neither MRN nor LRN`
        : `the federation ${what} a transit by its MRN; this message gives none, and no transit lodged through this adapter has LRN ${lrn}`,
    )
  return known
}

/**
 * Reads the root of an NCTS message, refusing anything else before mapping; a top-level group
 * outside the envelope and `groups` is a warning (the mapping does not carry it).
 */
export function readNctsRoot(
  xml: Uint8Array | string,
  type: string,
  groups?: readonly string[],
):
  | { readonly ok: true; readonly root: Node; readonly sink: Sink }
  | { readonly ok: false; readonly errors: FieldError[]; readonly warnings: readonly FieldError[] } {
  let el
  try {
    el = parseXml(xml)
  } catch (e) {
    if (e instanceof SisError)
      return { ok: false, errors: [{ path: '/', code: e.code, message: e.message }], warnings: [] }
    throw e
  }
  if (el.ns !== NCTS_NS || el.local !== type)
    return {
      ok: false,
      warnings: [],
      errors: [
        {
          path: `/${el.local}`,
          code: 'NCTS_WRONG_MESSAGE',
          message: `expected ${type} in namespace ${NCTS_NS}, got ${el.local} in ${JSON.stringify(el.ns)}`,
        },
      ],
    }
  const sink: Sink = { errors: [], warnings: [] }
  const root = new Node(el, `/${type}`, sink)
  if (groups !== undefined) root.unmapped([...ENVELOPE, ...groups])
  return { ok: true, root, sink }
}

/** A header good enough for checkMessage; the node writes the real one. */
export function placeholderHeader(mrn: string, type = 'DeclarationLodged'): Message['Header'] {
  return {
    messageIdentification: 'adapter-check',
    messageType: type,
    preparationDateAndTime: '2026-01-01T00:00:00Z',
    documentId: mrn,
    authorCountry: mrn.slice(2, 4) || 'CN',
    authorKeyId: 'adapter',
    sequenceNumber: '1',
    ruleVersion: '1',
  } as Message['Header']
}

/**
 * The mapped body after the reader's own errors, then our schema and rules (code lists,
 * formats, sequence numbers): each error at the partner's path, `rename` turning our field
 * path below the message (`/TransitOperation/MRN`, '' for the whole) into theirs.
 */
export function protocolChecked<T extends MessageTypeName>(
  sis: T,
  body: Body<T>,
  sink: { errors: readonly FieldError[]; warnings: readonly FieldError[] },
  rename: (sisPath: string) => string,
): MapResult<Body<T>> {
  if (sink.errors.length > 0) return { ok: false, errors: sink.errors, warnings: sink.warnings }
  const mrn = (body as { TransitOperation?: { MRN?: string } }).TransitOperation?.MRN ?? ''
  const checked = checkMessage(sis, { Header: placeholderHeader(mrn, sis), ...body } as Message<T>)
  if (checked.ok) return { ok: true, value: body, warnings: sink.warnings }
  return {
    ok: false,
    warnings: sink.warnings,
    errors: checked.errors.map((e) => ({
      path: rename(String(e.details.field ?? sis).replace(new RegExp(`^${sis}`), '')),
      code: e.code,
      message: e.message.replace(/^\S+: /, ''),
      ...(typeof e.details.value === 'string' ? { value: e.details.value } : {}),
    })),
  }
}

export function seq<T>(nodes: Node[], f: (n: Node) => T): T[] | undefined {
  return nodes.length === 0 ? undefined : nodes.map(f)
}

export const opt = <K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } =>
  (v === undefined ? {} : { [key]: v }) as { [P in K]?: V }
