/**
 * The examples' story, one transit told across every message type: by default goods from Urumqi
 * (China) through Kazakhstan to Tashkent (Uzbekistan) under a Chinese guarantee (examples.ts
 * tells it in one country too). Deterministic (fixed times and ids) so that examples, fixtures
 * and docs are reproducible.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js'
import type { MessageTypeName } from './catalogue/index.ts'
import type { Header } from './header.ts'
import type { Message } from './schema.ts'
import type { LangText } from './types/complex.ts'

/** Where the story happens: its identifiers, offices and the countries that write. */
export interface Setting {
  readonly mrn: string
  readonly grn: string
  readonly lrn: string
  readonly departure: string
  readonly transit: readonly string[]
  readonly destination: string
  readonly route: readonly string[]
  /** The office of transit that records the border passage. */
  readonly passage: string
  readonly incident: string
  /** The office the goods are diverted to, and the office a functional rejection points at. */
  readonly diversion: string
  readonly rejectedOffice: string
  /** The authors: departure (and guarantee issuer), a route country, the diversion, destination. */
  readonly authors: {
    readonly departure: string
    readonly route: string
    readonly diversion: string
    readonly destination: string
  }
  readonly holderCountry: string
  readonly holderCity: string
  readonly consigneeCountry: string
  readonly consigneeCity: string
  readonly carrierCountry: string
  readonly goodsLocation: {
    readonly qualifierOfIdentification: string
    readonly country: string
    readonly UNLocode?: string
    readonly location?: string
  }
}

/** A stand-in entry id (SHA-256 of a label): real ids are hashes of the stored entry bytes. */
function entryId(label: string): string {
  return bytesToHex(sha256(utf8ToBytes(label)))
}

export function header<T extends MessageTypeName>(
  s: Setting,
  type: T,
  author: string,
  seq: number,
  opts: { at: string; docId?: string; recipient?: string; parents?: string[]; auth?: string[] },
): Header & { messageType: T } {
  return {
    messageIdentification: `${author}-${type}-${seq}`,
    messageType: type,
    preparationDateAndTime: opts.at,
    documentId: opts.docId ?? s.mrn,
    authorCountry: author,
    authorKeyId: `${author.toLowerCase()}-node-2026-1`,
    sequenceNumber: String(seq),
    ...(seq > 1 ? { previousEntry: entryId(`${author}-${seq - 1}`) } : {}),
    ...(opts.parents === undefined ? {} : { parentEntry: opts.parents }),
    ...(opts.auth === undefined ? {} : { authorityEntry: opts.auth }),
    ruleVersion: '1',
    ...(opts.recipient === undefined ? {} : { messageRecipient: opts.recipient }),
  }
}

function texts(en: string, ru: string, zh: string): LangText[] {
  return [
    { lang: 'en', value: en },
    { lang: 'ru', value: ru },
    { lang: 'zh', value: zh },
  ]
}

const trader = (id: string, name: string, street: string, city: string, country: string) => ({
  identificationNumber: id,
  name,
  Address: { streetAndNumber: street, city, country },
})

const holderId = (s: Setting) => `${s.holderCountry}6501000000123`
const consigneeId = (s: Setting) => `${s.consigneeCountry}302123456`
const holder = (s: Setting) =>
  trader(holderId(s), 'Xinjiang Silk Road Logistics Co.', '88 Youhao Road', s.holderCity, s.holderCountry)

const LODGED = entryId('CN-1')
const RELEASED = entryId('CN-3')

