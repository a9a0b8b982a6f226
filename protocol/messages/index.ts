/** The message layer: catalogue, schemas, XML encoding and decoding, XSD generation. */
export { SIS_NS, XML_NS, SCHEMA_VERSION } from './namespace.ts'
export { CATALOGUE, MESSAGE_TYPE_NAMES, FUNCTIONAL_ERROR_CODES } from './catalogue/index.ts'
export type {
  Catalogue,
  MessageTypeName,
  MessageDefinition,
  MessageOf,
  RuleViolation,
  FunctionalErrorCode,
} from './catalogue/index.ts'
export { Header } from './header.ts'
export { messageSchema } from './schema.ts'
export type { Message, TypedMessage } from './schema.ts'
export { messageShape } from './shape.ts'
export type { ChildElement, ElementType, ComplexType, LeafType, LangTextType } from './shape.ts'
export { encodeMessage } from './encode.ts'
export { validateMessage, validateElement, decodeMessage, checkMessage } from './validate.ts'
export { decodeBody } from './body.ts'
export type { CheckResult } from './validate.ts'
export { allXsdFiles, commonXsd, messageXsd } from './xsd.ts'
export { exampleBody, exampleMessage, EXAMPLE_CONTEXT, EXAMPLE_COUNTRIES } from './examples.ts'
export * as types from './types/simple.ts'
export * as complexTypes from './types/complex.ts'
