/**
 * One NCTS message in, in three stages, each stopping the next when it fails: the official
 * phase 6 schema of its type (schema.ts), what the federation adds to NCTS (federation.ts),
 * then the mapping to a node operation with the protocol's own checks (catalogue.ts). The type
 * comes from the root element's namespace URI and local name as the strict parser resolved
 * them, never from how the prefixes were declared.
 */
import { parseXmlText, SisError } from '../../protocol/index.ts'
import type { XmlElement } from '../../protocol/index.ts'
import type { FieldError } from '../contract.ts'
import type { NodeOperation } from '../operation.ts'
import { nctsMapping, NCTS_CATALOGUE } from './catalogue.ts'
import type { MapResult } from './envelope.ts'
import type { ImportOptions } from './read.ts'
import { federationErrors } from './federation.ts'
import { locateElements } from './locate.ts'
import { schemaTypes, validateNctsSchema } from './schema.ts'
import type { SchemaVerdict } from './schema.ts'
import { NCTS_NS } from './xml.ts'

export interface NctsInspection {
  /** The message type (root local name in the NCTS namespace), once the document was read. */
  readonly type?: string
  /** The official schema's verdict; absent when the document could not be read or has no vendored XSD. */
  readonly schema?: SchemaVerdict
  /** The mapping's verdict; absent when an earlier stage refused the message. */
  readonly mapping?: MapResult<NodeOperation>
  /** Every error of the stage that refused the message (empty when it maps). */
  readonly errors: readonly FieldError[]
  readonly warnings: readonly FieldError[]
}

/** Types that can be imported (have a `read`). */
export function importableTypes(): string[] {
  return NCTS_CATALOGUE.filter((m) => m.read !== undefined).map((m) => m.type)
}

function refused(errors: FieldError[], rest: Partial<NctsInspection> = {}): NctsInspection {
  return { ...rest, errors, warnings: [] }
}

/** Reads, checks and maps an NCTS message from raw bytes. */
export async function inspectNcts(input: Uint8Array | string, opts: ImportOptions = {}): Promise<NctsInspection> {
  let parsed
  try {
    parsed = parseXmlText(input)
  } catch (e) {
    if (e instanceof SisError) return refused([{ path: '/', code: e.code, message: e.message }])
    throw e
  }
  return inspectParsed(parsed.root, parsed.text, opts)
}

/** As inspectNcts, for a document the strict parser has already read (`text` is what it read). */
export async function inspectParsed(root: XmlElement, text: string, opts: ImportOptions = {}): Promise<NctsInspection> {
  if (root.ns !== NCTS_NS)
    return refused([
      {
        path: `/${root.local}`,
        code: 'NCTS_WRONG_NAMESPACE',
        message: `the root element ${root.local} is in ${JSON.stringify(root.ns)}, not in the NCTS namespace ${NCTS_NS}`,
      },
    ])
  const type = root.local
  const mapping = nctsMapping(type)
  // Where each element is, found once for the schema's faults and the federation's.
  const elements = locateElements(text)
  const schema = schemaTypes().has(type) ? await validateNctsSchema(type, text, elements) : undefined
  if (schema !== undefined && !schema.ok) return refused([...schema.errors], { type, schema })
  if (mapping?.read === undefined)
    return refused(
      [
        {
          path: `/${type}`,
          code: 'NCTS_UNSUPPORTED_MESSAGE',
          message: `${type} is not imported; the adapter reads ${importableTypes().join(', ')}`,
        },
      ],
      { type, ...(schema === undefined ? {} : { schema }) },
    )
  const federation = federationErrors(root, elements)
  if (federation.length > 0) return refused(federation, { type, schema: schema! })
  let result: MapResult<NodeOperation>
  try {
    result = await mapping.read(text, opts)
  } catch (e) {
    // A lookup that may succeed later (the node unreachable) is the caller's to retry; any other
    // failure of a reader refuses this message with its reason and must not stop the inbox behind it.
    if ((e as { retryable?: unknown } | null)?.retryable === true) throw e
    const why = e instanceof Error ? e.message : String(e)
    return refused([{ path: `/${type}`, code: 'NCTS_MAPPING_FAILED', message: why.slice(0, 500) }], {
      type,
      schema: schema!,
    })
  }
  return {
    type,
    schema: schema!,
    mapping: result,
    errors: result.ok ? [] : result.errors,
    warnings: result.warnings,
  }
}
