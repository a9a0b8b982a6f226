/**
 * The zod schema of each whole message (Header, then the body elements) and the TypeScript
 * types inferred from it. These schemas are the single source: the XSDs, the encoder, the
 * decoder and the field tables of the docs are all derived from them.
 */
import { z } from 'zod'
import { CATALOGUE } from './catalogue/index.ts'
import type { Catalogue, MessageTypeName } from './catalogue/index.ts'
import { Header } from './header.ts'

type BodyOf<T extends MessageTypeName> = Catalogue[T]['body']

export type Message<T extends MessageTypeName = MessageTypeName> = T extends MessageTypeName
  ? { Header: Header & { messageType: T } } & z.output<z.ZodObject<BodyOf<T>>>
  : never

/** A message together with its type, so that a switch on `type` narrows `message`. */
export type TypedMessage = {
  [T in MessageTypeName]: { readonly type: T; readonly message: Message<T> }
}[MessageTypeName]

const cache = new Map<MessageTypeName, z.ZodObject>()

export function messageSchema(type: MessageTypeName): z.ZodObject {
  let schema = cache.get(type)
  if (schema === undefined) {
    schema = z.object({ Header, ...CATALOGUE[type].body })
    cache.set(type, schema)
  }
  return schema
}
