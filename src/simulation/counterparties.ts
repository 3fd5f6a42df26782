/**
 * Who the synthetic households pay and are paid by: real Dutch organisation names, so that
 * categorisation rules meet the names they will meet in real statements, with synthetic IBANs and
 * SEPA creditor identifiers. An organisation's IBAN and creditor id are derived from its name alone,
 * so Albert Heijn has the same account in every household and every simulation, as in reality.
 * (The IBANs are valid but invented; they are not these organisations' real accounts.)
 */
import { deriveSeed, SeededRandom } from './seeded-random.js';
import { DUTCH_BANKS, dutchCreditorId, randomDutchIban } from './dutch-identifiers.js';

export interface Counterparty {
  name: string;
  iban: string;
  /** SEPA creditor identifier, for organisations that collect by direct debit. */
  creditorId: string;
}

const cache = new Map<string, Counterparty>();

/** The counterparty of that name, with its stable synthetic IBAN and creditor id. */
export function counterpartyNamed(name: string): Counterparty {
  let found = cache.get(name);
  if (found) return found;
  const random = new SeededRandom(deriveSeed(0x5eed, 'counterparty', name));
  const bank = random.pickWeighted(DUTCH_BANKS);
  const iban = randomDutchIban(random, bank.code);
  const kvk = String(random.int(10_000_000, 99_999_999));
  found = { name, iban, creditorId: dutchCreditorId(kvk) };
  cache.set(name, found);
  return found;
}

/** Cities weighted roughly by population, each with the drinking-water company that serves it. */
export const CITIES: readonly (readonly [{ name: string; water: string }, number])[] = [
  [{ name: 'Amsterdam', water: 'Waternet' }, 93],
  [{ name: 'Rotterdam', water: 'Evides Waterbedrijf' }, 66],
  [{ name: 'Den Haag', water: 'Dunea' }, 56],
  [{ name: 'Utrecht', water: 'Vitens' }, 37],
  [{ name: 'Eindhoven', water: 'Brabant Water' }, 24],
  [{ name: 'Groningen', water: 'Waterbedrijf Groningen' }, 24],
  [{ name: 'Tilburg', water: 'Brabant Water' }, 23],
  [{ name: 'Almere', water: 'Vitens' }, 22],
  [{ name: 'Breda', water: 'Brabant Water' }, 19],
  [{ name: 'Nijmegen', water: 'Vitens' }, 18],
  [{ name: 'Apeldoorn', water: 'Vitens' }, 17],
  [{ name: 'Haarlem', water: 'PWN' }, 16],
  [{ name: 'Enschede', water: 'Vitens' }, 16],
  [{ name: 'Arnhem', water: 'Vitens' }, 16],
  [{ name: 'Amersfoort', water: 'Vitens' }, 16],
  [{ name: 'Zaanstad', water: 'PWN' }, 16],
  [{ name: "'s-Hertogenbosch", water: 'Brabant Water' }, 16],
  [{ name: 'Zwolle', water: 'Vitens' }, 13],
  [{ name: 'Leiden', water: 'Dunea' }, 13],
  [{ name: 'Maastricht', water: 'WML' }, 12],
  [{ name: 'Dordrecht', water: 'Evides Waterbedrijf' }, 12],
  [{ name: 'Zoetermeer', water: 'Dunea' }, 13],
  [{ name: 'Emmen', water: 'WMD Drinkwater' }, 11],
  [{ name: 'Ede', water: 'Vitens' }, 12],
  [{ name: 'Venlo', water: 'WML' }, 10],
  [{ name: 'Deventer', water: 'Vitens' }, 10],
  [{ name: 'Leeuwarden', water: 'Vitens' }, 12],
  [{ name: 'Delft', water: 'Evides Waterbedrijf' }, 10],
  [{ name: 'Alkmaar', water: 'PWN' }, 11],
  [{ name: 'Heerlen', water: 'WML' }, 9],
];

export const SURNAMES = [
  'de Jong', 'Jansen', 'de Vries', 'van den Berg', 'van Dijk', 'Bakker', 'Janssen', 'Visser', 'Smit', 'Meijer',
  'de Boer', 'Mulder', 'de Groot', 'Bos', 'Vos', 'Peters', 'Hendriks', 'van Leeuwen', 'Dekker', 'Brouwer',
  'de Wit', 'Dijkstra', 'Smits', 'de Graaf', 'van der Meer', 'van der Linden', 'Kok', 'Jacobs', 'de Haan', 'Vermeulen',
  'van den Heuvel', 'van der Veen', 'van den Broek', 'de Bruijn', 'de Bruin', 'van der Heijden', 'Schouten', 'van Beek', 'Willems', 'van Vliet',
  'Yilmaz', 'Kaya', 'El Amrani', 'Bouzid', 'Sardjoe', 'Pinas', 'Nguyen', 'Kowalski', 'Öztürk', 'Haddou',
] as const;

export const INITIALS = 'AJMPHCEWLRSTDKGNBIFY';

