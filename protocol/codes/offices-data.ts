/**
 * The customs offices of the federation, written by hand.
 *
 * Reference numbers are ASSIGNED BY THIS PROJECT for the federation; they are not the national
 * customs office codes of any country. They follow the NCTS shape (country code + 6 characters)
 * with a scheme of our own that cannot be mistaken for a national code: B for a border office or
 * I for an inland one, a three-digit site number, and "00" left free for sub-offices (a rail
 * terminal beside a road post, say). The names, places and pairings are the real crossing points.
 *
 * zh names marked "zh: transliterated" have no Chinese form we could confirm in Chinese sources;
 * they are transliterations to be checked by the Chinese customs service. The others are the
 * established Chinese names (CN ports as GACC names them; foreign crossings as Chinese media do).
 * `corridor` lists CAREC corridor numbers only where the crossing appears in CAREC corridor
 * descriptions; many crossings serve more than one corridor.
 */

import type { CustomsOffice, OfficeKind, OfficeRole } from './office-types.ts'

/** Border crossing where goods only pass: NCTS office of transit, exit and entry. */
const PASS: readonly OfficeRole[] = ['transit', 'exit', 'entry']
/** Border crossing with a clearance terminal: goods are also declared and discharged there. */
const CLEAR: readonly OfficeRole[] = ['departure', 'destination', 'transit', 'exit', 'entry']
/** Inland office in a main city: where transit operations start and end. */
const INLAND: readonly OfficeRole[] = ['departure', 'destination']

type Names = CustomsOffice['names']
type More = Pick<CustomsOffice, 'corridor' | 'facing' | 'counterparts'>

function office(
  referenceNumber: string,
  kind: OfficeKind,
  roles: readonly OfficeRole[],
  names: Names,
  more: More = {},
): CustomsOffice {
  return { referenceNumber, country: referenceNumber.slice(0, 2), names, roles, kind, ...more }
}

