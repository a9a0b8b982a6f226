/** The message catalogue: every message type with its body schema and documentation, assembled from the document kinds (protocol/kinds/registry.ts). */
export { CATALOGUE, MESSAGE_TYPE_NAMES } from '../../kinds/registry.ts'
export type { Catalogue, MessageTypeName } from '../../kinds/registry.ts'
export type { MessageDefinition, MessageOf, Rule, RuleViolation } from './definition.ts'
export { RULE_CODE } from './definition.ts'
export { FUNCTIONAL_ERROR_CODES } from '../../kinds/directed/messages.ts'
export type { FunctionalErrorCode } from '../../kinds/directed/messages.ts'
