/**
 * The document kinds this software knows, and what is derived from them: the message
 * catalogue (every kind's types plus the kind-less directed messages), the message type names
 * and the kind of each type. Adding a kind is one line in KINDS (docs/kinds/adding-a-kind.md).
 */
import type { AnyKind, DocumentKind } from './kind.ts'
import type { MessageDefinition } from '../messages/catalogue/definition.ts'
import { DIRECTED_MESSAGES } from './directed/messages.ts'
import { guaranteeKind } from './guarantee/index.ts'
import { transitKind } from './transit/index.ts'

export const KINDS = [transitKind, guaranteeKind] as const

type Kinds = (typeof KINDS)[number]
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type MessagesOf<K> = K extends DocumentKind<any, infer M> ? M : never
type Intersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never

/** Every message type: the kinds' own and the directed ones of no kind. */
export type Catalogue = Intersection<MessagesOf<Kinds>> & typeof DIRECTED_MESSAGES

function assemble(): Catalogue {
  const out: Record<string, MessageDefinition> = {}
  for (const defs of [...KINDS.map((k) => k.messages), DIRECTED_MESSAGES]) {
    for (const [type, def] of Object.entries(defs)) {
      if (type in out) throw new Error(`message type ${type} is defined twice`)
      if (def.type !== type) throw new Error(`message type ${type} is defined as ${def.type}`)
      out[type] = def
    }
  }
  return out as Catalogue
}

export const CATALOGUE: Catalogue = assemble()
export type MessageTypeName = keyof Catalogue & string
export const MESSAGE_TYPE_NAMES = Object.keys(CATALOGUE) as [MessageTypeName, ...MessageTypeName[]]

const KIND_OF_TYPE: ReadonlyMap<string, AnyKind> = new Map(
  KINDS.flatMap((k) => Object.keys(k.messages).map((t) => [t, k as AnyKind] as const)),
)
const KIND_BY_NAME: ReadonlyMap<string, AnyKind> = new Map(KINDS.map((k) => [k.name, k as AnyKind]))

/** The kind a message type belongs to; undefined for the directed messages of no kind. */
export function kindOfType(type: string): AnyKind | undefined {
  return KIND_OF_TYPE.get(type)
}

export function kindNamed(name: string): AnyKind | undefined {
  return KIND_BY_NAME.get(name)
}

/** The names of the registered kinds. */
export const KIND_NAMES: readonly string[] = KINDS.map((k) => k.name)

/** Whether a message type is answered rather than logged (L4). */
export function isDirected(type: string): boolean {
  return CATALOGUE[type as MessageTypeName]?.directed === true
}

/** Whether the author of an entry of this type joins its document's audience by writing it. */
export function isJoining(type: string): boolean {
  return KIND_OF_TYPE.get(type)?.joining?.includes(type) === true
}

/** Semantic rank of a logged type (L8); a type without one ranks last. */
export function rankOf(type: string): number {
  return KIND_OF_TYPE.get(type)?.ranks[type] ?? Number.MAX_SAFE_INTEGER
}
