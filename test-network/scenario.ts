/**
 * Scenarios as data (test-network/scenarios/*.json, format in test-network/README.md): steps
 * that lodge and act through the nodes' HTTP APIs, inject faults (kill -9, restart, SIGSTOP,
 * partition, a byzantine member), and wait for convergence. After the last step the runner heals
 * every fault and gives the verdict; a scenario passes only if, for every transit it touched:
 * - every node that must hold it (its audience) holds the same entries and the same state hash;
 * - every entry a node acknowledged (201) is held by every audience node;
 * - no node outside the audience holds it;
 * - every byzantine act was refused (forgery held nowhere) or proven (unauthorised entry
 *   ineffective, equivocation with a fork proof and the author frozen).
 */
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { CAREC_COUNTRY_CODES } from '../protocol/codes/index.ts'
import { ACTION_MESSAGE_TYPES as ACTION_TYPES, TRANSIT_ACTIONS } from '../protocol/kinds/transit/index.ts'
import { actByzantine } from './byzantine.ts'
import { exampleBody, exampleGuaranteeBody } from './bodies.ts'
import type { ByzantineRecord } from './byzantine.ts'
import { eventually } from '../node/testing/helpers.ts'
import type { TestNetwork, TestNode } from './network.ts'

const Country = z.enum(CAREC_COUNTRY_CODES)
const Alias = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,31}$/)
const Changes = z.record(z.string(), z.unknown())

const Declare = z.strictObject({
  do: z.literal('declare'),
  at: Country,
  as: Alias,
  say: z.string().optional(),
  changes: Changes.optional(),
})
/** A guarantee registered by its issuing country (GuaranteeRegistered), to be named as "$alias" in declarations. */
const Register = z.strictObject({
  do: z.literal('guarantee'),
  at: Country,
  as: Alias,
  say: z.string().optional(),
  changes: Changes.optional(),
})
const Act = z.strictObject({
  do: z.literal('act'),
  at: Country,
  on: Alias,
  action: z.enum(TRANSIT_ACTIONS),
  say: z.string().optional(),
  changes: Changes.optional(),
  /** What the written entry must be once replicated (checked in the verdict). Default effective. */
  expect: z.enum(['effective', 'ineffective', 'refused']).default('effective'),
})
const Converge = z.strictObject({
  do: z.literal('converge'),
  on: Alias,
  say: z.string().optional(),
  status: z.string().optional(),
  dispute: z.boolean().optional(),
  balance: z.string().optional(),
  at: z.array(Country).optional(),
  timeoutMs: z.number().int().positive().max(300_000).default(30_000),
})
const NodeFault = z.strictObject({
  do: z.enum(['kill', 'restart', 'stop', 'pause', 'resume']),
  node: Country,
  say: z.string().optional(),
})
const Partition = z.strictObject({
  do: z.literal('partition'),
  groups: z.array(z.array(Country).min(1)).min(2),
  say: z.string().optional(),
})
const Heal = z.strictObject({ do: z.literal('heal'), say: z.string().optional() })
const Byzantine = z.strictObject({
  do: z.literal('byzantine'),
  node: Country,
  on: Alias,
  acts: z.array(z.enum(['forge', 'unauthorised', 'equivocate'])).min(1),
  say: z.string().optional(),
})
const Wait = z.strictObject({
  do: z.literal('wait'),
  ms: z.number().int().min(0).max(120_000),
  say: z.string().optional(),
})
type Leaf =
  | z.infer<typeof Declare>
  | z.infer<typeof Register>
  | z.infer<typeof Act>
  | z.infer<typeof Converge>
  | z.infer<typeof NodeFault>
  | z.infer<typeof Partition>
  | z.infer<typeof Heal>
  | z.infer<typeof Byzantine>
  | z.infer<typeof Wait>
const LeafStep = z.discriminatedUnion('do', [
  Declare,
  Register,
  Act,
  Converge,
  NodeFault,
  Partition,
  Heal,
  Byzantine,
  Wait,
])
/** Steps run side by side (e.g. two transits lodged at once, an invalidation racing an arrival). */
const Together = z.strictObject({
  do: z.literal('together'),
  steps: z.array(LeafStep).min(2),
  say: z.string().optional(),
})
export type Step = Leaf | z.infer<typeof Together>

