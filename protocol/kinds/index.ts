/** Document kinds: the registry and the kinds' public parts (docs/kinds/). */
export {
  KINDS,
  KIND_NAMES,
  CATALOGUE,
  MESSAGE_TYPE_NAMES,
  kindOfType,
  kindNamed,
  isDirected,
  isJoining,
  rankOf,
} from './registry.ts'
export type { Catalogue, MessageTypeName } from './registry.ts'
export { defineKind } from './kind.ts'
export type {
  AnyKind,
  Audience,
  CausalQuery,
  DocumentKind,
  KindEntry,
  KindIdentifier,
  KindMachine,
  MachineContext,
} from './kind.ts'
export { FUNCTIONAL_ERROR_CODES, FUNCTIONAL_ERROR_CODE_NAMES } from './directed/messages.ts'
export type { FunctionalErrorCode } from './directed/messages.ts'
