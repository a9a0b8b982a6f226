/**
 * The shape of a customs office entry, apart from the list itself, so that the hand-written data
 * (offices-data.ts) and the code list built from it (offices.ts) both import it and neither
 * imports the other's importer.
 */

/** The NCTS roles an office can play in a transit operation. */
export const OFFICE_ROLES = ['departure', 'transit', 'destination', 'exit', 'entry'] as const

export type OfficeRole = (typeof OFFICE_ROLES)[number]

/** 'inland' means "not at a land border": city offices, and the Karachi seaport. */
export type OfficeKind = 'road' | 'rail' | 'road-rail' | 'inland'

export interface CustomsOffice {
  /** Federation reference number, e.g. "KZB00100": ISO country code + 6 alphanumerics. */
  readonly referenceNumber: string
  /** ISO 3166-1 alpha-2 code of the country the office belongs to (a CAREC member). */
  readonly country: string
  /** en and ru always; zh for every office here; national languages where we are sure of them. */
  readonly names: {
    readonly en: string
    readonly ru: string
    readonly zh?: string
    readonly [lang: string]: string | undefined
  }
  readonly roles: readonly OfficeRole[]
  readonly kind: OfficeKind
  /** CAREC corridor numbers the crossing serves, e.g. "1" or "3, 6" (indicative). */
  readonly corridor?: string
  /** For a border office: ISO 3166-1 alpha-2 code of the country across the border. */
  readonly facing?: string
  /** For a border office: reference numbers of the offices across the border, when listed here. */
  readonly counterparts?: readonly string[]
}
