/**
 * Test helper: writes a parsed tree back as XML, so tests can mutate a message at the tree level
 * (delete, duplicate, reorder, rename elements) and feed the result to both our validator and
 * xmllint. Namespace declarations are written where they were declared.
 */
import type { XmlElement, XmlNode } from '../xml/types.ts'

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;')
const escAttr = (s: string) => esc(s).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;')

function qn(e: { prefix: string; local: string }): string {
  return e.prefix === '' ? e.local : `${e.prefix}:${e.local}`
}

export function serialize(node: XmlNode): string {
  if (node.kind === 'text') return esc(node.value)
  if (node.kind === 'comment') return `<!--${node.value}-->`
  const ns = [...node.namespaces]
    .map(([p, uri]) => (p === '' ? ` xmlns="${escAttr(uri)}"` : ` xmlns:${p}="${escAttr(uri)}"`))
    .join('')
  const attrs = node.attributes.map((a) => ` ${qn(a)}="${escAttr(a.value)}"`).join('')
  return `<${qn(node)}${ns}${attrs}>${node.children.map(serialize).join('')}</${qn(node)}>`
}

export function serializeDocument(root: XmlElement): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${serialize(root)}\n`
}

/** Every element below the root with its parent and index, in document order. */
export function elementsOf(
  root: XmlElement,
): { parent: XmlElement; index: number; element: XmlElement; depth: number }[] {
  const out: { parent: XmlElement; index: number; element: XmlElement; depth: number }[] = []
  const walk = (parent: XmlElement, depth: number) => {
    parent.children.forEach((child, index) => {
      if (child.kind !== 'element') return
      out.push({ parent, index, element: child, depth })
      walk(child, depth + 1)
    })
  }
  walk(root, 1)
  return out
}

/** A copy of the tree where `parent`'s children are replaced. Trees are immutable. */
export function replaceChildren(root: XmlElement, parent: XmlElement, children: XmlNode[]): XmlElement {
  if (root === parent) return { ...root, children }
  return {
    ...root,
    children: root.children.map((c) => (c.kind === 'element' ? replaceChildren(c, parent, children) : c)),
  }
}