export const EMPLOYERS = {
  monthly: [
    'Rijksoverheid', 'Gemeente Rotterdam', 'UMC Utrecht', 'Philips Nederland B.V.', 'ASML Netherlands B.V.', 'PostNL Holding B.V.',
    'KLM Royal Dutch Airlines', 'Heijmans N.V.', 'Koninklijke BAM Groep', 'Achmea B.V.', 'Politie Nederland', 'Ministerie van Defensie',
    'Stichting Zorggroep Noord', 'Tata Steel Nederland', 'Heineken Nederland B.V.', 'Coolblue B.V.', 'Rabobank', 'Stichting Openbaar Onderwijs',
    'Gemeente Utrecht', 'Stichting Humanitas', 'Vanderlande Industries', 'Capgemini Nederland', 'Sodexo Nederland', 'Schiphol Group',
  ],
  fourWeekly: [
    'Randstad Groep Nederland', 'Tempo-Team', 'Start People', 'Olympia Uitzendbureau', 'Albert Heijn B.V.', 'Jumbo Supermarkten B.V.',
    'Hema B.V.', 'Action Nederland B.V.', 'McDonald\'s Nederland', 'Van der Valk Hotel', 'Lidl Nederland GmbH', 'Kruidvat B.V.',
  ],
} as const;

export const PENSION_FUNDS: readonly (readonly [{ name: string; dayOfMonth: number }, number])[] = [
  [{ name: 'Stichting Pensioenfonds ABP', dayOfMonth: 23 }, 30],
  [{ name: 'Pensioenfonds Zorg en Welzijn', dayOfMonth: 24 }, 18],
  [{ name: 'Pensioenfonds Metaal en Techniek', dayOfMonth: 22 }, 10],
  [{ name: 'Pensioenfonds van de Metalektro', dayOfMonth: 21 }, 6],
  [{ name: 'bpfBOUW', dayOfMonth: 20 }, 8],
  [{ name: 'Nationale-Nederlanden Pensioen', dayOfMonth: 25 }, 12],
  [{ name: 'Aegon Pensioen', dayOfMonth: 26 }, 8],
  [{ name: 'Pensioenfonds Detailhandel', dayOfMonth: 24 }, 8],
];

export const HOUSING_CORPORATIONS = [
  'Ymere', 'Eigen Haard', 'Stadgenoot', 'Rochdale', 'De Alliantie', 'Woonstad Rotterdam', 'Havensteder', 'Vestia', 'Portaal', 'Mitros',
  'Woonbron', 'Trudo', 'Wonen Limburg', 'Woonzorg Nederland', 'Lefier', 'Woonbedrijf',
] as const;
export const PRIVATE_LANDLORDS = ['Vesteda', 'Heimstaden', 'MVGM Vastgoedmanagement', 'Rebo Vastgoedbeheer', 'Altera Vastgoed'] as const;
export const MORTGAGE_LENDERS: readonly (readonly [string, number])[] = [
  ['ING Hypotheken', 20], ['Rabobank Hypotheken', 22], ['ABN AMRO Hypotheken', 17], ['Obvion', 6], ['Florius', 5],
  ['Nationale-Nederlanden Hypotheken', 10], ['Aegon Hypotheken', 7], ['MUNT Hypotheken', 4],
];

/** Health insurers by market share (Vektis 2024), each collecting on its own day of the month (assumed). */
export const HEALTH_INSURERS: readonly (readonly [{ name: string; dayOfMonth: number }, number])[] = [
  [{ name: 'Zilveren Kruis', dayOfMonth: 27 }, 29],
  [{ name: 'CZ', dayOfMonth: 1 }, 22],
  [{ name: 'VGZ', dayOfMonth: 25 }, 22],
  [{ name: 'Menzis', dayOfMonth: 28 }, 13],
  [{ name: 'DSW Zorgverzekeraar', dayOfMonth: 26 }, 7],
  [{ name: 'ONVZ', dayOfMonth: 2 }, 4],
];

export const OTHER_INSURERS = ['Centraal Beheer', 'Interpolis', 'FBTO', 'Univé', 'OHRA', 'ANWB Verzekeren', 'Allianz Direct'] as const;

export const HOME_INTERNET: readonly (readonly [{ name: string; median: number }, number])[] = [
  [{ name: 'KPN B.V.', median: 6_200 }, 35],
  [{ name: 'Ziggo B.V.', median: 6_500 }, 40],
  [{ name: 'Odido Netherlands B.V.', median: 5_500 }, 15],
  [{ name: 'Delta Fiber Nederland', median: 5_800 }, 10],
];
export const MOBILE_PROVIDERS: readonly (readonly [{ name: string; median: number }, number])[] = [
  [{ name: 'Odido Netherlands B.V.', median: 2_200 }, 30],
  [{ name: 'KPN B.V.', median: 2_500 }, 30],
  [{ name: 'VodafoneZiggo', median: 2_400 }, 25],
  [{ name: 'Lebara', median: 1_200 }, 8],
  [{ name: 'Simyo', median: 1_100 }, 7],
];