function declaration(s: Setting) {
  return {
    CustomsOfficeOfDeparture: { referenceNumber: s.departure },
    CustomsOfficeOfDestinationDeclared: { referenceNumber: s.destination },
    ...(s.transit.length === 0
      ? {}
      : {
          CustomsOfficeOfTransitDeclared: s.transit.map((ref, i) => ({
            sequenceNumber: String(i + 1),
            referenceNumber: ref,
          })),
        }),
    HolderOfTheTransitProcedure: {
      ...holder(s),
      ContactPerson: {
        name: 'Li Wei',
        phoneNumber: '+86 991 555 0188',
        eMailAddress: 'transit@silkroad-logistics.example',
      },
    },
    Guarantee: [
      {
        sequenceNumber: '1',
        guaranteeType: '1',
        GuaranteeReference: [{ sequenceNumber: '1', GRN: s.grn, amountToBeCovered: '18500.00', currency: 'USD' }],
      },
    ],
    Consignment: {
      countryOfDispatch: s.holderCountry,
      countryOfDestination: s.consigneeCountry,
      containerIndicator: '1' as const,
      inlandModeOfTransport: '3',
      modeOfTransportAtTheBorder: '3',
      grossMass: '12480.5',
      Carrier: { identificationNumber: `${s.carrierCountry}910340001234`, name: 'Kazakh Trans Cargo LLP' },
      Consignor: holder(s),
      Consignee: trader(
        consigneeId(s),
        'Tashkent Textile Trading JSC',
        '15 Amir Temur Avenue',
        s.consigneeCity,
        s.consigneeCountry,
      ),
      TransportEquipment: [
        {
          sequenceNumber: '1',
          containerIdentificationNumber: 'CSQU3054383',
          numberOfSeals: '2',
          Seal: [
            { sequenceNumber: '1', identifier: 'CN-XJ-558801' },
            { sequenceNumber: '2', identifier: 'CN-XJ-558802' },
          ],
        },
      ],
      DepartureTransportMeans: [
        {
          sequenceNumber: '1',
          typeOfIdentification: '30',
          identificationNumber: '045 ABC 02',
          nationality: s.carrierCountry,
        },
      ],
      CountryOfRoutingOfConsignment: s.route.map((country, i) => ({
        sequenceNumber: String(i + 1),
        country,
      })),
      TransportDocument: [{ sequenceNumber: '1', type: 'N730', referenceNumber: 'CMR 2026/0042' }],
      ConsignmentItem: [
        {
          goodsItemNumber: '1',
          Commodity: {
            descriptionOfGoods: texts(
              'Cotton yarn, not for retail sale',
              'Пряжа хлопчатобумажная, не расфасованная для розничной продажи',
              '棉纱线，非供零售用',
            ),
            CommodityCode: { harmonizedSystemSubHeadingCode: '520512' },
            GoodsMeasure: {
              grossMass: '8240.5',
              netMass: '8000',
              supplementaryUnits: '8000',
              supplementaryUnitsCode: 'KGM',
            },
          },
          Packaging: [
            { sequenceNumber: '1', typeOfPackages: 'BL', numberOfPackages: '40', shippingMarks: 'SRL/TTT 1-40' },
          ],
          PreviousDocument: [{ sequenceNumber: '1', type: 'N380', referenceNumber: 'INV-2026-0042' }],
        },
        {
          goodsItemNumber: '2',
          Commodity: {
            descriptionOfGoods: texts(
              'Electric sewing machines, industrial',
              'Машины швейные промышленные электрические',
              '工业用电动缝纫机',
            ),
            CommodityCode: { harmonizedSystemSubHeadingCode: '845229' },
            GoodsMeasure: {
              grossMass: '4240',
              netMass: '3900',
              supplementaryUnits: '60',
              supplementaryUnitsCode: 'C62',
            },
          },
          Packaging: [{ sequenceNumber: '1', typeOfPackages: 'CT', numberOfPackages: '60' }],
        },
      ],
    },
  }
}

