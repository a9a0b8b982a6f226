/** The conformance kit: runConformance and the targets of the shipped adapters. */
export { runConformance, formatReport, conformanceDeclaration } from './conformance.ts'
export type {
  AdapterFactory,
  ConformanceTarget,
  ConformanceReport,
  ConformanceOptions,
  StepResult,
  SubmitResultOfRecord,
} from './conformance.ts'
export { fileDropTarget, webhookTarget } from './targets.ts'
