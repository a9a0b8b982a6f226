/**
 * The test network's public entry: what cli/ may use of it. `sis testnet` and `sis demo` load it
 * by dynamic import (no other command pays for it); the CLI's own tests run real node processes
 * and the CLI as a process through it. test-network/ never imports cli/: it runs the CLI as a
 * process (cli/bin/sis.ts).
 */
export { NODE_BIN, SIS_BIN, TestNetwork, TestNode, netnsAvailable } from './network.ts'
export { eventually } from '../node/testing/helpers.ts'
export type { NetworkOptions, Placement } from './network.ts'
export { ScenarioRunner, readScenario } from './scenario.ts'
export type { Scenario, ScenarioResult } from './scenario.ts'
export { createFederation, sis, sisProcess } from './local-federation.ts'
export { declarationThrough, exampleBody, exampleGuaranteeBody } from './bodies.ts'
export { admitMember } from './admit.ts'
export type { Admission } from './admit.ts'
export { joinAct } from './join-act.ts'
export type { JoinCheck } from './join-act.ts'
export type { LocalNode, SisRun } from './local-federation.ts'