export const Scenario = z.strictObject({
  name: z.string().min(1),
  description: z.string().default(''),
  /** The network it needs (default: the eleven CAREC countries). */
  nodes: z.array(Country).min(2).optional(),
  /** Partitions need network namespaces (root). */
  needs: z.array(z.enum(['netns'])).default([]),
  steps: z
    .array(
      z.discriminatedUnion('do', [
        Declare,
        Register,
        Act,
        Converge,
        NodeFault,
        Partition,
        Heal,
        Byzantine,
        Wait,
        Together,
      ]),
    )
    .min(1),
})
export type Scenario = z.infer<typeof Scenario>

export function readScenario(path: string): Scenario {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (e) {
    throw new Error(`${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e })
  }
  const parsed = Scenario.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new Error(`${path}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid scenario'}`)
  }
  return parsed.data
}

export interface Check {
  readonly ok: boolean
  readonly what: string
  readonly detail?: string
}
export interface ScenarioResult {
  readonly name: string
  readonly ok: boolean
  readonly checks: Check[]
  readonly transits: Record<
    string,
    { documentId: string; status?: string; stateHash?: string; holders: string[]; audience: string[]; entries: number }
  >
  readonly ms: number
}

interface DocRecord {
  status: string
  stateHash: string
  audience: string[]
  state: {
    entries: { id: string; type: string; author: string; effect: { effective: boolean; code?: string } }[]
    forks: { author: string; seq: number; ids: string[] }[]
    frozen: Record<string, number>
    facts?: { disputes?: { open: boolean }[]; balance?: string }
  }
}

/** What the runner prints as it goes: one line per step and check. */
export type Narrator = (line: string) => void

const ms = (t0: number) => `${Math.round(performance.now() - t0)} ms`

export class ScenarioRunner {
  readonly #net: TestNetwork
  readonly #say: Narrator
  readonly #transits = new Map<string, string>()
  /** Whether the examples' guarantee is registered at its issuer in this run. */
  #exampleGuarantee = false
  /** Entries acknowledged with 201, per transit alias, with what they must turn out to be. */
  readonly #acked = new Map<string, { id: string; by: string; expect: 'effective' | 'ineffective' }[]>()
  readonly #byzantine: ByzantineRecord[] = []
  readonly #checks: Check[] = []
  #partitioned = false
  #step = 0

  constructor(net: TestNetwork, say: Narrator = () => undefined) {
    this.#net = net
    this.#say = say
  }

  #check(ok: boolean, what: string, detail?: string): void {
    this.#checks.push({ ok, what, ...(detail === undefined ? {} : { detail }) })
    this.#say(`${ok ? '  ✓' : '  ✗'} ${what}${detail === undefined ? '' : ` (${detail})`}`)
  }

  /** "$alias" anywhere in a step's changes stands for that document's id (e.g. a guarantee's GRN). */
  #resolve(changes: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
    if (changes === undefined) return undefined
    return JSON.parse(JSON.stringify(changes), (_k, v: unknown) =>
      typeof v === 'string' && v.startsWith('$') ? this.#documentId(v.slice(1)) : v,
    ) as Record<string, unknown>
  }

  #documentId(alias: string): string {
    const id = this.#transits.get(alias)
    if (id === undefined) throw new Error(`no transit "${alias}" declared before this step`)
    return id
  }

  async run(scenario: Scenario): Promise<ScenarioResult> {
    const t0 = performance.now()
    for (const step of scenario.steps) {
      try {
        await this.#run(step)
      } catch (e) {
        this.#check(false, `step ${this.#step} (${step.do}) failed`, e instanceof Error ? e.message : String(e))
        break
      }
    }
    await this.#healAll()
    const transits = await this.#verdict()
    return {
      name: scenario.name,
      ok: this.#checks.every((c) => c.ok),
      checks: this.#checks,
      transits,
      ms: Math.round(performance.now() - t0),
    }
  }

  async #run(step: Step): Promise<void> {
    this.#step++
    if (step.say !== undefined) this.#say(`${this.#step}. ${step.say}`)
    if (step.do === 'together') {
      const results = await Promise.allSettled(step.steps.map((s) => this.#leaf(s)))
      const failed = results.find((r) => r.status === 'rejected')
      if (failed !== undefined) throw (failed as PromiseRejectedResult).reason
      return
    }
    await this.#leaf(step)
  }

  async #leaf(step: Leaf): Promise<void> {
    const net = this.#net
    const t0 = performance.now()
    switch (step.do) {
      case 'declare': {
        const n = net.node(step.at)
        const body = exampleBody('DeclarationLodged', this.#resolve(step.changes))
        await this.#registerExampleGuarantee(body, t0)
        const r = await n.post<{ documentId: string; entryId: string; status: string }>('/v1/transits', {
          declaration: body,
        })
        if (r.status !== 201)
          throw new Error(`${step.at} refused the declaration: ${r.status} ${JSON.stringify(r.body)}`)
        this.#transits.set(step.as, r.body.documentId)
        this.#ack(step.as, r.body.entryId, step.at, 'effective')
        this.#say(
          `   [${step.at}] declaration lodged: ${step.as} = MRN ${r.body.documentId}, ${r.body.status} (${ms(t0)})`,
        )
        return
      }
      case 'guarantee': {
        const n = net.node(step.at)
        const body = exampleBody('GuaranteeRegistered', this.#resolve(step.changes))
        // The issuing node allocates the GRN, as it allocates MRNs.
        delete (body.Guarantee as Record<string, unknown>).GRN
        const r = await n.post<{ documentId: string; entryId: string; status: string }>('/v1/guarantees', {
          guarantee: body,
        })
        if (r.status !== 201) throw new Error(`${step.at} refused the guarantee: ${r.status} ${JSON.stringify(r.body)}`)
        this.#transits.set(step.as, r.body.documentId)
        this.#ack(step.as, r.body.entryId, step.at, 'effective')
        this.#say(`   [${step.at}] guarantee registered: ${step.as} = GRN ${r.body.documentId} (${ms(t0)})`)
        return
      }
      case 'act': {
        const n = net.node(step.at)
        const id = this.#documentId(step.on)
        const body = exampleBody(ACTION_TYPES[step.action], this.#resolve(step.changes), id)
        // An officer acts when the goods are in front of them, which in a scenario can be a few
        // milliseconds after the previous step: a node that does not hold the document yet
        // answers 404, one that does not hold the step before yet (the release, at a border)
        // refuses with 409 (its rules would judge the entry ineffective, so it signs nothing),
        // and the officer tries again, for up to 15 s.
        const post = () =>
          n.post<{ entryId: string; status: string }>(
            `/v1/transits/${encodeURIComponent(id)}/actions/${step.action}`,
            body,
          )
        const early = (status: number) => status === 404 || (status === 409 && step.expect === 'effective')
        let r = await post()
        for (const until = Date.now() + 15_000; early(r.status) && Date.now() < until;) {
          await new Promise((resolve) => setTimeout(resolve, 50))
          r = await post()
        }
        if (step.expect === 'refused') {
          if (r.status === 201)
            throw new Error(`${step.at} ${step.action} on ${step.on} should have been refused, got 201`)
          this.#say(
            `   [${step.at}] ${step.action} refused as expected: ${r.status} ${(r.body as { code?: string }).code ?? ''} (${ms(t0)})`,
          )
          return
        }
        if (r.status !== 201)
          throw new Error(`${step.at} ${step.action} on ${step.on}: ${r.status} ${JSON.stringify(r.body)}`)
        this.#ack(step.on, r.body.entryId, step.at, step.expect)
        this.#say(
          `   [${step.at}] ${step.action} written (${ACTION_TYPES[step.action]}), status now ${r.body.status} (${ms(t0)})`,
        )
        return
      }
      case 'converge': {
        // What is expected is part of the wait: an issuer's reservation, for one, is written
        // after the acceptance it follows, and may land a moment after the nodes agree.
        const expectation = (r: DocRecord): string | undefined => {
          const open = (r.state.facts?.disputes ?? []).some((d) => d.open)
          if (step.status !== undefined && r.status !== step.status)
            return `status ${r.status}, expected ${step.status}`
          if (step.balance !== undefined && r.state.facts?.balance !== step.balance)
            return `balance ${r.state.facts?.balance ?? 'none'}, expected ${step.balance}`
          if (step.dispute !== undefined && open !== step.dispute)
            return `expected ${step.dispute ? 'an open dispute' : 'no open dispute'}, found ${open ? 'one' : 'none'}`
          return undefined
        }
        const doc = await this.#converged(step.on, step.at, step.timeoutMs, expectation)
        const open = (doc.record.state.facts?.disputes ?? []).some((d) => d.open)
        const balance = doc.record.state.facts?.balance
        this.#say(
          `   ${doc.countries.join(', ')} hold ${step.on} with ${doc.record.state.entries.length} entries, status ${doc.record.status}${open ? ', dispute open' : ''}${balance === undefined ? '' : `, balance ${balance}`}, one state hash ${doc.record.stateHash.slice(0, 12)}… (${ms(t0)})`,
        )
        return
      }
      case 'kill':
        await net.node(step.node).kill()
        this.#say(`   [${step.node}] killed with SIGKILL`)
        return
      case 'stop':
        await net.node(step.node).stop()
        this.#say(`   [${step.node}] stopped`)
        return
      case 'restart': {
        const n = net.node(step.node)
        if (n.running) await n.stop()
        await n.start()
        this.#say(`   [${step.node}] restarted (${ms(t0)})`)
        return
      }
      case 'pause':
        net.node(step.node).pause()
        this.#say(`   [${step.node}] paused with SIGSTOP`)
        return
      case 'resume':
        net.node(step.node).resume()
        this.#say(`   [${step.node}] resumed with SIGCONT`)
        return
      case 'partition':
        net.partition(step.groups)
        this.#partitioned = true
        this.#say(`   network cut: ${step.groups.map((g) => `{${g.join(', ')}}`).join(' | ')}`)
        return
      case 'heal':
        net.heal()
        this.#partitioned = false
        this.#say('   network healed')
        return
      case 'wait':
        await new Promise((r) => setTimeout(r, step.ms))
        return
      case 'byzantine': {
        const record = await actByzantine(net, net.node(step.node), this.#documentId(step.on), step.acts)
        this.#byzantine.push(record)
        for (const a of record.answers) this.#say(`   [${step.node} byzantine] ${a}`)
        return
      }
    }
  }

  /**
   * A declaration that names the examples' guarantee (a scenario that registers none of its own)
   * gets it registered at its issuer first, with room for many transits, as a real guarantee is
   * registered before the declarations that use it: the issuer's node then reserves and records
   * the coverage that each release needs (L11).
   */
  async #registerExampleGuarantee(declaration: Record<string, unknown>, t0: number): Promise<void> {
    const grn = (exampleGuaranteeBody().Guarantee as { GRN: string }).GRN
    const refs = (declaration.Guarantee ?? []) as { GuaranteeReference?: { GRN?: string }[] }[]
    const named = refs.some((g) => (g.GuaranteeReference ?? []).some((r) => r.GRN === grn))
    const issuer = grn.slice(2, 4)
    if (this.#exampleGuarantee || !named || !this.#net.nodes.some((n) => n.country === issuer)) return
    const r = await this.#net
      .node(issuer)
      .post<{ documentId: string }>('/v1/guarantees', { guarantee: exampleGuaranteeBody() })
    if (r.status !== 201)
      throw new Error(`${issuer} refused the examples' guarantee: ${r.status} ${JSON.stringify(r.body)}`)
    this.#exampleGuarantee = true
    this.#say(`   [${issuer}] the examples' guarantee registered: GRN ${r.body.documentId} (${ms(t0)})`)
  }

  #ack(alias: string, id: string, by: string, expect: 'effective' | 'ineffective'): void {
    this.#acked.set(alias, [...(this.#acked.get(alias) ?? []), { id, by, expect }])
  }

  async #record(n: TestNode, documentId: string): Promise<DocRecord | undefined> {
    const r = await n.get<DocRecord>(`/v1/transits/${encodeURIComponent(documentId)}`)
    return r.status === 200 ? r.body : undefined
  }

  /** Waits until the audience (or the countries given), among reachable nodes, holds one state. */
  async #converged(
    alias: string,
    countries: readonly string[] | undefined,
    timeoutMs: number,
    expectation: (r: DocRecord) => string | undefined = () => undefined,
  ): Promise<{ record: DocRecord; countries: string[] }> {
    const id = this.#documentId(alias)
    const acked = (this.#acked.get(alias) ?? []).map((a) => a.id)
    let last = ''
    try {
      return await eventually(
        `${alias} to converge`,
        async () => {
          const live = this.#net.nodes.filter((n) => n.running && !n.paused)
          const records = await Promise.all(
            live.map(async (n) => ({ n, r: await this.#record(n, id).catch(() => undefined) })),
          )
          const audience = records.find((x) => x.r !== undefined)?.r?.audience ?? []
          const must = live.filter((n) => (countries ?? audience).includes(n.country))
          const held = records.filter((x) => must.includes(x.n))
          const hashes = new Set(held.map((x) => x.r?.stateHash))
          const missing = held.filter(
            (x) => x.r === undefined || acked.some((a) => !x.r!.state.entries.some((e) => e.id === a)),
          )
          last = `${missing.length} of ${must.length} nodes lack acknowledged entries, ${hashes.size} distinct state hashes`
          if (must.length === 0 || missing.length > 0 || hashes.size !== 1) return undefined
          const unmet = expectation(held[0]!.r!)
          if (unmet !== undefined) {
            last = `the nodes agree, but ${unmet}`
            return undefined
          }
          return { record: held[0]!.r!, countries: must.map((n) => n.country) }
        },
        timeoutMs,
        50,
      )
    } catch (e) {
      throw new Error(`${alias} did not converge within ${timeoutMs} ms: ${last}`, { cause: e })
    }
  }

  /** Before the verdict every fault is lifted: the network must then heal by itself. */
  async #healAll(): Promise<void> {
    if (this.#partitioned) {
      this.#net.heal()
      this.#partitioned = false
    }
    for (const n of this.#net.nodes) {
      if (n.paused) n.resume()
      if (!n.running) await n.start()
    }
  }

  async #verdict(): Promise<ScenarioResult['transits']> {
    const out: ScenarioResult['transits'] = {}
    for (const [alias, id] of this.#transits) {
      let converged: { record: DocRecord; countries: string[] } | undefined
      try {
        converged = await this.#converged(alias, undefined, 60_000)
      } catch (e) {
        this.#check(
          false,
          `${alias}: every audience node holds the same entries and state hash`,
          e instanceof Error ? e.message : String(e),
        )
      }
      const records = await Promise.all(
        this.#net.nodes.map(async (n) => ({ country: n.country, r: await this.#record(n, id) })),
      )
      const holders = records.filter((x) => x.r !== undefined)
      const audience = converged?.record.audience ?? holders[0]?.r?.audience ?? []
      out[alias] = {
        documentId: id,
        holders: holders.map((h) => h.country),
        audience: [...audience],
        entries: converged?.record.state.entries.length ?? 0,
        ...(converged === undefined ? {} : { status: converged.record.status, stateHash: converged.record.stateHash }),
      }
      if (converged === undefined) continue
      const { record } = converged
      const sets = new Set(
        holders.map((h) =>
          h
            .r!.state.entries.map((e) => e.id)
            .sort()
            .join(','),
        ),
      )
      this.#check(
        sets.size === 1 &&
          new Set(holders.map((h) => h.r!.stateHash)).size === 1 &&
          audience.every((c) => holders.some((h) => h.country === c)),
        `${alias}: all ${audience.length} audience nodes (${audience.join(', ')}) hold the same ${record.state.entries.length} entries, state hash ${record.stateHash.slice(0, 12)}…, status ${record.status}`,
      )
      const outsiders = holders.filter((h) => !audience.includes(h.country)).map((h) => h.country)
      this.#check(
        outsiders.length === 0,
        `${alias}: no node off the route holds it`,
        outsiders.length === 0
          ? `${this.#net.nodes.length - holders.length} others answer 404`
          : `held by ${outsiders.join(', ')}`,
      )
      const acked = this.#acked.get(alias) ?? []
      const lost = acked.filter((a) => !record.state.entries.some((e) => e.id === a.id))
      this.#check(
        lost.length === 0,
        `${alias}: all ${acked.length} acknowledged entries are held`,
        lost.length === 0 ? undefined : `lost: ${lost.map((l) => `${l.by} ${l.id.slice(0, 12)}`).join(', ')}`,
      )
      const wrong = acked.filter((a) => {
        const e = record.state.entries.find((x) => x.id === a.id)
        return e !== undefined && e.effect.effective !== (a.expect === 'effective')
      })
      this.#check(
        wrong.length === 0,
        `${alias}: every entry is as effective as the scenario expects`,
        wrong.length === 0
          ? undefined
          : wrong.map((w) => `${w.by} ${w.id.slice(0, 12)} expected ${w.expect}`).join('; '),
      )
      for (const b of this.#byzantine.filter((x) => x.documentId === id)) {
        const everywhere = holders.map((h) => h.r!.state)
        for (const f of b.forged)
          this.#check(
            everywhere.every((s) => !s.entries.some((e) => e.id === f)),
            `${alias}: the forged entry ${f.slice(0, 12)}… from ${b.author} is held nowhere`,
          )
        for (const u of b.unauthorised) {
          this.#check(
            everywhere.every((s) => s.entries.some((e) => e.id === u && !e.effect.effective)),
            `${alias}: the unauthorised entry ${u.slice(0, 12)}… from ${b.author} is held and ineffective on every holder`,
          )
        }
        const eq = b.equivocation
        if (eq !== undefined) {
          this.#check(
            everywhere.every(
              (s) =>
                s.forks.some(
                  (f) => f.author === b.author && f.seq === eq.seq && eq.ids.every((i) => f.ids.includes(i)),
                ) && s.frozen[b.author] === eq.seq,
            ),
            `${alias}: ${b.author}'s equivocation at seq ${eq.seq} is proven (fork proof) and ${b.author} frozen on every holder`,
          )
        }
      }
    }
    return out
  }
}
