/** NCTS phase 6 mapping (CC015C, CC029C, CC007C, CC025C, CC056C); XSDs in ./xsd (Apache-2.0). */
export { toCC015C, fromCC015C } from './cc015c.ts'
export type { ImportOptions } from './cc015c.ts'
export { toCC029C, toCC007C, fromCC007C, toCC025C, toCC056C } from './messages.ts'
export type { DeclarationBody } from './declaration.ts'
export type { MapResult, NctsEnvelope } from './envelope.ts'
export { NCTS_NS } from './xml.ts'
