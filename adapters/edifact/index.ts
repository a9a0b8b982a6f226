/** UN/EDIFACT: our tokenizer (syntax.ts), CUSDEC in and CUSRES out (CAREC transit profile). */
export {
  tokenize,
  parseInterchange,
  writeSegments,
  describePosition,
  EdifactError,
  DEFAULT_SEPARATORS,
} from './syntax.ts'
export type { Segment, Separators, Interchange, EdifactMessage, EdifactPosition } from './syntax.ts'
export { fromCusdec } from './cusdec.ts'
export { inspectCusdec } from './inspect.ts'
export type { CusdecInspection } from './inspect.ts'
export type { CusdecResult } from './cusdec.ts'
export { toCusres, cusresForErrors, CUSRES_STATUS } from './cusres.ts'
export type { CusresInput } from './cusres.ts'
