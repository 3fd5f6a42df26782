/**
 * Every word the debtor's page shows, in Dutch at B1 level (short sentences, everyday words, one idea a
 * sentence, "u") and in English. About 2.5 million Dutch adults read with difficulty; many who owe
 * money also feel shame and stress. So the texts say what happens and what the person can choose, and
 * never threaten, hurry or blame. Kept in one place so they can be reviewed, tested for length and
 * translated together.
 */
import { formatEuroEn } from '../affordability/plain-language.js';
import { diffDays, type IsoDate } from '../platform/dates.js';
import { formatEuroNl } from '../platform/money.js';

export const LANGUAGES = ['nl', 'en'] as const;
export type Lang = (typeof LANGUAGES)[number];

export function euro(cents: number, lang: Lang): string {
  return lang === 'nl' ? formatEuroNl(cents) : formatEuroEn(cents);
}

const DATE_FORMATS: Record<Lang, Intl.DateTimeFormat> = {
  nl: new Intl.DateTimeFormat('nl-NL', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
};
const SHORT_DATE_FORMATS: Record<Lang, Intl.DateTimeFormat> = {
  nl: new Intl.DateTimeFormat('nl-NL', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
};

/** "vrijdag 22 januari 2027": a weekday helps people place a date; ISO dates do not. */
export function longDate(date: IsoDate, lang: Lang): string {
  return DATE_FORMATS[lang].format(new Date(`${date}T12:00:00Z`));
}

/** "22 januari 2027". */
export function shortDate(date: IsoDate, lang: Lang): string {
  return SHORT_DATE_FORMATS[lang].format(new Date(`${date}T12:00:00Z`));
}

const ACCESS_WORDS = {
  nl: { accounts: 'welke rekeningen u heeft (nummer en naam)', balances: 'hoeveel geld er op uw rekening staat (het saldo)', transactions: 'uw bij- en afschrijvingen' },
  en: { accounts: 'which accounts you have (number and name)', balances: 'how much money is in your account (the balance)', transactions: 'the money coming in and going out' },
} as const;

const PURPOSE_WORDS = {
  nl: {
    affordability_assessment: 'Zo kunnen we zien wat u echt kunt betalen. We vragen nooit meer dan u kunt missen.',
    repayment_plan: 'Zo kunnen we een betaalregeling maken die past bij uw inkomen en bij de dag dat uw geld binnenkomt.',
    early_warning: 'Zo kunnen we op tijd zien of betalen moeilijk wordt, en u dan eerder helpen.',
  },
  en: {
    affordability_assessment: 'So we can see what you can really pay. We never ask for more than you can spare.',
    repayment_plan: 'So we can make a payment plan that fits your income and the day your money comes in.',
    early_warning: 'So we can see early when paying gets hard, and help you sooner.',
  },
} as const;

export function accessWords(access: { accounts: boolean; balances: boolean; transactions: boolean }, lang: Lang): string[] {
  const words = ACCESS_WORDS[lang];
  return (['accounts', 'balances', 'transactions'] as const).filter((a) => access[a]).map((a) => words[a]);
}

export function purposeWords(purpose: string, lang: Lang): string {
  const words = PURPOSE_WORDS[lang] as Record<string, string>;
  return words[purpose] ?? (lang === 'nl' ? 'Om uw betaling goed te regelen.' : 'To arrange your payment well.');
}

/** Days between an income day and a due date, said the way people say it. */
export function afterIncomeWords(incomeDate: IsoDate, dueDate: IsoDate, lang: Lang): string {
  const days = diffDays(dueDate, incomeDate);
  if (lang === 'nl') return days === 1 ? `1 dag nadat uw inkomen binnenkomt (${shortDate(incomeDate, lang)})` : `${days} dagen nadat uw inkomen binnenkomt (${shortDate(incomeDate, lang)})`;
  return days === 1 ? `1 day after your income arrives (${shortDate(incomeDate, lang)})` : `${days} days after your income arrives (${shortDate(incomeDate, lang)})`;
}

export function monthsWords(months: number, lang: Lang): string {
  if (lang === 'nl') return months === 1 ? '1 maand' : `${months} maanden`;
  return months === 1 ? '1 month' : `${months} months`;
}

export function countWords(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

const NL = {
  languageName: 'Nederlands',
  otherLanguage: 'English',
  skipToContent: 'Naar de inhoud',
  serviceName: 'Uw betaling regelen',
  footerPrivacy: 'Wij gebruiken uw gegevens alleen voor uw betaling. U kunt altijd stoppen.',
  debtHelpTitle: 'Hulp bij geldzorgen is gratis',
  debtHelpBody: 'Heeft u meer rekeningen die u niet kunt betalen? Of maakt u zich zorgen over geld? Uw gemeente helpt u gratis. Ook als u nog geen grote schulden heeft. Niemand hoeft zich te schamen.',
  debtHelpLink: 'Zoek hulp bij u in de buurt',
  debtHelpCall: (phone: string) => `Of bel gratis ${phone}.`,
  noHurry: (date: string) => `U hoeft niet nu te kiezen. U kunt kiezen tot en met ${date}.`,
  // consent
  consentTitle: (creditor: string) => `${creditor} vraagt om uw bankgegevens`,
  consentIntro: (creditor: string) => `${creditor} wil samen met u een betaling regelen die u kunt volhouden. Daarvoor vragen we of u uw bankgegevens wilt delen. U beslist zelf.`,
  whoAsks: 'Wie vraagt het?',
  whatData: 'Welke gegevens?',
  why: 'Waarom?',
  untilWhen: 'Tot wanneer?',
  untilWhenBody: (date: string) => `Tot en met ${date}. Daarna verwijderen we uw bankgegevens vanzelf.`,
  stopAnyTime: 'Kunt u stoppen?',
  stopAnyTimeBody: 'Ja, altijd. Op deze pagina staat een knop om te stoppen. Dan verwijderen we uw bankgegevens meteen.',
  noData: 'Wat als u nee zegt?',
  noDataBody: 'Dan delen we niets. U kunt dan gewoon contact met ons opnemen om samen een regeling te maken.',
  grant: 'Ja, ik deel mijn bankgegevens',
  decline: 'Nee, liever niet',
  granted: 'U heeft toestemming gegeven',
  grantedBody: (date: string, until: string) => `U gaf toestemming op ${date}. De toestemming loopt tot en met ${until}.`,
  declinedTitle: 'U heeft nee gezegd',
  declinedBody: 'We hebben geen bankgegevens van u gekregen. U kunt gewoon contact met ons opnemen om samen een regeling te maken.',
  endedTitle: 'Uw toestemming is gestopt',
  endedBody: (date: string) => `De toestemming is gestopt op ${date}.`,
  erasedConfirmed: 'Uw bankgegevens zijn verwijderd. Wij bewaren niets meer van uw rekeningen of uw bij- en afschrijvingen.',
  erasedNotYet: 'We zijn uw bankgegevens nog aan het verwijderen. Kijk over een paar minuten nog eens.',
  // bank data
  stepUpload: 'Stap 1: Stuur ons een bankafschrift',
  uploadIntro: 'Download uw bij- en afschrijvingen van de laatste 3 maanden bij uw bank. Kies daarna het bestand hieronder. Wij lezen het eerst. U ziet wat we lazen voordat we het gebruiken.',
  uploadLabel: 'Uw bestand (CAMT.053, MT940 of CSV van uw bank)',
  uploadButton: 'Bestand lezen',
  howToDownload: 'Hoe download ik mijn bij- en afschrijvingen?',
  otherBank: 'Staat uw bank er niet bij? Zoek in uw internetbankieren naar "downloaden" of "exporteren". Kies dan het bestandstype CAMT.053, MT940 of CSV.',
  buttonsMayDiffer: 'De knoppen kunnen bij uw bank iets anders heten.',
  demoTitle: 'Proberen zonder echte bank',
  demoBody: 'Dit is een demo. U kunt een voorbeeldrekening gebruiken met verzonnen gegevens.',
  demoButton: 'Gebruik een voorbeeldrekening',
  summaryTitle: 'Dit hebben we gelezen',
  summaryIntro: 'Klopt dit? Pas als u op "Ja, gebruik dit" drukt, gebruiken we deze gegevens.',
  summaryAccount: 'Rekening',
  summaryPeriod: 'Periode',
  summaryCount: 'Bij- en afschrijvingen',
  summaryIn: 'Erbij gekomen',
  summaryOut: 'Eraf gegaan',
  summaryFile: 'Bestand',
  periodWords: (from: string, to: string, months: string) => `${from} tot en met ${to} (${months})`,
  useIt: 'Ja, gebruik dit',
  throwAway: 'Nee, verwijder dit bestand',
  draftGone: 'Dit bestand is er niet meer. Misschien heeft u het al gebruikt of verwijderd, of is het ouder dan een dag. Kies het bestand nog een keer.',
  storedTitle: 'Uw bankgegevens',
  storedBody: (accounts: number, transactions: number, period: string) => `We hebben ${countWords(accounts, 'rekening', 'rekeningen')} met ${countWords(transactions, 'bij- of afschrijving', 'bij- en afschrijvingen')} van ${period}.`,
  storedNone: 'We hebben nog geen bankgegevens van u.',
  uploadAnother: 'Nog een bestand sturen',
  // connecting the bank (Berlin Group XS2A, redirect to the bank and back)
  bankTitle: 'Of: koppel uw bank',
  bankIntro: 'Dan hoeft u geen bestand te downloaden. Kies uw bank. U gaat dan naar de website van uw bank. Daar logt u in en kiest u welke rekening u deelt. Daarna komt u hier terug.',
  bankGrantTitle: 'Of: geef toestemming bij uw bank',
  bankGrantIntro: 'U kunt ook bij uw bank ja zeggen. Dan hoeft u later geen bestand te sturen. U gaat naar de website van uw bank. Daar logt u in en kiest u welke rekening u deelt.',
  bankLabel: 'Uw bank',
  bankButton: 'Naar mijn bank',
  bankDoneTitle: 'Uw bank is gekoppeld',
  bankDoneBody: (accounts: number, transactions: number) => `We lazen ${countWords(accounts, 'rekening', 'rekeningen')} met ${countWords(transactions, 'nieuwe bij- of afschrijving', 'nieuwe bij- en afschrijvingen')}.`,
  bankDoneLater: 'Uw bank is gekoppeld. We lezen uw bankgegevens zo snel mogelijk.',
  bankDeniedTitle: 'U heeft bij uw bank nee gezegd',
  bankDeniedBody: 'We hebben niets van uw bank gekregen. U kunt het nog een keer proberen. Of stuur ons een bestand.',
  bankUnavailableTitle: 'Uw bank reageert nu niet',
  bankUnavailableBody: 'We konden uw bank nu niet bereiken. Er is niets veranderd. Probeer het later nog een keer. Of stuur ons een bestand.',
  bankNotFinished: 'U bent nog niet klaar bij uw bank. Probeer het nog een keer.',
  bankReadProblem: 'Uw bank is gekoppeld. Maar het lezen lukte nu niet. We proberen het later vanzelf nog een keer. U kunt ook een bestand sturen.',
  bankContinue: 'Verder',
  stepPlan: 'Stap 2: Kies hoe u betaalt',
  planIntro: 'Met uw bankgegevens rekenen we uit wat u kunt betalen, en wanneer. Daarna kiest u zelf.',
  planButton: 'Bekijk wat ik kan betalen',
  nothingOpen: 'Er staat bij ons niets open dat u nog moet betalen.',
  stopTitle: 'Stoppen met delen',
  stopBody: 'Wilt u uw bankgegevens niet meer delen? Druk dan op de knop. We verwijderen uw bankgegevens meteen.',
  stopButton: 'Stop en verwijder mijn bankgegevens',
  // plans
  planTitle: (creditor: string) => `Betalen aan ${creditor}`,
  planOwed: (amount: string) => `U moet in totaal ${amount} betalen.`,
  planChooseIntro: 'Kies de manier die het best bij u past. Elk bedrag is zo gekozen dat u genoeg overhoudt om van te leven.',
  planOptionPayNow: 'Alles in één keer',
  planOptionMonths: (months: number) => `In ${months} maanden`,
  planPerMonth: (amount: string) => `${amount} per maand`,
  planOnce: (amount: string, date: string) => `${amount}, uiterlijk ${date}`,
  planFirstDue: (date: string) => `Eerste betaling: ${date}`,
  planTiming: 'Elke betaling valt kort na de dag dat uw inkomen binnenkomt.',
  planTotal: (amount: string) => `Totaal: ${amount}`,
  planTotalIfKept: (amount: string) => `U betaalt dan in totaal ${amount}.`,
  rewardCostsNow: (amount: string) => `U hoeft ${amount} aan incassokosten niet te betalen.`,
  rewardCostsAtEnd: (amount: string) => `Betaalt u alles op tijd? Dan hoeft u ${amount} aan incassokosten niet te betalen.`,
  rewardLastDiscount: (amount: string) => `Betaalt u alles op tijd? Dan wordt uw laatste betaling ${amount} lager.`,
  planChoose: 'Kies deze regeling',
  planSchedule: 'Wanneer betaalt u?',
  planScheduleCaption: 'Betaaldata en bedragen',
  colNumber: 'Betaling',
  colDate: 'Datum',
  colAmount: 'Bedrag',
  colAmountIfKept: 'Als u alles op tijd betaalt',
  noPlanTitle: 'We kunnen nu geen regeling voorstellen die u kunt volhouden',
  noPlanBody: 'Uit uw bankgegevens blijkt dat er na uw vaste lasten te weinig overblijft. Dat is niet uw schuld. We willen u niet iets laten beloven wat u niet kunt volhouden.',
  offerExpired: 'Deze voorstellen gelden niet meer. Neem contact met ons op, dan maken we een nieuw voorstel.',
  chosenTitle: 'Uw betaalregeling staat vast',
  chosenBody: (count: number, first: string) => `U betaalt in ${countWords(count, 'keer', 'keer')}. De eerste betaling is op ${first}.`,
  howToPay: 'Zo betaalt u',
  howToPayBody: 'Scan de QR-code met de app van uw bank. Of maak het bedrag over met de gegevens onder de code. Vermeld altijd het betalingskenmerk, dan weten we dat het van u is.',
  payInstalment: (n: number, date: string) => `Betaling ${n}: ${date}`,
  laterCodes: (n: number) => `Betaalcodes voor de ${n === 1 ? 'volgende betaling' : `volgende ${n} betalingen`}`,
  alreadyPaid: 'Betaald. Dank u wel.',
  nothingDueIfKept: 'Bij € 0,00: betaalt u alle eerdere betalingen op tijd? Dan hoeft u deze betaling niet te doen.',
  missedHelp: 'Lukt een betaling een keer niet? Neem dan contact met ons op vóór de datum. Samen zoeken we een oplossing.',
  planStatus: 'Stand van zaken',
  // errors
  badLinkTitle: 'Deze link werkt niet',
  badLinkBody: 'De link is verlopen of niet helemaal goed overgenomen. Er is niets met uw gegevens gebeurd. Vraag om een nieuwe link bij de organisatie die u deze link stuurde.',
  formExpiredTitle: 'Dit ging niet goed',
  formExpiredBody: 'Uw browser stuurde het formulier niet goed terug. Misschien staan cookies uit. Er is niets veranderd. Ga terug en probeer het nog een keer.',
  cannotTitle: 'Dit lukte niet',
  tryAgain: 'Terug',
  fileProblem: 'We konden dit bestand niet lezen. Kies het bestand dat u bij uw bank downloadde (CAMT.053, MT940 of CSV). Een PDF of een foto kunnen we niet lezen.',
  fileMissing: 'Kies eerst een bestand.',
  fileTooLarge: 'Dit bestand is te groot. Kies een kortere periode, bijvoorbeeld de laatste 3 maanden.',
  tooManyUploads: 'U heeft vandaag al vaak een bestand gestuurd. Probeer het morgen nog een keer.',
  consentNeeded: 'Daarvoor is uw toestemming nodig. Die is er nu niet (meer).',
  somethingWrong: 'Er ging bij ons iets mis. Er is niets veranderd. Probeer het later nog een keer.',
  notPossibleNow: 'Dit kan nu niet meer. Misschien heeft u al gekozen. Ga terug en kijk wat er nu staat.',
};

export type Texts = typeof NL;

/** English has exactly the Dutch keys: the type makes a missing translation a compile error. */
const EN: Texts = {
  languageName: 'English',
  otherLanguage: 'Nederlands',
  skipToContent: 'Skip to content',
  serviceName: 'Arranging your payment',
  footerPrivacy: 'We use your data only for your payment. You can stop at any time.',
  debtHelpTitle: 'Help with money worries is free',
  debtHelpBody: 'Do you have more bills you cannot pay? Or are you worried about money? Your municipality helps you for free. Even if your debts are not large yet. Nobody needs to feel ashamed.',
  debtHelpLink: 'Find help near you',
  debtHelpCall: (phone: string) => `Or call ${phone} for free.`,
  noHurry: (date: string) => `You do not have to choose now. You can choose until ${date}.`,
  consentTitle: (creditor: string) => `${creditor} asks for your bank data`,
  consentIntro: (creditor: string) => `${creditor} wants to arrange a payment with you that you can keep up. For that we ask whether you want to share your bank data. You decide.`,
  whoAsks: 'Who is asking?',
  whatData: 'Which data?',
  why: 'Why?',
  untilWhen: 'Until when?',
  untilWhenBody: (date: string) => `Up to and including ${date}. After that we delete your bank data by ourselves.`,
  stopAnyTime: 'Can you stop?',
  stopAnyTimeBody: 'Yes, at any time. This page has a button to stop. We then delete your bank data at once.',
  noData: 'What if you say no?',
  noDataBody: 'Then we share nothing. You can simply contact us to arrange a plan together.',
  grant: 'Yes, I share my bank data',
  decline: 'No, rather not',
  granted: 'You gave your permission',
  grantedBody: (date: string, until: string) => `You gave permission on ${date}. It runs until ${until}.`,
  declinedTitle: 'You said no',
  declinedBody: 'We received no bank data from you. You can simply contact us to arrange a plan together.',
  endedTitle: 'Your permission has stopped',
  endedBody: (date: string) => `The permission stopped on ${date}.`,
  erasedConfirmed: 'Your bank data has been deleted. We keep nothing of your accounts or the money coming in and going out.',
  erasedNotYet: 'We are still deleting your bank data. Please look again in a few minutes.',
  stepUpload: 'Step 1: Send us a bank statement',
  uploadIntro: 'Download the money coming in and going out of the last 3 months from your bank. Then choose the file below. We read it first. You see what we read before we use it.',
  uploadLabel: 'Your file (CAMT.053, MT940 or CSV from your bank)',
  uploadButton: 'Read the file',
  howToDownload: 'How do I download my transactions?',
  otherBank: 'Your bank is not listed? Look in your online banking for "download" or "export". Then choose the file type CAMT.053, MT940 or CSV.',
  buttonsMayDiffer: 'The buttons may have slightly different names at your bank.',
  demoTitle: 'Try it without a real bank',
  demoBody: 'This is a demo. You can use an example account with made-up data.',
  demoButton: 'Use an example account',
  summaryTitle: 'This is what we read',
  summaryIntro: 'Is this right? Only when you press "Yes, use this" do we use this data.',
  summaryAccount: 'Account',
  summaryPeriod: 'Period',
  summaryCount: 'Payments in and out',
  summaryIn: 'Came in',
  summaryOut: 'Went out',
  summaryFile: 'File',
  periodWords: (from: string, to: string, months: string) => `${from} up to and including ${to} (${months})`,
  useIt: 'Yes, use this',
  throwAway: 'No, delete this file',
  draftGone: 'This file is no longer here. Perhaps you already used or deleted it, or it is older than a day. Please choose the file again.',
  storedTitle: 'Your bank data',
  storedBody: (accounts: number, transactions: number, period: string) => `We have ${countWords(accounts, 'account', 'accounts')} with ${countWords(transactions, 'payment in or out', 'payments in and out')} from ${period}.`,
  storedNone: 'We do not have any bank data from you yet.',
  uploadAnother: 'Send another file',
  bankTitle: 'Or: connect your bank',
  bankIntro: 'Then you do not have to download a file. Choose your bank. You then go to your bank’s website. There you log in and choose which account you share. After that you come back here.',
  bankGrantTitle: 'Or: give permission at your bank',
  bankGrantIntro: 'You can also say yes at your bank. Then you do not have to send a file later. You go to your bank’s website. There you log in and choose which account you share.',
  bankLabel: 'Your bank',
  bankButton: 'Go to my bank',
  bankDoneTitle: 'Your bank is connected',
  bankDoneBody: (accounts: number, transactions: number) => `We read ${countWords(accounts, 'account', 'accounts')} with ${countWords(transactions, 'new payment', 'new payments')}.`,
  bankDoneLater: 'Your bank is connected. We read your bank data as soon as we can.',
  bankDeniedTitle: 'You said no at your bank',
  bankDeniedBody: 'We received nothing from your bank. You can try again. Or send us a file.',
  bankUnavailableTitle: 'Your bank is not answering now',
  bankUnavailableBody: 'We could not reach your bank now. Nothing has changed. Please try again later. Or send us a file.',
  bankNotFinished: 'You have not finished at your bank yet. Please try again.',
  bankReadProblem: 'Your bank is connected. But reading did not work just now. We will try again later by ourselves. You can also send a file.',
  bankContinue: 'Continue',
  stepPlan: 'Step 2: Choose how you pay',
  planIntro: 'With your bank data we work out what you can pay, and when. Then you choose.',
  planButton: 'See what I can pay',
  nothingOpen: 'Nothing is open with us that you still have to pay.',
  stopTitle: 'Stop sharing',
  stopBody: 'Do you no longer want to share your bank data? Press the button. We delete your bank data at once.',
  stopButton: 'Stop and delete my bank data',
  planTitle: (creditor: string) => `Paying ${creditor}`,
  planOwed: (amount: string) => `In total you owe ${amount}.`,
  planChooseIntro: 'Choose the way that suits you best. Every amount is chosen so that you keep enough to live on.',
  planOptionPayNow: 'All at once',
  planOptionMonths: (months: number) => `In ${months} months`,
  planPerMonth: (amount: string) => `${amount} a month`,
  planOnce: (amount: string, date: string) => `${amount}, by ${date}`,
  planFirstDue: (date: string) => `First payment: ${date}`,
  planTiming: 'Every payment falls shortly after the day your income comes in.',
  planTotal: (amount: string) => `Total: ${amount}`,
  planTotalIfKept: (amount: string) => `You then pay ${amount} in total.`,
  rewardCostsNow: (amount: string) => `You do not have to pay ${amount} of collection costs.`,
  rewardCostsAtEnd: (amount: string) => `Do you pay everything on time? Then you do not have to pay ${amount} of collection costs.`,
  rewardLastDiscount: (amount: string) => `Do you pay everything on time? Then your last payment is ${amount} lower.`,
  planChoose: 'Choose this plan',
  planSchedule: 'When do you pay?',
  planScheduleCaption: 'Payment dates and amounts',
  colNumber: 'Payment',
  colDate: 'Date',
  colAmount: 'Amount',
  colAmountIfKept: 'If you pay everything on time',
  noPlanTitle: 'We cannot suggest a plan now that you can keep up',
  noPlanBody: 'Your bank data shows that too little is left after your fixed costs. That is not your fault. We do not want you to promise something you cannot keep up.',
  offerExpired: 'These proposals no longer apply. Please contact us and we will make a new proposal.',
  chosenTitle: 'Your payment plan is set',
  chosenBody: (count: number, first: string) => `You pay in ${countWords(count, 'payment', 'payments')}. The first payment is on ${first}.`,
  howToPay: 'How to pay',
  howToPayBody: 'Scan the QR code with your bank’s app. Or transfer the amount with the details under the code. Always include the payment reference, so we know it is from you.',
  payInstalment: (n: number, date: string) => `Payment ${n}: ${date}`,
  laterCodes: (n: number) => `Payment codes for the ${n === 1 ? 'next payment' : `next ${n} payments`}`,
  alreadyPaid: 'Paid. Thank you.',
  nothingDueIfKept: 'At € 0.00: do you pay all earlier payments on time? Then you do not have to make that payment.',
  missedHelp: 'Can you not make a payment once? Contact us before the date. We will find a solution together.',
  planStatus: 'Where things stand',
  badLinkTitle: 'This link does not work',
  badLinkBody: 'The link has expired or was not copied completely. Nothing has happened to your data. Ask the organisation that sent you this link for a new one.',
  formExpiredTitle: 'That did not go well',
  formExpiredBody: 'Your browser did not send the form back properly. Perhaps cookies are switched off. Nothing has changed. Go back and try again.',
  cannotTitle: 'That did not work',
  tryAgain: 'Back',
  fileProblem: 'We could not read this file. Choose the file you downloaded from your bank (CAMT.053, MT940 or CSV). We cannot read a PDF or a photo.',
  fileMissing: 'Please choose a file first.',
  fileTooLarge: 'This file is too large. Choose a shorter period, for example the last 3 months.',
  tooManyUploads: 'You have sent a file many times today. Please try again tomorrow.',
  consentNeeded: 'This needs your permission, which is not (or no longer) there.',
  somethingWrong: 'Something went wrong on our side. Nothing has changed. Please try again later.',
  notPossibleNow: 'This is no longer possible. Perhaps you already chose. Go back and see where things stand.',
};

/** The fixed texts, per language. */
export const TEXT: Record<Lang, Texts> = { nl: NL, en: EN };