export const OFFICE_DATA: readonly CustomsOffice[] = [
  // Kazakhstan
  office(
    'KZB00100',
    'road',
    CLEAR,
    { en: 'Nur Zholy (Khorgos)', ru: 'Нур Жолы (Хоргос)', zh: '霍尔果斯', kk: 'Нұр жолы (Қорғас)' },
    { corridor: '1', facing: 'CN', counterparts: ['CNB00100'] },
  ),
  office(
    'KZB00200',
    'rail',
    CLEAR,
    { en: 'Altynkol', ru: 'Алтынколь', zh: '阿腾科里', kk: 'Алтынкөл' },
    { corridor: '1', facing: 'CN', counterparts: ['CNB00100'] },
  ),
  office(
    'KZB00300',
    'road-rail',
    CLEAR,
    { en: 'Dostyk', ru: 'Достык', zh: '多斯特克', kk: 'Достық' },
    { corridor: '1', facing: 'CN', counterparts: ['CNB00200'] },
  ),
  office(
    'KZB00400',
    'road',
    PASS,
    { en: 'Zhibek Zholy', ru: 'Жибек Жолы', zh: '日别克若雷', kk: 'Жібек жолы' }, // zh: transliterated
    { corridor: '3', facing: 'UZ', counterparts: ['UZB00100'] },
  ),
  office('KZI00100', 'inland', INLAND, { en: 'Almaty', ru: 'Алматы', zh: '阿拉木图', kk: 'Алматы' }),

  // China
  office(
    'CNB00100',
    'road-rail',
    CLEAR,
    { en: 'Horgos', ru: 'Хоргос', zh: '霍尔果斯' },
    { corridor: '1', facing: 'KZ', counterparts: ['KZB00100', 'KZB00200'] },
  ),
  office(
    'CNB00200',
    'road-rail',
    CLEAR,
    { en: 'Alashankou', ru: 'Алашанькоу', zh: '阿拉山口' },
    { corridor: '1', facing: 'KZ', counterparts: ['KZB00300'] },
  ),
  office(
    'CNB00300',
    'road',
    CLEAR,
    { en: 'Torugart', ru: 'Торугарт', zh: '吐尔尕特' },
    { corridor: '1', facing: 'KG', counterparts: ['KGB00100'] },
  ),
  office(
    'CNB00400',
    'road',
    CLEAR,
    { en: 'Irkeshtam', ru: 'Иркештам', zh: '伊尔克什坦' },
    { corridor: '2, 5', facing: 'KG', counterparts: ['KGB00200'] },
  ),
  office(
    'CNB00500',
    'road-rail',
    CLEAR,
    { en: 'Erenhot', ru: 'Эрлянь', zh: '二连浩特' },
    { corridor: '4', facing: 'MN', counterparts: ['MNB00100'] },
  ),
  office(
    'CNB00600',
    'road',
    CLEAR,
    { en: 'Karasu', ru: 'Карасу', zh: '卡拉苏' },
    { facing: 'TJ', counterparts: ['TJB00200'] },
  ),
  office('CNI00100', 'inland', INLAND, { en: 'Urumqi', ru: 'Урумчи', zh: '乌鲁木齐' }),

  // Kyrgyzstan
  office(
    'KGB00100',
    'road',
    PASS,
    { en: 'Torugart', ru: 'Торугарт', zh: '吐尔尕特', ky: 'Торугарт' },
    { corridor: '1', facing: 'CN', counterparts: ['CNB00300'] },
  ),
  office(
    'KGB00200',
    'road',
    PASS,
    { en: 'Irkeshtam', ru: 'Иркештам', zh: '伊尔克什坦', ky: 'Эркечтам' },
    { corridor: '2, 5', facing: 'CN', counterparts: ['CNB00400'] },
  ),
  office(
    'KGB00300',
    'road',
    PASS,
    { en: 'Dostuk', ru: 'Достук', zh: '友谊', ky: 'Достук' },
    { facing: 'UZ', counterparts: ['UZB00200'] },
  ),
  office(
    'KGB00400',
    'road',
    PASS,
    { en: 'Karamyk', ru: 'Карамык', zh: '卡拉梅克', ky: 'Карамык' }, // zh: transliterated
    { corridor: '3, 5', facing: 'TJ', counterparts: ['TJB00100'] },
  ),
  office('KGI00100', 'inland', INLAND, { en: 'Bishkek', ru: 'Бишкек', zh: '比什凯克', ky: 'Бишкек' }),
  office('KGI00200', 'inland', INLAND, { en: 'Sary-Tash', ru: 'Сары-Таш', zh: '萨雷塔什', ky: 'Сары-Таш' }), // zh: transliterated

  // Uzbekistan
  office(
    'UZB00100',
    'road',
    PASS,
    { en: 'Gisht-Kuprik', ru: 'Гишткуприк', zh: '吉什特库普里克', uz: 'Gʻishtkoʻprik' }, // zh: transliterated
    { corridor: '3', facing: 'KZ', counterparts: ['KZB00400'] },
  ),
  office(
    'UZB00200',
    'road',
    PASS,
    { en: 'Dustlik', ru: 'Дустлик', zh: '友谊', uz: 'Doʻstlik' },
    { facing: 'KG', counterparts: ['KGB00300'] },
  ),
  office(
    'UZB00300',
    'road',
    PASS,
    { en: 'Alat', ru: 'Алат', zh: '阿拉特', uz: 'Olot' }, // zh: transliterated
    { corridor: '2, 3', facing: 'TM', counterparts: ['TMB00100'] },
  ),
  office(
    'UZB00400',
    'road-rail',
    CLEAR,
    { en: 'Termez', ru: 'Термез', zh: '铁尔梅兹', uz: 'Termiz' },
    { corridor: '3, 6', facing: 'AF', counterparts: ['AFB00200'] },
  ),
  office('UZI00100', 'inland', INLAND, { en: 'Tashkent', ru: 'Ташкент', zh: '塔什干', uz: 'Toshkent' }),

  // Tajikistan
  office(
    'TJB00100',
    'road',
    PASS,
    { en: 'Karamyk', ru: 'Карамык', zh: '卡拉梅克' }, // zh: transliterated
    { corridor: '3, 5', facing: 'KG', counterparts: ['KGB00400'] },
  ),
  office(
    'TJB00200',
    'road',
    PASS,
    { en: 'Kulma', ru: 'Кульма', zh: '阔勒买', tg: 'Кулма' },
    { facing: 'CN', counterparts: ['CNB00600'] },
  ),
  office('TJI00100', 'inland', INLAND, { en: 'Dushanbe', ru: 'Душанбе', zh: '杜尚别', tg: 'Душанбе' }),

  // Turkmenistan
  office(
    'TMB00100',
    'road',
    PASS,
    { en: 'Farap', ru: 'Фарап', zh: '法拉普', tk: 'Farap' }, // zh: transliterated
    { corridor: '2, 3', facing: 'UZ', counterparts: ['UZB00300'] },
  ),
  office('TMI00100', 'inland', INLAND, { en: 'Ashgabat', ru: 'Ашхабад', zh: '阿什哈巴德', tk: 'Aşgabat' }),

  // Georgia
  office(
    'GEB00100',
    'road',
    PASS,
    { en: 'Red Bridge', ru: 'Красный мост', zh: '红桥', ka: 'წითელი ხიდი' },
    { corridor: '2', facing: 'AZ', counterparts: ['AZB00100'] },
  ),
  // Sarpi faces Turkey, not a CAREC member: it is where CAREC corridor 2 leaves the region by land.
  office(
    'GEB00200',
    'road',
    PASS,
    { en: 'Sarpi', ru: 'Сарпи', zh: '萨尔皮', ka: 'სარფი' }, // zh: transliterated
    { corridor: '2', facing: 'TR' },
  ),
  office('GEI00100', 'inland', INLAND, { en: 'Tbilisi', ru: 'Тбилиси', zh: '第比利斯', ka: 'თბილისი' }),

  // Azerbaijan
  office(
    'AZB00100',
    'road',
    PASS,
    { en: 'Red Bridge', ru: 'Красный мост', zh: '红桥', az: 'Qırmızı Körpü' },
    { corridor: '2', facing: 'GE', counterparts: ['GEB00100'] },
  ),
  office('AZI00100', 'inland', INLAND, { en: 'Baku', ru: 'Баку', zh: '巴库', az: 'Bakı' }),

  // Mongolia
  office(
    'MNB00100',
    'road-rail',
    CLEAR,
    { en: 'Zamiin-Uud', ru: 'Замын-Ууд', zh: '扎门乌德', mn: 'Замын-Үүд' },
    { corridor: '4', facing: 'CN', counterparts: ['CNB00500'] },
  ),
  office('MNI00100', 'inland', INLAND, { en: 'Ulaanbaatar', ru: 'Улан-Батор', zh: '乌兰巴托', mn: 'Улаанбаатар' }),

  // Afghanistan
  office(
    'AFB00100',
    'road',
    CLEAR,
    { en: 'Torkham', ru: 'Торхам', zh: '托尔哈姆', ps: 'تورخم' },
    { corridor: '5, 6', facing: 'PK', counterparts: ['PKB00100'] },
  ),
  office(
    'AFB00200',
    'road-rail',
    CLEAR,
    { en: 'Hairatan', ru: 'Хайратон', zh: '海拉顿', fa: 'حیرتان' },
    { corridor: '3, 6', facing: 'UZ', counterparts: ['UZB00400'] },
  ),
  office('AFI00100', 'inland', INLAND, { en: 'Kabul', ru: 'Кабул', zh: '喀布尔', ps: 'کابل', fa: 'کابل' }),

  // Pakistan
  office(
    'PKB00100',
    'road',
    CLEAR,
    { en: 'Torkham', ru: 'Торхам', zh: '托尔哈姆', ur: 'طورخم' },
    { corridor: '5, 6', facing: 'AF', counterparts: ['AFB00100'] },
  ),
  // A seaport: 'inland' here means "not at a land border". Goods for Afghanistan enter the region here.
  office('PKI00100', 'inland', ['departure', 'destination', 'exit', 'entry'], {
    en: 'Karachi Port',
    ru: 'Порт Карачи',
    zh: '卡拉奇港',
    ur: 'کراچی بندرگاہ',
  }),
]
