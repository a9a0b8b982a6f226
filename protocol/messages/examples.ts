/**
 * One valid example of every message type, all about one transit (the story in
 * examples-story.ts): by default from China through Kazakhstan to Uzbekistan; for a country,
 * the same story told there, with that country's offices, MRN and GRN (a national transit that
 * one node can carry from lodging to write-off).
 */
import { allocateGrn, allocateMrn, CAREC_COUNTRY_CODES, findOffice, officesOf } from '../codes/index.ts'
import type { CustomsOffice } from '../codes/index.ts'
import { CATALOGUE } from './catalogue/index.ts'
import type { MessageDefinition, MessageTypeName } from './catalogue/index.ts'
import { kindOfType } from '../kinds/registry.ts'
import { ACTION_MESSAGE_TYPES } from '../kinds/transit/actions.ts'
import type { Message } from './schema.ts'
import { header, storyExamples } from './examples-story.ts'
import type { Setting } from './examples-story.ts'

const MRN = allocateMrn({ year: 2026, country: 'CN', serial: '652100000042', procedure: 'J' })
const GRN = allocateGrn({ year: 2026, country: 'CN', serial: '650000000007' })

export const EXAMPLE_CONTEXT = {
  mrn: MRN,
  grn: GRN,
  lrn: 'XJ-2026-000042',
  departure: 'CNI00100',
  transit: ['CNB00100', 'KZB00100', 'KZB00400', 'UZB00100'],
  destination: 'UZI00100',
  route: ['CN', 'KZ', 'UZ'],
} as const

const DEFAULT_SETTING: Setting = {
  ...EXAMPLE_CONTEXT,
  passage: 'KZB00100',
  incident: 'KZI00100',
  diversion: 'KGB00300',
  rejectedOffice: 'KGB00100',
  authors: { departure: 'CN', route: 'KZ', diversion: 'KG', destination: 'UZ' },
  holderCountry: 'CN',
  holderCity: 'Urumqi',
  consigneeCountry: 'UZ',
  consigneeCity: 'Tashkent',
  carrierCountry: 'KZ',
  goodsLocation: { qualifierOfIdentification: 'U', UNLocode: 'UZTAS', country: 'UZ' },
}

/** The countries whose examples can be asked for (CAREC members, each with its offices). */
export const EXAMPLE_COUNTRIES: readonly string[] = CAREC_COUNTRY_CODES

function withRole(offices: readonly CustomsOffice[], role: CustomsOffice['roles'][number]): CustomsOffice[] {
  return offices.filter((o) => o.roles.includes(role))
}

/**
 * The story in one country: it departs from an inland office (else any office of departure),
 * ends at another office of destination where there is one, passes (at most two of) the other
 * offices of transit but the last, which the goods are diverted to.
 */
function settingIn(country: string): Setting {
  if (!EXAMPLE_COUNTRIES.includes(country))
    throw new Error(`no examples for ${country}: the examples are of a CAREC country (${EXAMPLE_COUNTRIES.join(', ')})`)
  const offices = officesOf(country)
  const departures = withRole(offices, 'departure')
  const departure = departures.find((o) => o.kind === 'inland') ?? departures[0]
  const destination =
    withRole(offices, 'destination').find((o) => o.referenceNumber !== departure?.referenceNumber) ?? departure
  const transits = withRole(offices, 'transit').map((o) => o.referenceNumber)
  const ends = [departure?.referenceNumber, destination?.referenceNumber]
  const between = transits.filter((o) => !ends.includes(o))
  const diversion = between.at(-1) ?? transits.at(-1)
  if (departure === undefined || destination === undefined || diversion === undefined)
    throw new Error(`the customs offices of ${country} do not make a transit`)
  const transit = between.slice(0, -1).slice(0, 2)
  const city = findOffice(departure.referenceNumber)?.names.en ?? country
  return {
    mrn: allocateMrn({ year: 2026, country, serial: '652100000042', procedure: 'J' }),
    grn: allocateGrn({ year: 2026, country, serial: '650000000007' }),
    lrn: `${country}-2026-000042`,
    departure: departure.referenceNumber,
    transit,
    destination: destination.referenceNumber,
    route: [country],
    passage: transit[0] ?? diversion,
    incident: destination.referenceNumber,
    diversion,
    rejectedOffice: diversion,
    authors: { departure: country, route: country, diversion: country, destination: country },
    holderCountry: country,
    holderCity: city,
    consigneeCountry: country,
    consigneeCity: destination.names.en,
    carrierCountry: country,
    goodsLocation: { qualifierOfIdentification: 'Z', country, location: destination.names.en.slice(0, 35) },
  }
}

const DEFAULT_EXAMPLES = storyExamples(DEFAULT_SETTING)

/**
 * A fresh, valid example message of the given type (from the story, else from its definition);
 * with `country`, the story told in that country (its offices, MRN and GRN).
 */
export function exampleMessage<T extends MessageTypeName>(type: T, opts: { country?: string } = {}): Message<T> {
  const made = (opts.country === undefined ? DEFAULT_EXAMPLES : storyExamples(settingIn(opts.country)))[type]
  if (made !== undefined) return made()
  const own = (CATALOGUE[type] as MessageDefinition).example?.()
  if (own === undefined) throw new Error(`message type ${type} has no example`)
  const body = structuredClone(own.body) as Record<string, unknown>
  const docId = kindOfType(type)?.identifier.documentIdOf(body)
  return {
    Header: header(DEFAULT_SETTING, type, own.author, 1, {
      at: '2026-11-23T08:00:00Z',
      ...(docId === undefined ? {} : { docId }),
    }),
    ...body,
  } as unknown as Message<T>
}

/**
 * An example as the API takes it (the JSON of POST /v1/transits and of an action's body): the
 * body without Header, which the node writes; a lodged declaration and a transit action also
 * without the MRN, which the node allocates or takes from the transit acted on.
 */
export function exampleBody<T extends MessageTypeName>(type: T, message: Message<T>): Record<string, unknown> {
  const body = structuredClone(message) as Record<string, unknown>
  delete body.Header
  if (type === 'DeclarationLodged' || (Object.values(ACTION_MESSAGE_TYPES) as string[]).includes(type)) {
    const { MRN: _allocated, ...op } = body.TransitOperation as Record<string, unknown>
    body.TransitOperation = op
  }
  return body
}