export const SUBSCRIPTIONS: readonly { name: string; cents: number; byCard: boolean }[] = [
  { name: 'Netflix International B.V.', cents: 1_399, byCard: true },
  { name: 'Spotify AB', cents: 1_199, byCard: true },
  { name: 'Disney Plus', cents: 999, byCard: true },
  { name: 'Videoland', cents: 999, byCard: false },
  { name: 'Amazon Prime', cents: 499, byCard: true },
  { name: 'Basic-Fit Nederland B.V.', cents: 2_999, byCard: false },
  { name: 'NPO Start Plus', cents: 295, byCard: true },
  { name: 'Storytel', cents: 1_499, byCard: true },
];

export const SUPERMARKETS: readonly (readonly [string, number])[] = [
  ['Albert Heijn', 37], ['Jumbo', 21], ['Lidl', 11], ['Aldi', 6], ['Plus', 7], ['Dirk van den Broek', 4], ['Vomar', 3], ['Hoogvliet', 3], ['Spar', 2],
];
export const FUEL_STATIONS = ['Shell', 'BP', 'Esso', 'TotalEnergies', 'Tango', 'Tinq'] as const;
export const PUBLIC_TRANSPORT = ['NS Groep IZ NS Reizigers', 'GVB', 'RET', 'HTM', 'Arriva', 'Qbuzz'] as const;
/** Shops and leisure by the size of what one spends there: a EUR 400 card payment is not made at Kruidvat. */
export const SHOPS_BY_SPEND = {
  small: ['HEMA', 'Action', 'Kruidvat', 'Etos', 'Thuisbezorgd.nl', 'Primark', 'Pathé', 'Café de Zwaan', 'Bol.com'],
  medium: ['Bol.com', 'Zalando', 'Wehkamp', 'Gamma', 'Praxis', 'Blokker', 'Restaurant De Haven', 'De Bijenkorf', 'IKEA'],
  large: ['Coolblue', 'MediaMarkt', 'IKEA', 'Bol.com', 'De Bijenkorf'],
} as const;
export const TRAVEL_AGENCIES = ['TUI Nederland', 'Corendon', 'Sunweb', 'Booking.com', 'Transavia', 'Landal GreenParks', 'Center Parcs'] as const;
export const UNEXPECTED_EXPENSE_PAYEES = [
  'Autobedrijf Van Dam', 'Tandartspraktijk Centrum', 'Coolblue', 'Loodgietersbedrijf De Kraan', 'MediaMarkt', 'Fietsenmaker Jansen', 'Dierenkliniek De Poot',
] as const;
export const BNPL_PROVIDERS = ['Klarna Bank AB', 'Riverty', 'in3'] as const;
export const CONSUMER_LENDERS = ['Santander Consumer Finance', 'DEFAM', 'Freo', 'Interbank', 'Findio'] as const;
export const PAYDAY_LENDERS = ['Ferratum Bank', 'Saldo Bank'] as const;
export const LOTTERIES = ['Nationale Postcode Loterij', 'Staatsloterij', 'VriendenLoterij'] as const;
export const GAMBLING_VENUES = ['Holland Casino', 'TOTO', 'Jacks.nl', 'Unibet', 'BetCity', 'bet365'] as const;
export const COLLECTION_AGENCIES = ['Intrum', 'GGN', 'Vesting Finance', 'Lavg'] as const;

export const UWV = 'UWV';
export const SVB = 'Sociale Verzekeringsbank';
export const BELASTINGDIENST_TOESLAGEN = 'Belastingdienst Toeslagen';
export const GELDMAAT = 'Geldmaat';

/** The bank's own name as it appears on fee and interest entries, and the name of its account package. */
export const BANK_FEES: Record<string, { name: string; packageName: string; cents: number }> = {
  INGB: { name: 'ING Bank N.V.', packageName: 'Kosten OranjePakket', cents: 345 },
  RABO: { name: 'Rabobank', packageName: 'Kosten Rabo DirectPakket', cents: 395 },
  ABNA: { name: 'ABN AMRO Bank N.V.', packageName: 'Kosten BasisPakket', cents: 375 },
  SNSB: { name: 'SNS', packageName: 'Kosten SNS Betalen', cents: 300 },
  ASNB: { name: 'ASN Bank', packageName: 'Kosten ASN Betalen', cents: 300 },
  RBRB: { name: 'RegioBank', packageName: 'Kosten RegioBank Betalen', cents: 300 },
  BUNQ: { name: 'bunq B.V.', packageName: 'bunq Core abonnement', cents: 399 },
  KNAB: { name: 'Knab', packageName: 'Kosten Knab Basis', cents: 350 },
  TRIO: { name: 'Triodos Bank', packageName: 'Kosten Triodos Betalen', cents: 450 },
};

export const DUTCH_MONTHS = [
  'januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december',
] as const;
