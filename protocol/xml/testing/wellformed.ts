/**
 * fast-xml-parser's validator as a second opinion on well-formedness, in the oracle pipeline
 * (oracle.ts) only. The structure scan already enforces what matters to us; the validator is
 * kept there because two independent checks disagreeing is exactly how parser-differential
 * attacks get caught. (It is deprecated in
 * favour of the separate fast-xml-validator package, which the project does not depend on.)
 */

import { XMLValidator } from 'fast-xml-parser'
import { SisError } from '../../errors.ts'

/** Refuses with XML_MALFORMED whatever fast-xml-parser's validator refuses. */
export function checkWellFormed(text: string): void {
  let result: ReturnType<typeof XMLValidator.validate>
  try {
    // Boolean attributes (<a x/>) are HTML, not XML.
    result = XMLValidator.validate(text, { allowBooleanAttributes: false })
  } catch (cause) {
    throw new SisError('XML_MALFORMED', 'the input is not well-formed XML (the validator failed on it)', {}, { cause })
  }
  if (result === true) return
  const { line, col: column, msg: reason, code } = result.err
  throw new SisError('XML_MALFORMED', `the input is not well-formed XML: ${reason} (line ${line}, column ${column})`, {
    line,
    column,
    reason,
    validatorCode: code,
  })
}
