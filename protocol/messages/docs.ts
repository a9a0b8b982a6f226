/**
 * The reference pages of docs/protocol/messages/, generated from the catalogue and the shapes
 * so that the field tables can never drift from the schemas. `npm run gen` writes them.
 */
import { CATALOGUE, MESSAGE_TYPE_NAMES } from './catalogue/index.ts'
import { kindOfType } from '../kinds/registry.ts'
import type { MessageTypeName } from './catalogue/index.ts'
import { messageShape } from './shape.ts'
import type { ChildElement, ElementType } from './shape.ts'

function occurs(c: ChildElement): string {
  const max = c.max === Infinity ? 'n' : String(c.max)
  return c.min === c.max ? String(c.min) : `${c.min}..${max}`
}

function typeCell(type: ElementType): string {
  if (type.kind === 'complex') return type.typeName ?? 'group'
  if (type.kind === 'lang-text') return `${type.typeName} (text + xml:lang)`
  if (type.typeName !== undefined) return type.typeName
  if (type.enumeration !== undefined) return `one of ${type.enumeration.map((v) => `\`${v}\``).join(', ')}`
  if (type.pattern !== undefined) return `pattern \`${type.pattern.replace(/\|/g, '\\|')}\``
  return type.base
}

function rows(children: readonly ChildElement[], prefix: string, out: string[]): void {
  for (const c of children) {
    const path = `${prefix}${c.name}`
    const desc = c.type.description ?? ''
    out.push(`| \`${path}\` | ${occurs(c)} | ${typeCell(c.type)} | ${desc.replace(/\|/g, '\\|')} |`)
    if (c.type.kind === 'complex' && path.split('/').length < 6) rows(c.type.children, `${path}/`, out)
  }
}

export function messageDoc(type: MessageTypeName): string {
  const def = CATALOGUE[type]
  const out = [
    `# ${def.title} (\`${type}\`)`,
    '',
    '<!-- Generated from protocol/messages by `npm run gen`. Do not edit by hand. -->',
    '',
    def.purpose,
    '',
    `- **Sender:** ${def.sender}`,
    `- **Receivers:** ${def.receivers.join('; ')}`,
    `- **NCTS phase 6 counterpart:** ${def.ncts}`,
    `- **Document id (header):** ${documentIdDoc(type)}`,
    `- **Schema:** [protocol/xsd/${type}.xsd](../../../protocol/xsd/${type}.xsd); example: \`sis message examples --out DIR\` writes \`${type}.xml\``,
    '',
    '## Rules',
    '',
    'Each rule has a stable code; a refusal for a broken rule names it (`details.rule`, and `ruleCode` in a FunctionalError).',
    '',
    '| code | rule |',
    '|---|---|',
    ...def.rules.map((r) => `| \`${r.code}\` | ${r.text.replace(/\|/g, '\\|')} |`),
    '',
    '## Fields',
    '',
    'Every element is in the namespace `urn:carec:sis:message:1`. Occurrences are min..max; the Header is described in [README.md](README.md#header).',
    '',
    '| element | occurs | type | description |',
    '|---|---|---|---|',
  ]
  const children = messageShape(type).children.filter((c) => c.name !== 'Header')
  rows(children, '', out)
  out.push('')
  return out.join('\n')
}

export function catalogueIndexDoc(): string {
  const header = messageShape('DeclarationLodged').children.find((c) => c.name === 'Header')
  const headerRows: string[] = []
  if (header?.type.kind === 'complex') rows(header.type.children, 'Header/', headerRows)
  return [
    '# Message catalogue',
    '',
    '<!-- Generated from protocol/messages by `npm run gen`. Do not edit by hand. -->',
    '',
    'Every message is one XML document whose root element names its type, in the namespace `urn:carec:sis:message:1`, with a Header followed by the body. Each type has its own XSD in protocol/xsd/ (shared types in common.xsd); the zod schemas in protocol/messages/ are the source of both.',
    '',
    '| message | sender | NCTS | purpose |',
    '|---|---|---|---|',
    ...MESSAGE_TYPE_NAMES.map(
      (t) =>
        `| [${t}](${t}.md) | ${CATALOGUE[t].sender} | ${CATALOGUE[t].ncts.split(' (')[0] ?? ''} | ${CATALOGUE[t].title} |`,
    ),
    '',
    '## Header',
    '',
    "The header carries what the replicated log needs (docs/protocol/log.md): the document, the author and its key, the author's sequence on the document, the previous entry of the same author, the heads it had seen (parents) and the entries that give it authority, plus the message id, type and time. It is signed with the rest of the message.",
    '',
    '| element | occurs | type | description |',
    '|---|---|---|---|',
    ...headerRows,
    '',
    '## Values',
    '',
    '- All values are strings: codes such as `0101.21` or `0012345` are never read as numbers.',
    '- The XSD checks formats; membership of a code list (ISO 3166-1, ISO 4217, HS 2022, UN/ECE Rec 19 and 20, the customs offices of the federation) is checked by the node, as NCTS business rules are, and an error names the field, the value and the list.',
    '- Free text that may be given in several languages (descriptions, reasons, remarks) is a repeated element with `xml:lang` on each.',
    '',
  ].join('\n')
}

/** What a message's header documentId is, from its kind's identifier. */
function documentIdDoc(type: MessageTypeName): string {
  const id = kindOfType(type)?.identifier
  return id === undefined ? 'the document of the message it answers' : `the ${id.name} (${id.field})`
}
