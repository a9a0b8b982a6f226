/**
 * The demo's last act (sis demo, npm start): a country joins the running federation. China lodges a transit routed
 * through Tajikistan while Tajikistan is not yet a member (nothing is queued for it); a quorum
 * signs the next membership version adding Tajikistan's card, an admin posts it to China's node,
 * and every member adopts it (the time is printed); Tajikistan's node takes the chain from
 * China's with `sis federation join --from` and starts from that version. It must then hold the
 * transit through it, with the state China computes, and not the first transit, which is not on
 * its route.
 */
import { admitMember } from './admit.ts'
import { declarationThrough } from './bodies.ts'
import { eventually } from '../node/testing/helpers.ts'
import type { TestNetwork } from './network.ts'

export interface JoinCheck {
  readonly ok: boolean
  readonly what: string
}

export async function joinAct(
  net: TestNetwork,
  latecomer: string,
  offRoute: string | undefined,
  say: (line: string) => void,
): Promise<JoinCheck[]> {
  const checks: JoinCheck[] = []
  const check = (ok: boolean, what: string) => {
    checks.push({ ok, what })
    say(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`)
  }
  say('')
  say(`A country joins: ${latecomer}, admitted by a quorum, its node started from the version that admits it.`)
  const cn = net.node('CN')
  const through = declarationThrough(['CN', 'KZ', latecomer, 'UZ'], '652100000077')
  const lodged = await cn.post('/v1/transits', through.xml, 'application/xml')
  check(
    lodged.status === 201,
    `CN lodges ${through.mrn}, routed CN → KZ → ${latecomer} → UZ, before ${latecomer} is a member`,
  )
  const admitted = await admitMember(net, latecomer)
  say(
    `  version ${admitted.version} (adds ${latecomer}) signed by ${admitted.signers.join(', ')}, posted to CN; in force at all ${net.nodes.length - 1} members ${(admitted.adoptedMs / 1000).toFixed(2)} s later`,
  )
  say(`  ${latecomer}: sis federation join --from CN's address verified the chain; node up at ${admitted.node.api}`)
  const at = async (n: typeof cn, mrn: string) => {
    const r = await n.get<{ stateHash: string }>(`/v1/transits/${mrn}`)
    return r.status === 200 ? r.body.stateHash : r.status
  }
  const received = await eventually(
    `${latecomer} to receive ${through.mrn}`,
    async () => {
      const h = await at(admitted.node, through.mrn)
      return typeof h === 'string' ? h : undefined
    },
    30_000,
  ).catch(() => undefined)
  check(
    received !== undefined && received === (await at(cn, through.mrn)),
    `${latecomer} received ${through.mrn}, lodged before it joined, with CN's state hash`,
  )
  if (offRoute !== undefined)
    check((await at(admitted.node, offRoute)) === 404, `${latecomer} does not hold ${offRoute} (not on its route): 404`)
  return checks
}
