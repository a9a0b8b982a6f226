/**
 * Message → XML. The message is validated against its zod schema and rules first, so the code
 * never emits a message that its own decoder or xmllint would refuse. Output is UTF-8 text,
 * indented by two spaces, with the SIS namespace as the default namespace on the root.
 */
import { allErrors } from '../errors.ts'
import type { MessageTypeName } from './catalogue/index.ts'
import { SIS_NS } from './namespace.ts'
import { messageShape } from './shape.ts'
import type { ComplexType, ElementType } from './shape.ts'
import { escapeAttribute, escapeText } from './escape.ts'
import { checkMessage } from './validate.ts'
import type { Message } from './schema.ts'

type Value = unknown

function encodeElement(name: string, type: ElementType, value: Value, pad: string, out: string[]): void {
  switch (type.kind) {
    case 'leaf':
      out.push(`${pad}<${name}>${escapeText(String(value))}</${name}>`)
      return
    case 'lang-text': {
      const v = value as { lang?: string; value: string }
      const lang = v.lang === undefined ? '' : ` xml:lang="${escapeAttribute(v.lang)}"`
      out.push(`${pad}<${name}${lang}>${escapeText(v.value)}</${name}>`)
      return
    }
    case 'complex':
      out.push(`${pad}<${name}>`)
      encodeChildren(type, value as Record<string, Value>, pad + '  ', out)
      out.push(`${pad}</${name}>`)
  }
}

function encodeChildren(type: ComplexType, value: Record<string, Value>, pad: string, out: string[]): void {
  for (const child of type.children) {
    const v = value[child.name]
    if (v === undefined) continue
    const items = child.repeated ? (v as Value[]) : [v]
    for (const item of items) encodeElement(child.name, child.type, item, pad, out)
  }
}

/**
 * Serializes a message after checking it. If it is not valid, throws one SisError with the first
 * error's code and every error in details.errors (protocol/errors.ts allErrors).
 */
export function encodeMessage<T extends MessageTypeName>(type: T, message: Message<T>): string {
  const checked = checkMessage(type, message)
  if (!checked.ok) throw allErrors(checked.errors)
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>', `<${type} xmlns="${SIS_NS}">`]
  encodeChildren(messageShape(type), checked.message as Record<string, Value>, '  ', out)
  out.push(`</${type}>`, '')
  return out.join('\n')
}
