/**
 * protocol/: the pure core of the SIS node. Import from here (named exports only); the folders
 * behind it are its parts: errors, xml (safe reader), codes (code lists, MRN/GRN), glossary,
 * messages (catalogue, schemas, XSDs, encoding and decoding).
 */
export * from './errors.ts'
export * from './xml/index.ts'
export * from './codes/index.ts'
export * from './glossary/index.ts'
export * from './messages/index.ts'
export * from './crypto/index.ts'
export * from './dsig/index.ts'
export * from './membership/index.ts'
export * from './log/index.ts'
