/** The SIS message namespace. Every element of a message is in it (elementFormDefault="qualified"). */
export const SIS_NS = 'urn:carec:sis:message:1'
/** The namespace of xml:lang. */
export const XML_NS = 'http://www.w3.org/XML/1998/namespace'
/** Version of the message schemas, written into every XSD. */
export const SCHEMA_VERSION = '1.0.0'
