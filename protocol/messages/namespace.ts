/** The SIS message namespace. Every element of a message is in it (elementFormDefault="qualified"). */
export const SIS_NS = 'urn:carec:sis:message:1'
/** The namespace of xml:lang (one constant, defined by the XML reader). */
export { XML_NAMESPACE as XML_NS } from '../xml/index.ts'
/** Version of the message schemas, written into every XSD. */
export const SCHEMA_VERSION = '1.0.0'
