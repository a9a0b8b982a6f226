/**
 * A message body as a local user lodges it: the message's XML without the Header (the node
 * writes it) and without the fields the node fills in (an MRN it allocates, say). The structure
 * is checked as the decoder checks a whole message (the first structural fault stops it); the
 * values are left to the full check of the message the node then writes, which reports them all.
 */
import { boundValue, SisError } from '../errors.ts'
import { parseXml } from '../xml/index.ts'
import type { XmlLimits } from '../xml/index.ts'
import type { MessageTypeName } from './catalogue/index.ts'
import { decodeChildren } from './decode.ts'
import { SIS_NS } from './namespace.ts'
import { messageShape } from './shape.ts'
import type { ChildElement, ComplexType } from './shape.ts'

/** The shape with the elements at `paths` ('Header', 'TransitOperation/MRN') made optional. */
function relaxed(shape: ComplexType, paths: readonly string[][]): ComplexType {
  if (paths.length === 0) return shape
  const children = shape.children.map((c): ChildElement => {
    const here = paths.filter((p) => p[0] === c.name)
    if (here.length === 0) return c
    const deeper = here.filter((p) => p.length > 1).map((p) => p.slice(1))
    const type = c.type.kind === 'complex' && deeper.length > 0 ? relaxed(c.type, deeper) : c.type
    return { ...c, min: here.some((p) => p.length === 1) ? 0 : c.min, type }
  })
  return { ...shape, children }
}

/**
 * Decodes the XML of a `type` message whose Header and `optional` elements (paths below the
 * root) may be left out; returns its body (without any Header given). Throws the SisError of
 * the first structural fault, MSG_UNKNOWN_TYPE for another root element.
 */
export function decodeBody(
  type: MessageTypeName,
  input: Uint8Array | string,
  optional: readonly string[] = [],
  limits?: Partial<XmlLimits>,
): Record<string, unknown> {
  const root = parseXml(input, limits)
  if (root.ns !== SIS_NS)
    throw new SisError(
      'MSG_WRONG_NAMESPACE',
      `root element <${root.local}> is in namespace ${JSON.stringify(boundValue(root.ns))}, expected "${SIS_NS}"`,
      { namespace: boundValue(root.ns), element: root.local },
    )
  if (root.local !== type)
    throw new SisError('MSG_UNKNOWN_TYPE', `expected a ${type} message, got <${boundValue(root.local)}>`, {
      element: boundValue(root.local),
      expected: type,
    })
  const shape = relaxed(messageShape(type), [['Header'], ...optional.map((p) => p.split('/'))])
  const body: Record<string, unknown> = decodeChildren(root, shape, type)
  delete body.Header
  return body
}
