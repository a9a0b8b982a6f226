/**
 * The XML shape of a message, compiled once from its zod schema through zod's JSON Schema
 * export: which child elements an element has, in which order, how often, and what type each
 * leaf is. The XSD generator, the encoder, the decoder and the docs all walk this one shape.
 */
import { z } from 'zod'
import type { MessageTypeName } from './catalogue/index.ts'
import { messageSchema } from './schema.ts'

export interface LeafType {
  readonly kind: 'leaf'
  /** Name of the xs:simpleType in common.xsd, when the type is shared. */
  readonly typeName?: string
  readonly base: string
  readonly pattern?: string
  readonly minLength?: number
  readonly maxLength?: number
  readonly enumeration?: readonly string[]
  readonly description?: string
}

export interface LangTextType {
  readonly kind: 'lang-text'
  readonly typeName: string
  readonly value: LeafType
  readonly description?: string
}

export interface ComplexType {
  readonly kind: 'complex'
  readonly typeName?: string
  readonly children: readonly ChildElement[]
  readonly description?: string
}

export type ElementType = LeafType | LangTextType | ComplexType

export interface ChildElement {
  readonly name: string
  readonly min: number
  /** Infinity for unbounded. */
  readonly max: number
  /** Repeated elements decode to an array, even when only one is present. */
  readonly repeated: boolean
  readonly type: ElementType
}

type JsonSchema = {
  $ref?: string
  type?: string
  properties?: Record<string, JsonSchema>
  required?: string[]
  items?: JsonSchema
  minItems?: number
  maxItems?: number
  pattern?: string
  minLength?: number
  maxLength?: number
  enum?: string[]
  description?: string
  xsdBase?: string
  xml?: string
  allOf?: unknown[]
  $defs?: Record<string, JsonSchema>
}

/** Turns a JavaScript pattern anchored with ^...$ into an XSD pattern (implicitly anchored). */
function xsdPattern(pattern: string | undefined): string | undefined {
  if (pattern === undefined) return undefined
  if (!pattern.startsWith('^') || !pattern.endsWith('$'))
    throw new Error(`pattern ${pattern} must be anchored with ^ and $`)
  return pattern.slice(1, -1)
}

export class ShapeCompiler {
  readonly #defs: Record<string, JsonSchema>
  readonly #named = new Map<string, ElementType>()

  constructor(defs: Record<string, JsonSchema>) {
    this.#defs = defs
  }

  /** Named types met so far, for common.xsd. */
  get namedTypes(): ReadonlyMap<string, ElementType> {
    return this.#named
  }

  type(schema: JsonSchema): ElementType {
    if (schema.$ref !== undefined) {
      const name = schema.$ref.replace('#/$defs/', '')
      const known = this.#named.get(name)
      if (known !== undefined) return known
      const def = this.#defs[name]
      if (def === undefined) throw new Error(`unresolved $ref ${schema.$ref}`)
      const compiled = this.#inline(def, name)
      this.#named.set(name, compiled)
      return compiled
    }
    return this.#inline(schema, undefined)
  }

  #inline(schema: JsonSchema, typeName: string | undefined): ElementType {
    if (schema.xml === 'lang-text') {
      const value = schema.properties?.value
      if (value === undefined || typeName === undefined) throw new Error('lang-text type needs a value and an id')
      return { kind: 'lang-text', typeName, value: this.type(value) as LeafType, description: schema.description }
    }
    if (schema.type === 'object') {
      const required = new Set(schema.required ?? [])
      const children = Object.entries(schema.properties ?? {}).map(([name, prop]) =>
        this.#child(name, prop, required.has(name)),
      )
      return { kind: 'complex', typeName, children, description: schema.description }
    }
    if (schema.type === 'string') {
      // Two patterns on one string come out as allOf, which the XSD generator does not carry:
      // write one pattern per type instead.
      if (schema.allOf !== undefined)
        throw new Error(`one pattern per string type: ${JSON.stringify(schema).slice(0, 200)}`)
      return {
        kind: 'leaf',
        typeName,
        base: schema.xsdBase ?? 'xs:string',
        pattern: xsdPattern(schema.pattern),
        minLength: schema.minLength,
        maxLength: schema.maxLength,
        enumeration: schema.enum,
        description: schema.description,
      }
    }
    throw new Error(`unsupported schema in message shape: ${JSON.stringify(schema).slice(0, 200)}`)
  }

  #child(name: string, prop: JsonSchema, required: boolean): ChildElement {
    // The decoder builds plain objects keyed by these names; __proto__ would set a prototype.
    if (name === '__proto__') throw new Error('an element may not be named __proto__')
    if (prop.type === 'array') {
      if (prop.items === undefined) throw new Error(`array ${name} without items`)
      return {
        name,
        min: required ? (prop.minItems ?? 0) : 0,
        max: prop.maxItems ?? Infinity,
        repeated: true,
        type: this.type(prop.items),
      }
    }
    return { name, min: required ? 1 : 0, max: 1, repeated: false, type: this.type(prop) }
  }
}

function jsonSchemaOf(type: MessageTypeName): JsonSchema {
  return z.toJSONSchema(messageSchema(type), { target: 'draft-2020-12', io: 'output' }) as JsonSchema
}

const shapes = new Map<MessageTypeName, ComplexType>()

/** The shape of a message's root element. */
export function messageShape(type: MessageTypeName): ComplexType {
  let shape = shapes.get(type)
  if (shape === undefined) {
    const json = jsonSchemaOf(type)
    shape = new ShapeCompiler(json.$defs ?? {}).type(json) as ComplexType
    shapes.set(type, shape)
  }
  return shape
}

/** Every named type used by the given messages, for common.xsd, in a stable order. */
export function namedTypes(types: readonly MessageTypeName[]): Map<string, ElementType> {
  const all = new Map<string, ElementType>()
  for (const type of types) {
    const json = jsonSchemaOf(type)
    const compiler = new ShapeCompiler(json.$defs ?? {})
    compiler.type(json)
    for (const [name, t] of compiler.namedTypes) all.set(name, t)
  }
  return new Map([...all.entries()].sort(([a], [b]) => a.localeCompare(b)))
}