/** The story's examples, told in setting `s`. */
export function storyExamples(s: Setting): { [T in MessageTypeName]?: () => Message<T> } {
  const { mrn: MRN, grn: GRN } = s
  const transitOp = { MRN }
  const atDeparture = { referenceNumber: s.departure }
  const atDestination = { referenceNumber: s.destination }
  const a = s.authors
  /** The departure's second entry, answering the lodged declaration. */
  const answer = <T extends MessageTypeName>(type: T, at: string) =>
    header(s, type, a.departure, 2, { at, parents: [LODGED], auth: [LODGED] })
  return {
    DeclarationLodged: () => ({
      Header: header(s, 'DeclarationLodged', a.departure, 1, { at: '2026-11-23T08:00:00Z' }),
      ...declaration(s),
      TransitOperation: {
        LRN: s.lrn,
        MRN,
        declarationType: 'T1',
        additionalDeclarationType: 'A',
        security: '0',
        bindingItinerary: '1',
        declarationDateAndTime: '2026-11-23T07:55:00Z',
      },
    }),
    DeclarationAccepted: () => ({
      Header: answer('DeclarationAccepted', '2026-11-23T08:05:00Z'),
      TransitOperation: { LRN: s.lrn, MRN, declarationAcceptanceDate: '2026-11-23' },
      CustomsOfficeOfDeparture: atDeparture,
      HolderOfTheTransitProcedure: { identificationNumber: holderId(s), name: 'Xinjiang Silk Road Logistics Co.' },
    }),
    DeclarationRejected: () => ({
      Header: answer('DeclarationRejected', '2026-11-23T08:05:00Z'),
      TransitOperation: {
        LRN: s.lrn,
        MRN,
        rejectionDateAndTime: '2026-11-23T08:05:00Z',
        rejectionCode: '12',
        rejectionReason: texts(
          'Guarantee amount does not cover the duties',
          'Сумма обеспечения не покрывает пошлины',
          '担保金额不足以覆盖税款',
        ),
      },
      CustomsOfficeOfDeparture: atDeparture,
      FunctionalError: [
        {
          errorPointer: 'DeclarationLodged/Guarantee[1]/GuaranteeReference[1]/amountToBeCovered',
          errorCode: 'INSUFFICIENT_GUARANTEE',
          errorReason: 'the balance of the guarantee is 12000.00 USD',
          originalAttributeValue: '18500.00',
        },
      ],
    }),
    DeclarationAmended: () => ({
      Header: answer('DeclarationAmended', '2026-11-23T08:03:00Z'),
      ...declaration(s),
      TransitOperation: {
        LRN: s.lrn,
        MRN,
        declarationType: 'T1',
        additionalDeclarationType: 'A',
        security: '0',
        bindingItinerary: '1',
        amendmentDateAndTime: '2026-11-23T08:02:00Z',
        amendmentReason: texts('Seal numbers corrected', 'Исправлены номера пломб', '更正封志号'),
      },
    }),
    InvalidationRequested: () => ({
      Header: header(s, 'InvalidationRequested', a.departure, 4, {
        at: '2026-11-23T09:00:00Z',
        parents: [RELEASED],
        auth: [LODGED],
      }),
      TransitOperation: transitOp,
      Invalidation: {
        requestDateAndTime: '2026-11-23T09:00:00Z',
        initiatedByCustoms: '0',
        justification: texts('The goods did not leave the warehouse', 'Товары не покидали склад', '货物未离开仓库'),
      },
      CustomsOfficeOfDeparture: atDeparture,
    }),
    InvalidationDecided: () => ({
      Header: header(s, 'InvalidationDecided', a.departure, 5, {
        at: '2026-11-23T09:30:00Z',
        parents: [entryId('CN-4')],
        auth: [entryId('CN-4')],
      }),
      TransitOperation: transitOp,
      Invalidation: { decisionDateAndTime: '2026-11-23T09:30:00Z', decision: '1', initiatedByCustoms: '0' },
      CustomsOfficeOfDeparture: atDeparture,
    }),
    GuaranteeCoverageRecorded: () => ({
      Header: header(s, 'GuaranteeCoverageRecorded', a.departure, 3, {
        at: '2026-11-23T08:06:00Z',
        parents: [entryId('CN-2')],
        auth: [LODGED, entryId('CN-2')],
      }),
      TransitOperation: { MRN },
      Guarantee: { GRN },
      Coverage: {
        outcome: 'reserved',
        amount: '18500.00',
        currency: 'USD',
        recordedAt: '2026-11-23T08:06:00Z',
        reservationEntry: entryId('CN-G2'),
      },
    }),
    ReleasedForTransit: () => ({
      Header: header(s, 'ReleasedForTransit', a.departure, 3, {
        at: '2026-11-23T10:00:00Z',
        parents: [entryId('CN-2')],
        auth: [LODGED, entryId('CN-2')],
      }),
      TransitOperation: { MRN, releaseDateAndTime: '2026-11-23T10:00:00Z', limitDate: '2026-12-01' },
      CustomsOfficeOfDeparture: atDeparture,
      ControlResult: { code: 'A1', date: '2026-11-23' },
      AnticipatedArrivalRecord: {
        CustomsOfficeOfDestinationDeclared: atDestination,
        totalGrossMass: '12480.5',
        totalNumberOfPackages: '100',
        Seal: [
          { sequenceNumber: '1', identifier: 'CN-XJ-558801' },
          { sequenceNumber: '2', identifier: 'CN-XJ-558802' },
        ],
      },
      ...(s.transit.length === 0
        ? {}
        : {
            TransitAdvice: s.transit.map((ref, i) => ({
              sequenceNumber: String(i + 1),
              CustomsOfficeOfTransitDeclared: { referenceNumber: ref },
            })),
          }),
    }),
    BorderPassageRecorded: () => ({
      Header: header(s, 'BorderPassageRecorded', a.route, 1, {
        at: '2026-11-24T14:20:00Z',
        parents: [RELEASED],
        auth: [RELEASED],
      }),
      TransitOperation: transitOp,
      CustomsOfficeOfTransitActual: { referenceNumber: s.passage },
      passageDateAndTime: '2026-11-24T14:15:00Z',
      sealsIntact: '1',
      BorderTransportMeans: {
        sequenceNumber: '1',
        typeOfIdentification: '30',
        identificationNumber: '045 ABC 02',
        nationality: s.carrierCountry,
      },
    }),
    IncidentRecorded: () => ({
      Header: header(s, 'IncidentRecorded', a.route, 2, {
        at: '2026-11-25T03:40:00Z',
        parents: [entryId('KZ-1')],
        auth: [RELEASED],
      }),
      TransitOperation: transitOp,
      CustomsOfficeOfIncidentRegistration: { referenceNumber: s.incident },
      Incident: {
        sequenceNumber: '1',
        code: '2',
        text: texts(
          'Seal 2 found broken at night inspection near Almaty; resealed',
          'Пломба 2 нарушена, обнаружено при ночном осмотре у Алматы; опломбировано повторно',
          '阿拉木图附近夜间检查发现2号封志破损，已重新施封',
        ),
        registrationDateAndTime: '2026-11-25T03:30:00Z',
        Location: {
          qualifierOfIdentification: 'W',
          country: a.route,
          location: 'A2 highway km 312',
          GNSS: { latitude: '43.2567', longitude: '76.9286' },
        },
      },
    }),
    DiversionRequested: () => ({
      Header: header(s, 'DiversionRequested', a.diversion, 1, {
        at: '2026-11-25T11:00:00Z',
        parents: [RELEASED],
        auth: [RELEASED],
      }),
      TransitOperation: transitOp,
      CustomsOfficeActual: { referenceNumber: s.diversion },
      role: 'transit',
      requestDateAndTime: '2026-11-25T11:00:00Z',
      reason: texts(
        'Road closed at Zhibek Zholy; goods presented at Dostuk',
        'Дорога у Жибек Жолы закрыта; товары предъявлены в Достуке',
        '日贝克若雷道路关闭，货物在多斯图克申报',
      ),
    }),
    ArrivalNotified: () => ({
      Header: header(s, 'ArrivalNotified', a.destination, 2, {
        at: '2026-11-26T09:10:00Z',
        parents: [entryId('UZ-1')],
        auth: [RELEASED],
      }),
      TransitOperation: {
        MRN,
        arrivalNotificationDateAndTime: '2026-11-26T09:00:00Z',
        simplifiedProcedure: '0',
        incidentFlag: '1',
      },
      CustomsOfficeOfDestinationActual: atDestination,
      TraderAtDestination: { identificationNumber: consigneeId(s) },
      LocationOfGoods: s.goodsLocation,
    }),
    ArrivalAdvised: () => ({
      Header: header(s, 'ArrivalAdvised', a.destination, 3, {
        at: '2026-11-26T09:20:00Z',
        parents: [entryId('UZ-2')],
        auth: [RELEASED],
      }),
      TransitOperation: { MRN, arrivalDateAndTime: '2026-11-26T09:00:00Z', incidentFlag: '1' },
      CustomsOfficeOfDestinationActual: atDestination,
    }),
    ControlResultsRecorded: () => ({
      Header: header(s, 'ControlResultsRecorded', a.destination, 4, {
        at: '2026-11-26T12:00:00Z',
        parents: [entryId('UZ-3')],
        auth: [entryId('UZ-3')],
      }),
      TransitOperation: transitOp,
      CustomsOfficeOfDestinationActual: atDestination,
      ControlResult: {
        code: 'A4',
        date: '2026-11-26',
        controlledBy: 'Inspector A. Karimov',
        remarks: texts(
          'Seal replaced en route, recorded as incident 1',
          'Пломба заменена в пути, оформлено как инцидент 1',
          '途中更换封志，已记录为事件1',
        ),
      },
    }),
    WrittenOff: () => ({
      Header: header(s, 'WrittenOff', a.departure, 4, {
        at: '2026-11-26T13:00:00Z',
        parents: [entryId('UZ-4')],
        auth: [entryId('UZ-3'), entryId('UZ-4')],
      }),
      TransitOperation: { MRN, writeOffDate: '2026-11-26' },
      CustomsOfficeOfDeparture: atDeparture,
    }),
    DisputeResolved: () => ({
      Header: header(s, 'DisputeResolved', a.departure, 6, {
        at: '2026-11-27T09:00:00Z',
        parents: [entryId('CN-5'), entryId('UZ-2')],
        auth: [entryId('CN-5'), entryId('UZ-2')],
      }),
      TransitOperation: transitOp,
      CustomsOfficeOfDeparture: atDeparture,
      Resolution: {
        outcome: 'arrival-stands',
        resolvedAt: '2026-11-27T09:00:00Z',
        justification: texts(
          'The goods arrived in Tashkent; the invalidation was granted in error',
          'Товары прибыли в Ташкент; аннулирование разрешено ошибочно',
          '货物已抵达塔什干；作废系错误批准',
        ),
      },
    }),
    GuaranteeRegistered: () => ({
      Header: header(s, 'GuaranteeRegistered', a.departure, 1, { at: '2026-01-10T06:00:00Z', docId: GRN }),
      Guarantee: {
        GRN,
        guaranteeType: '1',
        referenceAmount: '250000.00',
        currency: 'USD',
        validFrom: '2026-01-10',
        validUntil: '2027-01-09',
      },
      GuaranteeOffice: { referenceNumber: s.departure },
      Principal: holder(s),
      ValidIn: s.route.map((country, i) => ({ sequenceNumber: String(i + 1), country })),
    }),
    GuaranteeReserved: () => ({
      Header: header(s, 'GuaranteeReserved', a.departure, 2, {
        at: '2026-11-23T08:05:00Z',
        docId: GRN,
        parents: [entryId('CN-G1')],
        auth: [entryId('CN-G1')],
      }),
      Guarantee: { GRN },
      TransitOperation: transitOp,
      Reservation: { amount: '18500.00', currency: 'USD', reservedAt: '2026-11-23T08:05:00Z' },
    }),
    GuaranteeReleased: () => ({
      Header: header(s, 'GuaranteeReleased', a.departure, 3, {
        at: '2026-11-26T13:05:00Z',
        docId: GRN,
        parents: [entryId('CN-G2')],
        auth: [entryId('CN-G2')],
      }),
      Guarantee: { GRN },
      TransitOperation: transitOp,
      Release: { amount: '18500.00', currency: 'USD', releasedAt: '2026-11-26T13:05:00Z', reason: 'written-off' },
    }),
    GuaranteeBalanceQuery: () => ({
      Header: header(s, 'GuaranteeBalanceQuery', a.route, 3, {
        at: '2026-11-24T14:25:00Z',
        docId: GRN,
        recipient: a.departure,
      }),
      Guarantee: { GRN, accessCode: 'A7K2' },
      queryIdentifier: 'KZ-Q-2026-000311',
    }),
    GuaranteeBalanceResponse: () => ({
      Header: header(s, 'GuaranteeBalanceResponse', a.departure, 3, {
        at: '2026-11-24T14:25:01Z',
        docId: GRN,
        recipient: a.route,
      }),
      Guarantee: { GRN, referenceAmount: '250000.00', balanceAmount: '231500.00', currency: 'USD' },
      queryIdentifier: 'KZ-Q-2026-000311',
      balanceAt: '2026-11-24T14:25:01Z',
    }),
    DeliveryReceipt: () => ({
      Header: header(s, 'DeliveryReceipt', a.route, 5, { at: '2026-11-24T14:20:01Z', recipient: a.departure }),
      Receipt: { receivedAt: '2026-11-24T14:20:01Z', EntryId: [LODGED, entryId('CN-2'), RELEASED] },
    }),
    FunctionalRejection: () => ({
      Header: header(s, 'FunctionalRejection', a.route, 4, { at: '2026-11-24T15:00:00Z', recipient: a.diversion }),
      RejectedMessage: {
        messageIdentification: `${a.diversion}-BorderPassageRecorded-1`,
        messageType: 'BorderPassageRecorded',
        rejectionDateAndTime: '2026-11-24T15:00:00Z',
        rejectionCode: 'NOT_AUTHORISED',
      },
      FunctionalError: [
        {
          errorPointer: 'BorderPassageRecorded/CustomsOfficeOfTransitActual/referenceNumber',
          errorCode: 'NOT_AUTHORISED',
          errorReason: `${a.diversion} is not on the route of this transit`,
          originalAttributeValue: s.rejectedOffice,
        },
      ],
    }),
  }
}
