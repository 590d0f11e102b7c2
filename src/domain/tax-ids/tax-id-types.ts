/**
 * The tax id types Clientele accepts (T-2) and the format rules behind `tax_id_invalid`.
 *
 * Pure: no I/O. A value is trimmed, upper-cased and stripped of spaces, dots and dashes, then
 * matched against its type's format and, where the issuing authority publishes one, its check
 * digit algorithm. Values whose canonical form carries separators (us_ein, ch_vat, br_cnpj,
 * br_cpf) are re-formatted into that form. Nothing here proves a number is *assigned*: that
 * needs the authority's registry (VIES, HMRC, …), and Clientele reports `unverified`.
 *
 * Sources: each algorithm is the one its authority publishes (named next to it). Every one
 * was cross-checked against the independent implementations in python-stdnum and jsvat and
 * against published example numbers (VIES test numbers, the authorities' own examples); the
 * unit tests (test/unit/tax-ids.test.ts) pin those examples. Where part of a number space
 * has no published algorithm (Czech birth numbers from before 1954, Latvian personal codes,
 * French alphabetic keys) that part is checked for format only, never guessed. Where sources
 * disagree, the rule is the more lenient one (both Spanish CIF control forms; no HMRC number
 * range restrictions beyond the checksum), so that a real number is never rejected.
 */
import { parameterInvalid, taxIdInvalid } from '../errors.js';

export interface TaxIdType {
  /** ISO 3166-1 alpha-2; null when the value's own prefix decides it (eu_vat). */
  country: string | null;
  /** What the number is, as a noun phrase: "Australian Business Number (ABN)". */
  description: string;
  /** The canonical form as a placeholder: 'DE123456789' (its digits are not a valid number). */
  format: string;
  /** A real number that passes every check, in its normalised form, for error messages: 'DE136695976'. */
  example: string;
  /** The check digit algorithm applied, or null when only the format is checked. */
  checksum: string | null;
}

export interface EuVatCountry {
  country: string;
  description: string;
  format: string;
  example: string;
  checksum: string | null;
}

export interface ValidTaxId {
  /** The normalised value, as stored and shown. */
  value: string;
  /** ISO 3166-1 alpha-2 country the number belongs to. */
  country: string;
}

/** No tax id in any supported format is longer; anything longer is rejected before any parsing. */
const MAX_INPUT_LENGTH = 64;

/**
 * What a validator found: the normalised value; null when the value is not in the type's
 * format; BAD_CHECK when it is in the format but its check digit (or check letter) is wrong,
 * so the error can say which rule failed.
 */
const BAD_CHECK: unique symbol = Symbol('bad check digit');
type Checked = string | null | typeof BAD_CHECK;

// ---------------------------------------------------------------------------------------------
// Check digit building blocks
// ---------------------------------------------------------------------------------------------

function digitAt(s: string, i: number): number {
  return s.charCodeAt(i) - 48;
}

/** Σ digit × weight, pairing from the left; the shorter of the two decides the length. */
function weightedSum(digits: string, weights: readonly number[]): number {
  let sum = 0;
  const n = Math.min(digits.length, weights.length);
  for (let i = 0; i < n; i++) sum += digitAt(digits, i) * (weights[i] ?? 0);
  return sum;
}

/** Luhn (ISO/IEC 7812-1) sum mod 10 over a digit string; 0 means the string is Luhn-valid. */
function luhnRemainder(digits: string): number {
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    let d = digitAt(digits, i);
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10;
}

/** The digit that makes `digits + check` Luhn-valid. */
function luhnCheckDigit(digits: string): number {
  return (10 - luhnRemainder(`${digits}0`)) % 10;
}

/** ISO 7064 MOD 11,10 (hybrid system): the check digit for `digits`. */
function iso7064Mod11_10(digits: string): number {
  let product = 10;
  for (let i = 0; i < digits.length; i++) {
    let sum = (digitAt(digits, i) + product) % 10;
    if (sum === 0) sum = 10;
    product = (2 * sum) % 11;
  }
  return (11 - product) % 10;
}

