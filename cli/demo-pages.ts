/**
 * The demo's sign-in lines (sis demo, npm start): on each node of the example transit's route,
 * an officer of its office, and on the node of departure the holder of the transit as a trader,
 * each with a password made for this run; the pages' address of each node beside them.
 */
import { randomBytes } from 'node:crypto'
import { exampleMessage } from '../protocol/messages/index.ts'
import type { Message } from '../protocol/index.ts'
import { UserStore } from '../node/users.ts'
import type { NewUser } from '../node/users.ts'
import { table } from './table.ts'

interface PagesNode {
  readonly country: string
  readonly dir: string
  readonly api: string
}

/** The offices of the example transit (departure, first transit office, destination), by country. */
function routeOffices(d: Omit<Message<'DeclarationLodged'>, 'Header'>): Map<string, string> {
  const offices = [
    d.CustomsOfficeOfDeparture.referenceNumber,
    ...(d.CustomsOfficeOfTransitDeclared ?? []).map((o) => o.referenceNumber),
    d.CustomsOfficeOfDestinationDeclared.referenceNumber,
  ]
  const byCountry = new Map<string, string>()
  for (const o of offices) if (!byCountry.has(o.slice(0, 2))) byCountry.set(o.slice(0, 2), o)
  return byCountry
}

export async function pagesLayer(nodes: readonly PagesNode[], say: (s: string) => void): Promise<void> {
  const { Header: _h, ...d } = exampleMessage('DeclarationLodged')
  const holder = d.HolderOfTheTransitProcedure.identificationNumber
  const departure = d.CustomsOfficeOfDeparture.referenceNumber.slice(0, 2)
  const rows: string[][] = []
  for (const [country, office] of routeOffices(d)) {
    const node = nodes.find((n) => n.country === country)
    if (node === undefined) continue
    const users = UserStore.open(node.dir)
    const accounts: [string, NewUser['principal']][] = [['officer', { role: 'officer', office }]]
    if (country === departure && holder !== undefined) accounts.push(['trader', { role: 'trader', traderId: holder }])
    for (const [login, principal] of accounts) {
      const password = randomBytes(12).toString('base64url')
      await users.add({ login, displayName: `${login} (${country})`, principal }, password)
      rows.push([
        country,
        `${node.api}/login`,
        login,
        password,
        principal.role === 'officer' ? principal.office : holder!,
      ])
    }
  }
  say('')
  say('The pages (sign in with these accounts, made for this run):')
  say(table(['node', 'pages', 'login', 'password', 'office or trader'], rows))
}