/** ISO 7064 MOD 97-10 remainder of an alphanumeric string (A=10 … Z=35), as IBAN does it. */
function mod97(s: string): number {
  let remainder = 0;
  for (const ch of s) {
    const value = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder;
}

function allSameDigit(digits: string): boolean {
  return /^(\d)\1*$/.test(digits);
}

// ---------------------------------------------------------------------------------------------
// EU VAT numbers (VIES formats), one validator per member state prefix.
// Each receives the part after the prefix and returns it normalised, or null when invalid.
// ---------------------------------------------------------------------------------------------

type NationalValidator = (n: string) => Checked;

interface EuVatRule extends EuVatCountry {
  validate: NationalValidator;
}

/** The birth date an EGN starts with: YYMMDD, with 20 added to the month for 1800s and 40 for 2000s. */
function bulgarianBirthDateValid(n: string): boolean {
  const yy = Number(n.slice(0, 2));
  let month = Number(n.slice(2, 4));
  let year = 1900 + yy;
  if (month > 40) [month, year] = [month - 40, 2000 + yy];
  else if (month > 20) [month, year] = [month - 20, 1800 + yy];
  return isCalendarDate(year, month, Number(n.slice(4, 6)));
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/** Spain: NIF of residents (DNI), foreigners (NIE), special NIFs (K/L/M) and entities (CIF). */
function spanishNif(n: string): Checked {
  if (!/^[0-9A-Z]\d{7}[0-9A-Z]$/.test(n)) return null;
  const first = n[0] as string;
  const last = n[8];
  if (/\d/.test(first)) return DNI_LETTERS[Number(n.slice(0, 8)) % 23] === last ? n : BAD_CHECK;
  if ('XYZ'.includes(first)) {
    const digits = String('XYZ'.indexOf(first)) + n.slice(1, 8);
    return DNI_LETTERS[Number(digits) % 23] === last ? n : BAD_CHECK;
  }
  if ('KLM'.includes(first)) return DNI_LETTERS[Number(n.slice(1, 8)) % 23] === last ? n : BAD_CHECK;
  if ('ABCDEFGHJNPQRSUVW'.includes(first)) {
    // CIF: Luhn over the 7 digits; the control is that digit or the letter 'JABCDEFGHI'[digit]
    // (the AEAT assigns one or the other by entity type; sources disagree on which, so both).
    const check = luhnCheckDigit(n.slice(1, 8));
    return last === String(check) || last === 'JABCDEFGHI'[check] ? n : BAD_CHECK;
  }
  return null;
}

/** Ireland: 7 digits + check letter (+ optional second letter), or the pre-2013 form 9X99999X. */
function irishVat(n: string): Checked {
  const alphabet = 'WABCDEFGHIJKLMNOPQRSTUV';
  const check = (seven: string, extra: string, expected: string | undefined) => {
    const sum = weightedSum(seven, [8, 7, 6, 5, 4, 3, 2]) + 9 * (extra ? alphabet.indexOf(extra) : 0);
    return alphabet[sum % 23] === expected;
  };
  let m = /^(\d{7})([A-W])([A-W]?)$/.exec(n);
  if (m) return check(m[1] as string, m[3] as string, m[2]) ? n : BAD_CHECK;
  m = /^(\d)([A-Z+*])(\d{5})([A-W])$/.exec(n);
  if (m) return check(`0${m[3] as string}${m[1] as string}`, '', m[4]) ? n : BAD_CHECK;
  return null;
}

/** Netherlands: RSIN/BSN 11-test (mod 11), or the 2020 sole-trader number (mod 97 over "NL…"). */
function dutchBtw(n: string): Checked {
  if (!/^\d{9}B\d{2}$/.test(n) || n.endsWith('B00')) return null;
  const elevenTest = (weightedSum(n, [9, 8, 7, 6, 5, 4, 3, 2]) - digitAt(n, 8)) % 11 === 0;
  return elevenTest || mod97(`NL${n}`) === 1 ? n : BAD_CHECK;
}

/** United Kingdom (also XI): HMRC's weighted mod 97, in its original and "minus 55" forms. */
function ukVat(n: string): Checked {
  if (/^GD[0-4]\d{2}$/.test(n) || /^HA[5-9]\d{2}$/.test(n)) return n; // government departments, health authorities
  if (!/^\d{9}(\d{3})?$/.test(n) || /^0{9}/.test(n)) return null;
  const r = (weightedSum(n, [8, 7, 6, 5, 4, 3, 2]) + Number(n.slice(7, 9))) % 97;
  return r === 0 || r === 42 ? n : BAD_CHECK; // 42 ≡ -55 (mod 97): the scheme for numbers issued since 2010
}

const EU_VAT_RULES: Record<string, EuVatRule> = {
  AT: {
    country: 'AT',
    description: 'Austrian VAT number',
    format: 'ATU12345678',
    example: 'ATU13585627',
    checksum: 'Luhn-based check digit (Bundesministerium für Finanzen)',
    validate: (n) =>
      /^U\d{8}$/.test(n) ? ((((6 - luhnRemainder(n.slice(1, 8))) % 10) + 10) % 10 === digitAt(n, 8) ? n : BAD_CHECK) : null,
  },
  BE: {
    country: 'BE',
    description: 'Belgian VAT number',
    format: 'BE0123456789',
    example: 'BE0403170701',
    checksum: '97 − (first 8 digits mod 97) (SPF Finances)',
    validate: (raw) => {
      const n = /^\d{9}$/.test(raw) ? `0${raw}` : raw; // pre-2005 numbers had 9 digits
      if (!/^[01]\d{9}$/.test(n)) return null;
      return 97 - (Number(n.slice(0, 8)) % 97) === Number(n.slice(8)) ? n : BAD_CHECK;
    },
  },
  BG: {
    country: 'BG',
    description: 'Bulgarian VAT number',
    format: 'BG0123456789',
    example: 'BG175074752',
    checksum: 'weighted mod 11 (legal entities); EGN, PNF or "other" check digit for 10 digits (НАП)',
    validate: (n) => {
      if (/^\d{10}$/.test(n)) {
        // Individuals: a citizen's EGN, a foreigner's PNF or another person's number; the
        // number does not say which scheme applies, so any one of the three must hold.
        const last = digitAt(n, 9);
        const egn = bulgarianBirthDateValid(n) ? (weightedSum(n, [2, 4, 8, 5, 10, 9, 7, 3, 6]) % 11) % 10 : -1;
        const pnf = weightedSum(n, [21, 19, 17, 13, 11, 9, 7, 3, 1]) % 10;
        const other = (11 - (weightedSum(n, [4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11)) % 11;
        return egn === last || pnf === last || other === last ? n : BAD_CHECK;
      }
      if (!/^\d{9}$/.test(n)) return null;
      let check = weightedSum(n, [1, 2, 3, 4, 5, 6, 7, 8]) % 11;
      if (check === 10) check = weightedSum(n, [3, 4, 5, 6, 7, 8, 9, 10]) % 11;
      return check % 10 === digitAt(n, 8) ? n : BAD_CHECK;
    },
  },
  CY: {
    country: 'CY',
    description: 'Cypriot VAT number',
    format: 'CY12345678Z',
    example: 'CY10259033P',
    checksum: 'check letter (Tax Department of Cyprus)',
    validate: (n) => {
      if (!/^\d{8}[A-Z]$/.test(n) || n.startsWith('12')) return null;
      const odd = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21];
      let sum = 0;
      for (let i = 0; i < 8; i++) sum += i % 2 === 0 ? (odd[digitAt(n, i)] ?? 0) : digitAt(n, i);
      return String.fromCharCode(65 + (sum % 26)) === n[8] ? n : BAD_CHECK;
    },
  },
  CZ: {
    country: 'CZ',
    description: 'Czech VAT number',
    format: 'CZ1234567890',
    example: 'CZ25123891',
    checksum: 'weighted mod 11 (entities, persons without a birth number); birth number mod 11 (Finanční správa)',
    validate: (n) => {
      if (/^[0-8]\d{7}$/.test(n)) {
        // legal entities (IČO)
        const check = (11 - (weightedSum(n, [8, 7, 6, 5, 4, 3, 2]) % 11)) % 11;
        return (check === 0 ? 1 : check) % 10 === digitAt(n, 7) ? n : BAD_CHECK;
      }
      if (/^6\d{8}$/.test(n)) {
        // individuals without a birth number: weights over digits 2–8
        const r = weightedSum(n.slice(1), [8, 7, 6, 5, 4, 3, 2]) % 11;
        return (8 - ((10 - r) % 11) + 10) % 10 === digitAt(n, 8) ? n : BAD_CHECK;
      }
      if (/^\d{9}$/.test(n)) return n; // birth numbers issued before 1954 carry no check digit
      if (/^\d{10}$/.test(n)) {
        // birth numbers: divisible by 11, except that a remainder of 10 was written as 0 before 1985
        return (Number(n.slice(0, 9)) % 11) % 10 === digitAt(n, 9) ? n : BAD_CHECK;
      }
      return null;
    },
  },
  DE: {
    country: 'DE',
    description: 'German VAT number',
    format: 'DE123456789',
    example: 'DE136695976',
    checksum: 'ISO 7064 MOD 11,10 (Bundeszentralamt für Steuern)',
    validate: (n) => (/^[1-9]\d{8}$/.test(n) ? (iso7064Mod11_10(n.slice(0, 8)) === digitAt(n, 8) ? n : BAD_CHECK) : null),
  },
  DK: {
    country: 'DK',
    description: 'Danish VAT number',
    format: 'DK12345678',
    example: 'DK13585628',
    checksum: 'weighted mod 11 (Erhvervsstyrelsen, CVR)',
    validate: (n) => (/^[1-9]\d{7}$/.test(n) ? (weightedSum(n, [2, 7, 6, 5, 4, 3, 2, 1]) % 11 === 0 ? n : BAD_CHECK) : null),
  },
  EE: {
    country: 'EE',
    description: 'Estonian VAT number',
    format: 'EE123456789',
    example: 'EE100594102',
    checksum: 'weighted mod 10 (Maksu- ja Tolliamet)',
    validate: (n) => (/^10\d{7}$/.test(n) ? (weightedSum(n, [3, 7, 1, 3, 7, 1, 3, 7, 1]) % 10 === 0 ? n : BAD_CHECK) : null),
  },
  EL: {
    country: 'GR',
    description: 'Greek VAT number',
    format: 'EL123456789',
    example: 'EL094259216',
    checksum: 'powers-of-two mod 11 (ΑΑΔΕ)',
    validate: (n) => {
      if (!/^\d{9}$/.test(n)) return null;
      let sum = 0;
      for (let i = 0; i < 8; i++) sum = sum * 2 + digitAt(n, i);
      return ((sum * 2) % 11) % 10 === digitAt(n, 8) ? n : BAD_CHECK;
    },
  },
  ES: {
    country: 'ES',
    description: 'Spanish VAT number (NIF)',
    format: 'ESA1234567Z',
    example: 'ESA28015865',
    checksum: 'NIF/NIE control letter and CIF control character (Agencia Tributaria)',
    validate: spanishNif,
  },
  FI: {
    country: 'FI',
    description: 'Finnish VAT number',
    format: 'FI12345678',
    example: 'FI20774740',
    checksum: 'weighted mod 11 (Verohallinto, Y-tunnus)',
    validate: (n) => (/^\d{8}$/.test(n) ? (weightedSum(n, [7, 9, 10, 5, 8, 4, 2, 1]) % 11 === 0 ? n : BAD_CHECK) : null),
  },
  FR: {
    country: 'FR',
    description: 'French VAT number',
    format: 'FRAB123456789',
    example: 'FR40303265045',
    checksum: 'key = (12 + 3 × (SIREN mod 97)) mod 97 for numeric keys (DGFiP)',
    validate: (n) => {
      if (!/^[0-9A-HJ-NP-Z]{2}\d{9}$/.test(n)) return null; // the key never uses I or O
      if (!/^\d{2}/.test(n)) return n; // alphabetic keys: format only
      return Number(n.slice(0, 2)) === (12 + 3 * (Number(n.slice(2)) % 97)) % 97 ? n : BAD_CHECK;
    },
  },
  HR: {
    country: 'HR',
    description: 'Croatian VAT number (OIB)',
    format: 'HR12345678912',
    example: 'HR33392005961',
    checksum: 'ISO 7064 MOD 11,10 (Porezna uprava)',
    validate: (n) => (/^\d{11}$/.test(n) ? (iso7064Mod11_10(n.slice(0, 10)) === digitAt(n, 10) ? n : BAD_CHECK) : null),
  },
  HU: {
    country: 'HU',
    description: 'Hungarian VAT number',
    format: 'HU12345678',
    example: 'HU12892312',
    checksum: 'weighted mod 10 (Nemzeti Adó- és Vámhivatal)',
    validate: (n) => (/^\d{8}$/.test(n) ? (weightedSum(n, [9, 7, 3, 1, 9, 7, 3, 1]) % 10 === 0 ? n : BAD_CHECK) : null),
  },
  IE: {
    country: 'IE',
    description: 'Irish VAT number',
    format: 'IE1234567AB',
    example: 'IE6433435F',
    checksum: 'weighted mod 23 check letter (Revenue)',
    validate: irishVat,
  },
  IT: {
    country: 'IT',
    description: 'Italian VAT number (partita IVA)',
    format: 'IT12345678912',
    example: 'IT00743110157',
    checksum: 'Luhn (Agenzia delle Entrate)',
    validate: (n) => (/^\d{11}$/.test(n) && !/^0{7}/.test(n) ? (luhnRemainder(n) === 0 ? n : BAD_CHECK) : null),
  },
  LT: {
    country: 'LT',
    description: 'Lithuanian VAT number',
    format: 'LT123456789123',
    example: 'LT119511515',
    checksum: 'two-pass weighted mod 11 (Valstybinė mokesčių inspekcija)',
    validate: (n) => {
      if (!/^(\d{7}1\d|\d{10}1\d)$/.test(n)) return null; // the 2nd-last digit is always 1
      const body = n.slice(0, -1);
      let check = 0;
      for (let i = 0; i < body.length; i++) check += (1 + (i % 9)) * digitAt(body, i);
      check %= 11;
      if (check === 10) {
        check = 0;
        for (let i = 0; i < body.length; i++) check += (1 + ((i + 2) % 9)) * digitAt(body, i);
        check %= 11;
      }
      return check % 10 === digitAt(n, n.length - 1) ? n : BAD_CHECK;
    },
  },
  LU: {
    country: 'LU',
    description: 'Luxembourg VAT number',
    format: 'LU12345678',
    example: 'LU15027442',
    checksum: 'first 6 digits mod 89 (Administration de l’enregistrement)',
    validate: (n) => (/^\d{8}$/.test(n) ? (Number(n.slice(0, 6)) % 89 === Number(n.slice(6)) ? n : BAD_CHECK) : null),
  },
  LV: {
    country: 'LV',
    description: 'Latvian VAT number',
    format: 'LV12345678912',
    example: 'LV40003521600',
    checksum: 'weighted mod 11 for legal entities (Valsts ieņēmumu dienests)',
    validate: (n) => {
      if (!/^\d{11}$/.test(n)) return null;
      if (digitAt(n, 0) <= 3) return n; // personal codes: format only
      return weightedSum(n, [9, 1, 4, 8, 3, 10, 2, 5, 7, 6, 1]) % 11 === 3 ? n : BAD_CHECK;
    },
  },
  MT: {
    country: 'MT',
    description: 'Maltese VAT number',
    format: 'MT12345678',
    example: 'MT11679112',
    checksum: 'weighted mod 37 (Commissioner for Revenue)',
    validate: (n) => (/^[1-9]\d{7}$/.test(n) ? (weightedSum(n, [3, 4, 6, 7, 8, 9, 10, 1]) % 37 === 0 ? n : BAD_CHECK) : null),
  },
  NL: {
    country: 'NL',
    description: 'Dutch VAT number',
    format: 'NL123456789B12',
    example: 'NL004495445B01',
    checksum: '11-test of the RSIN, or mod 97 of the sole-trader number (Belastingdienst)',
    validate: dutchBtw,
  },
  PL: {
    country: 'PL',
    description: 'Polish VAT number (NIP)',
    format: 'PL1234567890',
    example: 'PL5260250995',
    checksum: 'weighted mod 11 (Ministerstwo Finansów)',
    validate: (n) =>
      /^\d{10}$/.test(n) ? (weightedSum(n, [6, 5, 7, 2, 3, 4, 5, 6, 7]) % 11 === digitAt(n, 9) ? n : BAD_CHECK) : null,
  },
  PT: {
    country: 'PT',
    description: 'Portuguese VAT number (NIF)',
    format: 'PT123456789',
    example: 'PT501964843',
    checksum: 'weighted mod 11 (Autoridade Tributária)',
    validate: (n) => {
      if (!/^[1-9]\d{8}$/.test(n)) return null;
      const check = 11 - (weightedSum(n, [9, 8, 7, 6, 5, 4, 3, 2]) % 11);
      return (check >= 10 ? 0 : check) === digitAt(n, 8) ? n : BAD_CHECK;
    },
  },
  RO: {
    country: 'RO',
    description: 'Romanian VAT number (CIF)',
    format: 'RO1234567891',
    example: 'RO18547290',
    checksum: 'weighted mod 11 (ANAF)',
    validate: (n) => {
      if (!/^[1-9]\d{1,9}$/.test(n)) return null;
      const body = n.slice(0, -1).padStart(9, '0');
      return ((10 * weightedSum(body, [7, 5, 3, 2, 1, 7, 5, 3, 2])) % 11) % 10 === digitAt(n, n.length - 1) ? n : BAD_CHECK;
    },
  },
  SE: {
    country: 'SE',
    description: 'Swedish VAT number',
    format: 'SE123456789101',
    example: 'SE123456789701',
    checksum: 'Luhn over the organisation number (Skatteverket)',
    validate: (n) => (/^\d{10}01$/.test(n) ? (luhnRemainder(n.slice(0, 10)) === 0 ? n : BAD_CHECK) : null),
  },
  SI: {
    country: 'SI',
    description: 'Slovenian VAT number',
    format: 'SI12345678',
    example: 'SI50223054',
    checksum: 'weighted mod 11 (Finančna uprava)',
    validate: (n) => {
      if (!/^[1-9]\d{7}$/.test(n)) return null;
      const check = 11 - (weightedSum(n, [8, 7, 6, 5, 4, 3, 2]) % 11);
      if (check === 11) return BAD_CHECK; // never issued
      return check % 10 === digitAt(n, 7) ? n : BAD_CHECK;
    },
  },
  SK: {
    country: 'SK',
    description: 'Slovak VAT number',
    format: 'SK1234567891',
    example: 'SK2022749619',
    checksum: 'whole number mod 11 (Finančná správa)',
    validate: (n) => (/^[1-9]\d[234789]\d{7}$/.test(n) ? (Number(n) % 11 === 0 ? n : BAD_CHECK) : null),
  },
  XI: {
    country: 'GB',
    description: 'Northern Ireland VAT number',
    format: 'XI123456789',
    example: 'XI980780684',
    checksum: 'weighted mod 97 (HMRC)',
    validate: ukVat,
  },
};

/** The EU VAT prefixes (VIES), with the country each one means: EL is Greece, XI is Northern Ireland. */
export const EU_VAT_COUNTRIES: Readonly<Record<string, EuVatCountry>> = Object.freeze(
  Object.fromEntries(
    Object.entries(EU_VAT_RULES).map(([prefix, { country, description, format, example, checksum }]) => [
      prefix,
      Object.freeze({ country, description, format, example, checksum }),
    ]),
  ),
);

/** Why a value failed its rule, as the error message says it (after "Invalid value for <type>: "). */
function failure(rule: Pick<TaxIdType, 'description' | 'example' | 'checksum'>, found: null | typeof BAD_CHECK): string {
  if (found === BAD_CHECK) {
    const what = rule.checksum?.includes('letter') ? 'check letter' : 'check digit';
    return `it has the format of ${withArticle(rule.description)}, but its ${what} is wrong, so it is probably mistyped (a valid one looks like ${rule.example})`;
  }
  return `not in the format of ${withArticle(rule.description)} (for example ${rule.example})`;
}

function euVat(value: string): ValidTaxId | string {
  let prefix = value.slice(0, 2);
  if (prefix === 'GR') prefix = 'EL'; // ISO code for Greece; VIES uses EL
  const rule = Object.hasOwn(EU_VAT_RULES, prefix) ? EU_VAT_RULES[prefix] : undefined;
  if (!rule) {
    const prefixes = Object.keys(EU_VAT_RULES).join(', ');
    return `a European VAT number starts with a member state prefix (${prefixes}), for example DE136695976`;
  }
  const national = rule.validate(value.slice(2));
  if (typeof national !== 'string') return failure(rule, national);
  return { value: `${prefix}${national}`, country: rule.country };
}

// ---------------------------------------------------------------------------------------------
// Other types. Each validator returns the normalised value, or null when invalid.
// ---------------------------------------------------------------------------------------------

/** IRS campus prefixes never assigned to an EIN. */
const INVALID_EIN_PREFIXES: ReadonlySet<string> = new Set(
  '00 07 08 09 17 18 19 28 29 49 69 70 78 79 89 96 97'.split(' '),
);

/** GSTIN state codes: 01–38 (states and union territories), 97 (other territory), 99 (centre jurisdiction). */
function isGstStateCode(code: string): boolean {
  const n = Number(code);
  return (n >= 1 && n <= 38) || n === 97 || n === 99;
}

const BASE36 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** GSTN's check character: Luhn mod 36 over the first 14 characters (factors 1, 2, 1, … from the left). */
function gstinCheckChar(first14: string): string {
  let sum = 0;
  for (let i = 0; i < first14.length; i++) {
    const product = BASE36.indexOf(first14[i] as string) * (i % 2 === 0 ? 1 : 2);
    sum += Math.floor(product / 36) + (product % 36);
  }
  return BASE36[(36 - (sum % 36)) % 36] as string;
}

/** Receita Federal's CPF/CNPJ check digit: weighted sum mod 11, 0 when the remainder is below 2. */
function brazilCheckDigit(digits: string, weights: readonly number[]): number {
  const r = weightedSum(digits, weights) % 11;
  return r < 2 ? 0 : 11 - r;
}

function brCnpj(n: string): Checked {
  if (!/^\d{14}$/.test(n) || allSameDigit(n)) return null;
  const d1 = brazilCheckDigit(n, [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]);
  const d2 = brazilCheckDigit(n, [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]);
  if (d1 !== digitAt(n, 12) || d2 !== digitAt(n, 13)) return BAD_CHECK;
  return `${n.slice(0, 2)}.${n.slice(2, 5)}.${n.slice(5, 8)}/${n.slice(8, 12)}-${n.slice(12)}`;
}

function brCpf(n: string): Checked {
  if (!/^\d{11}$/.test(n) || allSameDigit(n)) return null;
  const d1 = brazilCheckDigit(n, [10, 9, 8, 7, 6, 5, 4, 3, 2]);
  const d2 = brazilCheckDigit(n, [11, 10, 9, 8, 7, 6, 5, 4, 3, 2]);
  if (d1 !== digitAt(n, 9) || d2 !== digitAt(n, 10)) return BAD_CHECK;
  return `${n.slice(0, 3)}.${n.slice(3, 6)}.${n.slice(6, 9)}-${n.slice(9)}`;
}

/** SAT's RFC: 4 letters (individuals) or 3 (companies), the date YYMMDD, then a 3-character homoclave. */
function mxRfc(n: string): string | null {
  const m = /^[A-ZÑ&]{3,4}(\d{2})(\d{2})(\d{2})[A-Z0-9]{3}$/u.exec(n);
  if (!m) return null;
  const [yy, mm, dd] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // The century is not encoded; a 29 February is possible whenever some century makes YY a leap year.
  const daysInMonth = [31, yy % 4 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return mm >= 1 && mm <= 12 && dd >= 1 && dd <= (daysInMonth[mm - 1] ?? 0) ? n : null;
}

/** Singapore UEN (ACRA): businesses (ROB), local companies (ROC), other entities, and foreign companies. */
function sgUen(raw: string): string | null {
  const n = /^F\d{5}[A-Z]$/.test(raw) ? `F000${raw.slice(1)}` : raw; // "F   12345X" arrives space-stripped
  if (/^\d{8}[A-Z]$/.test(n)) return n; // ROB: 8 digits + check letter
  if (/^(18|19|20)\d{7}[A-Z]$/.test(n)) return n; // ROC: year of issue + 5 digits + check letter
  // others: R/S/T (for 18/19/20) + YY + entity type + 4 digits + check letter
  if (/^[RST]\d{2}[A-Z]{2}\d{4}[A-Z]$/.test(n)) return n;
  if (/^F000\d{5}[A-Z]$/.test(n)) return n; // foreign companies
  return null;
}

interface TypeRule extends TaxIdType {
  country: string;
  validate: (normalised: string) => Checked;
}

const TYPE_RULES: Record<string, TypeRule> = {
  gb_vat: {
    country: 'GB',
    description: 'UK VAT number',
    format: 'GB123456789',
    example: 'GB980780684',
    checksum: 'weighted mod 97, original and 9755 schemes (HMRC)',
    validate: (v) => {
      const national = ukVat(v.startsWith('GB') ? v.slice(2) : v);
      return typeof national === 'string' ? `GB${national}` : national;
    },
  },
  ch_vat: {
    country: 'CH',
    description: 'Swiss VAT number',
    format: 'CHE-123.456.789 MWST',
    example: 'CHE-116.281.710 MWST',
    checksum: 'weighted mod 11 of the UID (Bundesamt für Statistik)',
    validate: (v) => {
      const m = /^(?:CHE)?(\d{9})(MWST|TVA|IVA|TPV)?$/.exec(v);
      if (!m) return null;
      const digits = m[1] as string;
      const check = (11 - (weightedSum(digits, [5, 4, 3, 2, 7, 6, 5, 4]) % 11)) % 11;
      if (check !== digitAt(digits, 8)) return BAD_CHECK; // a remainder giving 10 is never issued
      const uid = `CHE-${digits.slice(0, 3)}.${digits.slice(3, 6)}.${digits.slice(6)}`;
      return m[2] ? `${uid} ${m[2]}` : uid;
    },
  },
  no_vat: {
    country: 'NO',
    description: 'Norwegian VAT number',
    format: '123456789MVA',
    example: '965920358MVA',
    checksum: 'weighted mod 11 of the organisation number (Brønnøysundregistrene)',
    validate: (v) => {
      const m = /^(?:NO)?(\d{9})(?:MVA)?$/.exec(v);
      if (!m) return null;
      const digits = m[1] as string;
      return weightedSum(digits, [3, 2, 7, 6, 5, 4, 3, 2, 1]) % 11 === 0 ? `${digits}MVA` : BAD_CHECK;
    },
  },
  us_ein: {
    country: 'US',
    description: 'US Employer Identification Number (EIN)',
    format: '12-3456789',
    example: '12-3456789',
    checksum: null,
    validate: (v) =>
      /^\d{9}$/.test(v) && !INVALID_EIN_PREFIXES.has(v.slice(0, 2)) ? `${v.slice(0, 2)}-${v.slice(2)}` : null,
  },
  ca_bn: {
    country: 'CA',
    description: 'Canadian Business Number (BN)',
    format: '123456789',
    example: '123456789',
    checksum: null,
    validate: (v) => (/^\d{9}$/.test(v) ? v : null),
  },
  ca_gst_hst: {
    country: 'CA',
    description: 'Canadian GST/HST number',
    format: '123456789RT0002',
    example: '123456789RT0001',
    checksum: null,
    validate: (v) => (/^\d{9}RT\d{4}$/.test(v) ? v : null),
  },
  au_abn: {
    country: 'AU',
    description: 'Australian Business Number (ABN)',
    format: '12345678912',
    example: '51824753556',
    checksum: 'weighted mod 89 (Australian Business Register)',
    validate: (v) => {
      if (!/^[1-9]\d{10}$/.test(v)) return null;
      const adjusted = `${digitAt(v, 0) - 1}${v.slice(1)}`;
      return weightedSum(adjusted, [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19]) % 89 === 0 ? v : BAD_CHECK;
    },
  },
  in_gst: {
    country: 'IN',
    description: 'Indian GST number (GSTIN)',
    format: '12ABCDE3456FGZH',
    example: '27AAPFU0939F1ZV',
    checksum: 'Luhn mod 36 check character (GSTN)',
    validate: (v) => {
      if (!/^\d{2}[A-Z]{5}\d{4}[A-Z][1-9A-Z]Z[0-9A-Z]$/.test(v) || !isGstStateCode(v.slice(0, 2))) return null;
      return gstinCheckChar(v.slice(0, 14)) === v[14] ? v : BAD_CHECK;
    },
  },
  br_cnpj: {
    country: 'BR',
    description: 'Brazilian CNPJ number',
    format: '01.234.456/5432-10',
    example: '11.222.333/0001-81',
    checksum: 'two mod 11 check digits (Receita Federal)',
    validate: brCnpj,
  },
  br_cpf: {
    country: 'BR',
    description: 'Brazilian CPF number',
    format: '123.456.789-87',
    example: '529.982.247-25',
    checksum: 'two mod 11 check digits (Receita Federal)',
    validate: brCpf,
  },
  mx_rfc: {
    country: 'MX',
    description: 'Mexican RFC number',
    format: 'ABC010203AB9',
    example: 'MAB9307148T4',
    checksum: null,
    validate: mxRfc,
  },
  jp_cn: {
    country: 'JP',
    description: 'Japanese Corporate Number (Hōjin Bangō)',
    format: '1234567891234',
    example: '5835678256246',
    checksum: 'leading check digit, 9 − (weighted sum mod 9) (National Tax Agency)',
    validate: (v) => {
      if (!/^\d{13}$/.test(v)) return null;
      let sum = 0;
      // Weights 1, 2, 1, 2, … counted from the rightmost digit of the 12-digit base number.
      for (let i = 12, w = 1; i >= 1; i--, w = 3 - w) sum += digitAt(v, i) * w;
      return 9 - (sum % 9) === digitAt(v, 0) ? v : BAD_CHECK;
    },
  },
  sg_uen: {
    country: 'SG',
    description: 'Singaporean UEN',
    format: '123456789F',
    example: 'T01FC6132D',
    checksum: null,
    validate: sgUen,
  },
  za_vat: {
    country: 'ZA',
    description: 'South African VAT number',
    format: '4123456789',
    example: '4123456789',
    checksum: null,
    validate: (v) => (/^4\d{9}$/.test(v) ? v : null),
  },
};

function publicEntry({ country, description, format, example, checksum }: TaxIdType): TaxIdType {
  return Object.freeze({ country, description, format, example, checksum });
}

/** Every supported type, in the order error messages list them. */
export const TAX_ID_TYPES: Readonly<Record<string, TaxIdType>> = Object.freeze({
  eu_vat: publicEntry({
    country: null,
    description: 'European VAT number',
    format: 'DE123456789',
    example: 'DE136695976',
    checksum: 'per member state; see EU_VAT_COUNTRIES',
  }),
  ...Object.fromEntries(Object.entries(TYPE_RULES).map(([type, rule]) => [type, publicEntry(rule)])),
});

export function isTaxIdType(type: string): boolean {
  return Object.hasOwn(TAX_ID_TYPES, type);
}

function withArticle(phrase: string): string {
  // "an" before a vowel sound; "European", "UK" and "US" start with a consonant sound.
  return /^[AEIOU]/.test(phrase) && !/^(Eu|U[KS]\b)/.test(phrase) ? `an ${phrase}` : `a ${phrase}`;
}

/**
 * Validates and normalises a tax id.
 * @throws ApiError `parameter_invalid` with param `type` for an unsupported type, and
 *   code `tax_id_invalid` with param `value` for a value that fails its type's format or checksum.
 */
export function validateTaxId(type: string, value: string): ValidTaxId {
  if (!isTaxIdType(type)) {
    throw parameterInvalid(`Invalid type: must be one of ${Object.keys(TAX_ID_TYPES).join(', ')}.`, 'type');
  }
  const rule = type === 'eu_vat' ? undefined : TYPE_RULES[type];
  const described = rule ?? (TAX_ID_TYPES.eu_vat as TaxIdType);
  const notInFormat = () => taxIdInvalid(type, failure(described, null));
  if (typeof value !== 'string' || value.length > MAX_INPUT_LENGTH) throw notInFormat();

  const stripped = value.trim().toUpperCase().replace(type === 'br_cnpj' ? /[\s.\-/]/g : /[\s.-]/g, '');
  if (stripped === '') throw notInFormat();

  if (!rule) {
    const result = euVat(stripped);
    if (typeof result === 'string') throw taxIdInvalid(type, result);
    return result;
  }
  const normalised = rule.validate(stripped);
  if (typeof normalised !== 'string') throw taxIdInvalid(type, failure(rule, normalised));
  return { value: normalised, country: rule.country };
}
