import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/domain/errors.js';
import { EU_VAT_COUNTRIES, isTaxIdType, TAX_ID_TYPES, validateTaxId, type TaxIdType } from '../../src/domain/tax-ids/tax-id-types.js';

/*
 * Valid numbers are published examples: the VIES test numbers and the examples the tax
 * authorities print, as collected in python-stdnum's and jsvat's test suites (real, public
 * registrations), plus the well-known examples (ATO's ABN 51 824 753 556, Receita Federal's
 * CNPJ 11.222.333/0001-81, …). Each invalid "one off" value differs from a valid one in
 * exactly one character, so it fails on the checksum alone.
 */

function caught(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
}

function expectInvalidValue(type: string, value: string): ApiError {
  const error = caught(() => validateTaxId(type, value));
  expect(error, `${type} ${value}`).toMatchObject({
    status: 400,
    type: 'invalid_request_error',
    code: 'tax_id_invalid',
    param: 'value',
  });
  expect(error.message.startsWith(`Invalid value for ${type}: `)).toBe(true);
  return error;
}

const EU_MEMBER_STATES = [
  'AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'GR', 'ES', 'FI', 'FR', 'HR', 'HU',
  'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK',
];

interface EuCase {
  prefix: string;
  country: string;
  valid: string[];
  oneOff: string[];
  wrongLength: string[];
  example: string;
}

const EU_CASES: EuCase[] = [
  {
    prefix: 'AT',
    country: 'AT',
    valid: ['ATU13585627', 'ATU10223006', 'ATU66889218'],
    oneOff: ['ATU13585626', 'ATU10223007'],
    wrongLength: ['ATU1358562', 'ATU135856270'],
    example: 'an Austrian VAT number',
  },
  {
    prefix: 'BE',
    country: 'BE',
    valid: ['BE0403170701', 'BE0411905847', 'BE0897221789'],
    oneOff: ['BE0403170702', 'BE0411905848'],
    wrongLength: ['BE04031707', 'BE04031707011'],
    example: 'a Belgian VAT number',
  },
  {
    prefix: 'BG',
    country: 'BG',
    valid: ['BG175074752', 'BG101004508', 'BG1234567893'],
    oneOff: ['BG175074751', 'BG101004509', 'BG1234567894'],
    wrongLength: ['BG17507475', 'BG17507475211'],
    example: 'a Bulgarian VAT number',
  },
  {
    prefix: 'CY',
    country: 'CY',
    valid: ['CY10259033P', 'CY00001067Y', 'CY99200002N'],
    oneOff: ['CY10259033Z', 'CY10259034P'],
    wrongLength: ['CY1025903P', 'CY102590333P'],
    example: 'a Cypriot VAT number',
  },
  {
    prefix: 'CZ',
    country: 'CZ',
    valid: ['CZ25123891', 'CZ00008702', 'CZ640903926', 'CZ699001236', 'CZ7103192745', 'CZ8306095182'],
    oneOff: ['CZ25123890', 'CZ699001237', 'CZ7103192746'],
    wrongLength: ['CZ2512389', 'CZ71031927451'],
    example: 'a Czech VAT number',
  },
  {
    prefix: 'DE',
    country: 'DE',
    valid: ['DE136695976', 'DE111111125', 'DE813495425'],
    oneOff: ['DE136695977', 'DE136695966', 'DE111111126'],
    wrongLength: ['DE13669597', 'DE1366959760'],
    example: 'a German VAT number',
  },
  {
    prefix: 'DK',
    country: 'DK',
    valid: ['DK13585628', 'DK10000009', 'DK78805218'],
    oneOff: ['DK13585627', 'DK10000000'],
    wrongLength: ['DK1358562', 'DK135856280'],
    example: 'a Danish VAT number',
  },
  {
    prefix: 'EE',
    country: 'EE',
    valid: ['EE100594102', 'EE100931558', 'EE101589064'],
    oneOff: ['EE100594103', 'EE100931559'],
    wrongLength: ['EE10059410', 'EE1005941020'],
    example: 'an Estonian VAT number',
  },
  {
    prefix: 'EL',
    country: 'GR',
    valid: ['EL094259216', 'EL000000024', 'EL998920231'],
    oneOff: ['EL094259217', 'EL123456781'],
    wrongLength: ['EL09425921', 'EL0942592160'],
    example: 'a Greek VAT number',
  },
  {
    prefix: 'ES',
    country: 'ES',
    valid: [
      'ESA28015865', // CIF, numeric control
      'ESB64717838',
      'ESJ99216582',
      'ESQ2826000H', // CIF, letter control
      'ESN0060092D',
      'ES54362315K', // DNI
      'ES00000001R',
      'ESX5253868R', // NIE
      'ESY1234567X',
      'ESZ1234567R',
    ],
    oneOff: ['ESA28015866', 'ESB64717839', 'ESQ2826000I', 'ES54362315L', 'ESX5253868S', 'ESZ1234568R'],
    wrongLength: ['ESA2801586', 'ESA280158655'],
    example: 'a Spanish VAT number (NIF)',
  },
  {
    prefix: 'FI',
    country: 'FI',
    valid: ['FI20774740', 'FI09853608', 'FI24710461'],
    oneOff: ['FI20774741', 'FI09853601'],
    wrongLength: ['FI2077474', 'FI207747400'],
    example: 'a Finnish VAT number',
  },
  {
    prefix: 'FR',
    country: 'FR',
    valid: [
      'FR40303265045',
      'FR23334175221',
      'FR00300076965',
      'FRK7399859412', // alphabetic keys: format only
      'FR0A012345678',
    ],
    oneOff: ['FR41303265045', 'FR40303265046', 'FR84323140391'],
    wrongLength: ['FR4030326504', 'FR403032650450'],
    example: 'a French VAT number',
  },
  {
    prefix: 'HR',
    country: 'HR',
    valid: ['HR33392005961', 'HR02574432339', 'HR97405527203'],
    oneOff: ['HR33392005962', 'HR93634429488'],
    wrongLength: ['HR9363442948', 'HR936344294871'],
    example: 'a Croatian VAT number (OIB)',
  },
  {
    prefix: 'HU',
    country: 'HU',
    valid: ['HU12892312', 'HU10672101', 'HU65730980'],
    oneOff: ['HU12892313', 'HU65730981'],
    wrongLength: ['HU1289231', 'HU128923120'],
    example: 'a Hungarian VAT number',
  },
  {
    prefix: 'IE',
    country: 'IE',
    valid: [
      'IE6433435F', // 7 digits + check letter
      'IE8D79739I', // pre-2013 form
      'IE8Z49289F',
      'IE3214048CH', // 7 digits + check letter + second letter
      'IE2984579BH',
    ],
    oneOff: ['IE6433435E', 'IE8Z49289A', 'IE3214048DH'],
    wrongLength: ['IE643343F', 'IE64334355F'],
    example: 'an Irish VAT number',
  },
  {
    prefix: 'IT',
    country: 'IT',
    valid: ['IT00743110157', 'IT00000010215', 'IT12683790153'],
    oneOff: ['IT00743110158', 'IT00000010210'],
    wrongLength: ['IT0074311015', 'IT007431101570'],
    example: 'an Italian VAT number (partita IVA)',
  },
  {
    prefix: 'LT',
    country: 'LT',
    valid: ['LT119511515', 'LT100001919017', 'LT100004801610', 'LT290061371314'],
    oneOff: ['LT119511516', 'LT100001919018'],
    wrongLength: ['LT11951151', 'LT1195115150'],
    example: 'a Lithuanian VAT number',
  },
  {
    prefix: 'LU',
    country: 'LU',
    valid: ['LU15027442', 'LU10000356', 'LU25318872'],
    oneOff: ['LU15027443', 'LU10000350'],
    wrongLength: ['LU1502744', 'LU150274420'],
    example: 'a Luxembourg VAT number',
  },
  {
    prefix: 'LV',
    country: 'LV',
    valid: ['LV40003521600', 'LV90000022399', 'LV16117519997' /* personal code: format only */],
    oneOff: ['LV40003521601', 'LV90001234567'],
    wrongLength: ['LV4000352160', 'LV400035216000'],
    example: 'a Latvian VAT number',
  },
  {
    prefix: 'MT',
    country: 'MT',
    valid: ['MT11679112', 'MT10126313', 'MT20973507'],
    oneOff: ['MT11679113', 'MT20390515'],
    wrongLength: ['MT1167911', 'MT116791120'],
    example: 'a Maltese VAT number',
  },
  {
    prefix: 'NL',
    country: 'NL',
    valid: [
      'NL004495445B01', // RSIN 11-test
      'NL000000024B01',
      'NL004909665B07',
      'NL123456789B13', // sole-trader number, mod 97
    ],
    oneOff: ['NL004495446B01', 'NL123456789B14', 'NL000000025B01'],
    wrongLength: ['NL04495445B01', 'NL004495445B1', 'NL0044954450B01'],
    example: 'a Dutch VAT number',
  },
  {
    prefix: 'PL',
    country: 'PL',
    valid: ['PL5260250995', 'PL1132191233', 'PL7122913627'],
    oneOff: ['PL5260250996', 'PL7122913628'],
    wrongLength: ['PL526025099', 'PL52602509950'],
    example: 'a Polish VAT number (NIP)',
  },
  {
    prefix: 'PT',
    country: 'PT',
    valid: ['PT501964843', 'PT100000010', 'PT980405319'],
    oneOff: ['PT501964844', 'PT502757192'],
    wrongLength: ['PT50196484', 'PT5019648430'],
    example: 'a Portuguese VAT number (NIF)',
  },
  {
    prefix: 'RO',
    country: 'RO',
    valid: ['RO18547290', 'RO19', 'RO123456789', 'RO11198699'],
    oneOff: ['RO18547291', 'RO18', 'RO11198698'],
    wrongLength: ['RO1', 'RO12345678901'],
    example: 'a Romanian VAT number (CIF)',
  },
  {
    prefix: 'SE',
    country: 'SE',
    valid: ['SE123456789701', 'SE556188840401', 'SE202100281701'],
    oneOff: ['SE123456789101', 'SE556188840301', 'SE123456789601'],
    wrongLength: ['SE12345678901', 'SE1234567897010'],
    example: 'a Swedish VAT number',
  },
  {
    prefix: 'SI',
    country: 'SI',
    valid: ['SI50223054', 'SI10693661', 'SI98511734'],
    oneOff: ['SI50223055', 'SI10693662'],
    wrongLength: ['SI5022305', 'SI502230540'],
    example: 'a Slovenian VAT number',
  },
  {
    prefix: 'SK',
    country: 'SK',
    valid: ['SK2022749619'],
    oneOff: ['SK2022749618', 'SK2022749629'],
    wrongLength: ['SK202274961', 'SK20227496190'],
    example: 'a Slovak VAT number',
  },
  {
    prefix: 'XI',
    country: 'GB',
    valid: ['XI980780684', 'XI100000132', 'XIGD001', 'XIHA599'],
    oneOff: ['XI980780685', 'XI980780694'],
    wrongLength: ['XI98078068', 'XI9807806840'],
    example: 'a Northern Ireland VAT number',
  },
];

describe('TAX_ID_TYPES', () => {
  it('lists every type the spec requires (T-2)', () => {
    expect(Object.keys(TAX_ID_TYPES).sort()).toEqual(
      [
        'au_abn', 'br_cnpj', 'br_cpf', 'ca_bn', 'ca_gst_hst', 'ch_vat', 'eu_vat', 'gb_vat', 'in_gst',
        'jp_cn', 'mx_rfc', 'no_vat', 'sg_uen', 'us_ein', 'za_vat',
      ].sort(),
    );
  });

  it('describes each type with a country, a description and a format example', () => {
    for (const [type, entry] of Object.entries(TAX_ID_TYPES)) {
      expect(entry.description, type).not.toBe('');
      expect(entry.format, type).not.toBe('');
      if (type === 'eu_vat') expect(entry.country).toBeNull();
      else expect(entry.country, type).toMatch(/^[A-Z]{2}$/);
    }
  });

  it('is frozen', () => {
    expect(Object.isFrozen(TAX_ID_TYPES)).toBe(true);
    expect(Object.isFrozen(TAX_ID_TYPES.au_abn)).toBe(true);
    expect(Object.isFrozen(EU_VAT_COUNTRIES)).toBe(true);
  });

  it('marks the types whose checksum is verified', () => {
    const withChecksum = Object.entries(TAX_ID_TYPES)
      .filter(([, entry]) => entry.checksum !== null)
      .map(([type]) => type)
      .sort();
    expect(withChecksum).toEqual(
      ['au_abn', 'br_cnpj', 'br_cpf', 'ch_vat', 'eu_vat', 'gb_vat', 'in_gst', 'jp_cn', 'no_vat'].sort(),
    );
  });

  it('isTaxIdType only knows its own keys', () => {
    expect(isTaxIdType('eu_vat')).toBe(true);
    expect(isTaxIdType('EU_VAT')).toBe(false);
    expect(isTaxIdType('toString')).toBe(false);
    expect(isTaxIdType('__proto__')).toBe(false);
  });
});

describe('EU_VAT_COUNTRIES', () => {
  it('covers every EU member state, plus XI for Northern Ireland', () => {
    const countries = Object.values(EU_VAT_COUNTRIES).map((c) => c.country);
    for (const state of EU_MEMBER_STATES) expect(countries, state).toContain(state);
    expect(Object.keys(EU_VAT_COUNTRIES)).toHaveLength(28);
    expect(EU_VAT_COUNTRIES.EL?.country).toBe('GR');
    expect(EU_VAT_COUNTRIES.XI?.country).toBe('GB');
    expect(EU_VAT_COUNTRIES.GR).toBeUndefined();
    expect(EU_VAT_COUNTRIES.GB).toBeUndefined();
  });

  it('has a checksum for every prefix (SPEC: DE, IT, ES, NL, BE, FR, PL, PT at least)', () => {
    for (const [prefix, entry] of Object.entries(EU_VAT_COUNTRIES)) expect(entry.checksum, prefix).not.toBeNull();
  });

  it('is tested here for every prefix', () => {
    expect(EU_CASES.map((c) => c.prefix).sort()).toEqual(Object.keys(EU_VAT_COUNTRIES).sort());
  });
});

describe('validateTaxId: eu_vat', () => {
  describe.each(EU_CASES)('$prefix', ({ country, valid, oneOff, wrongLength, example }) => {
    it.each(valid)('accepts %s', (value) => {
      expect(validateTaxId('eu_vat', value)).toEqual({ value, country });
    });

    it.each(oneOff)('rejects %s, saying its check digit is wrong and giving an example that passes', (value) => {
      const error = expectInvalidValue('eu_vat', value);
      const rule = EU_VAT_COUNTRIES[value.slice(0, 2)];
      expect(error.message).toBe(
        `Invalid value for eu_vat: it has the format of ${example}, but its check ${rule?.checksum?.includes('letter') ? 'letter' : 'digit'} is wrong, so it is probably mistyped (a valid one looks like ${rule?.example}).`,
      );
      expect(() => validateTaxId('eu_vat', rule?.example as string)).not.toThrow();
    });

    it.each(wrongLength)('rejects %s, saying it is not in the format', (value) => {
      const error = expectInvalidValue('eu_vat', value);
      expect(error.message).toBe(`Invalid value for eu_vat: not in the format of ${example} (for example ${EU_VAT_COUNTRIES[value.slice(0, 2)]?.example}).`);
    });

    it('rejects the national number alone, and under another prefix', () => {
      const national = (valid[0] as string).slice(2);
      expectInvalidValue('eu_vat', national);
      expectInvalidValue('eu_vat', `US${national}`);
    });

    it('normalises case, spaces, dots and dashes', () => {
      const value = valid[0] as string;
      const messy = ` ${value.slice(0, 2).toLowerCase()} ${value.slice(2, 5)}.${value.slice(5, 8)}-${value.slice(8).toLowerCase()} `;
      expect(validateTaxId('eu_vat', messy)).toEqual({ value, country });
    });
  });

  it("says truthfully why Stripe's documentation example DE123456789 is refused, with an example that passes", () => {
    const error = expectInvalidValue('eu_vat', 'DE123456789');
    expect(error.message).toBe(
      'Invalid value for eu_vat: it has the format of a German VAT number, but its check digit is wrong, so it is probably mistyped (a valid one looks like DE136695976).',
    );
    expect(validateTaxId('eu_vat', 'DE136695976').value).toBe('DE136695976');
  });

  it('every type and every member state has an example that passes its own checks', () => {
    for (const [type, entry] of Object.entries(TAX_ID_TYPES)) expect(validateTaxId(type, entry.example).value, type).toBe(entry.example);
    for (const [prefix, entry] of Object.entries(EU_VAT_COUNTRIES)) expect(validateTaxId('eu_vat', entry.example).value, prefix).toBe(entry.example);
  });

  it('derives the country from the prefix: EL is Greece, XI is the United Kingdom', () => {
    expect(validateTaxId('eu_vat', 'EL094259216').country).toBe('GR');
    expect(validateTaxId('eu_vat', 'XI980780684').country).toBe('GB');
    expect(validateTaxId('eu_vat', 'DE136695976').country).toBe('DE');
  });

  it('accepts the ISO code GR for Greece and stores the VIES prefix EL', () => {
    expect(validateTaxId('eu_vat', 'GR094259216')).toEqual({ value: 'EL094259216', country: 'GR' });
  });

  it('pads a pre-2005 nine-digit Belgian number to ten digits', () => {
    expect(validateTaxId('eu_vat', 'BE403019261')).toEqual({ value: 'BE0403019261', country: 'BE' });
    expect(validateTaxId('eu_vat', 'BE 403.170.701')).toEqual({ value: 'BE0403170701', country: 'BE' });
  });

  it('rejects Belgian numbers that start with anything but 0 or 1', () => {
    expectInvalidValue('eu_vat', 'BE2403170701');
  });

  it('rejects French keys using I or O', () => {
    expectInvalidValue('eu_vat', 'FRIO334175221');
  });

  it('rejects Cypriot numbers starting with 12', () => {
    expectInvalidValue('eu_vat', 'CY12000000C');
  });

  it('rejects Dutch numbers with branch 00 or without the B', () => {
    expectInvalidValue('eu_vat', 'NL004495445B00');
    expectInvalidValue('eu_vat', 'NL004495445C01');
  });

  it('rejects an unknown prefix and lists the known ones', () => {
    for (const value of ['GB980780684', 'US123456789', 'CH116281710', 'EU372000052', '12', 'X']) {
      const error = expectInvalidValue('eu_vat', value);
      expect(error.message).toContain('member state prefix (AT, BE, BG,');
      expect(error.message).toContain('XI), for example DE136695976.');
    }
  });
});

interface TypeCase {
  type: string;
  valid: Array<[input: string, normalised: string]>;
  invalid: string[];
  country: string;
  /** The type as the messages name it, with its article. */
  description: string;
}

const TYPE_CASES: TypeCase[] = [
  {
    type: 'gb_vat',
    country: 'GB',
    valid: [
      ['GB980780684', 'GB980780684'],
      ['980 7806 84', 'GB980780684'],
      ['gb 980-780-684', 'GB980780684'],
      ['GB100000132', 'GB100000132'], // the "minus 55" scheme
      ['GB980780684001', 'GB980780684001'], // branch trader
      ['GBGD001', 'GBGD001'], // government department
      ['GBHA599', 'GBHA599'], // health authority
    ],
    invalid: ['GB980780685', 'GB980780674', 'GB98078068', 'GB9807806840', 'GB000000000', 'GBGD500', 'GBHA499', 'XI980780684', 'DE136695976'],
    description: 'a UK VAT number',
  },
  {
    type: 'ch_vat',
    country: 'CH',
    valid: [
      ['CHE-116.281.710', 'CHE-116.281.710'],
      ['CHE-116.281.710 MWST', 'CHE-116.281.710 MWST'],
      ['CHE116281710MWST', 'CHE-116.281.710 MWST'],
      ['che-100.155.212 tva', 'CHE-100.155.212 TVA'],
      ['CHE-432.825.998 IVA', 'CHE-432.825.998 IVA'],
      ['CHE-432.825.998 TPV', 'CHE-432.825.998 TPV'],
    ],
    invalid: ['CHE-116.281.711', 'CHE-116.281.700', 'CHE-116.281.71', 'CHE-116.281.7100', 'CHE-100.155.212 VAT', 'CH-116.281.710', 'CHE-432.825.99-MWST'],
    description: 'a Swiss VAT number',
  },
  {
    type: 'no_vat',
    country: 'NO',
    valid: [
      ['995525828MVA', '995525828MVA'],
      ['NO 995 525 828 MVA', '995525828MVA'],
      ['965920358', '965920358MVA'],
      ['988077917mva', '988077917MVA'],
    ],
    invalid: ['995525829MVA', '995525818MVA', '99552582MVA', '9955258280MVA', '995525828VAT', 'SE995525828'],
    description: 'a Norwegian VAT number',
  },
  {
    type: 'us_ein',
    country: 'US',
    valid: [
      ['12-3456789', '12-3456789'],
      ['123456789', '12-3456789'],
      [' 01-2345678 ', '01-2345678'],
      ['99-9999999', '99-9999999'],
    ],
    invalid: [
      ...['00', '07', '08', '09', '17', '18', '19', '28', '29', '49', '69', '70', '78', '79', '89', '96', '97'].map(
        (p) => `${p}-3456789`,
      ),
      '12-345678',
      '12-34567890',
      '12-345678A',
      '123-45-6789X',
    ],
    description: 'a US Employer Identification Number (EIN)',
  },
  {
    type: 'ca_bn',
    country: 'CA',
    valid: [
      ['123456789', '123456789'],
      ['123 456 789', '123456789'],
    ],
    invalid: ['12345678', '1234567890', '12345678A', '123456789RT0001'],
    description: 'a Canadian Business Number (BN)',
  },
  {
    type: 'ca_gst_hst',
    country: 'CA',
    valid: [
      ['123456789RT0002', '123456789RT0002'],
      ['123456789 rt 0001', '123456789RT0001'],
    ],
    invalid: ['123456789RC0001', '123456789RT001', '123456789RT00001', '12345678RT0001', '123456789'],
    description: 'a Canadian GST/HST number',
  },
  {
    type: 'au_abn',
    country: 'AU',
    valid: [
      ['51 824 753 556', '51824753556'], // the ATO's example
      ['51824753556', '51824753556'],
      ['53 004 085 616', '53004085616'],
    ],
    invalid: ['51 824 753 557', '52 824 753 556', '5182475355', '518247535560', '01824753556', '5182475355A'],
    description: 'an Australian Business Number (ABN)',
  },
  {
    type: 'in_gst',
    country: 'IN',
    valid: [
      ['27AAPFU0939F1ZV', '27AAPFU0939F1ZV'],
      ['27aapfu0939f1zv', '27AAPFU0939F1ZV'],
    ],
    invalid: [
      '27AAPFU0939F1ZW', // check character
      '27AAPFU0939F1Z', // length
      '27AAPFU0939F1ZV1',
      '27AAPFU0939F1YV', // 14th character must be Z
      '00AAPFU0939F1ZV', // state code
      '27AAPF10939F1ZV', // PAN shape
      '27AAPFU0939F0ZV', // entity number 0
    ],
    description: 'an Indian GST number (GSTIN)',
  },
  {
    type: 'br_cnpj',
    country: 'BR',
    valid: [
      ['11.222.333/0001-81', '11.222.333/0001-81'],
      ['11222333000181', '11.222.333/0001-81'],
      ['11 222 333 0001 81', '11.222.333/0001-81'],
    ],
    invalid: ['11.222.333/0001-82', '11.222.333/0001-91', '11.222.333/0002-81', '1122233300018', '112223330001811', '00.000.000/0000-00', '11.111.111/1111-11'],
    description: 'a Brazilian CNPJ number',
  },
  {
    type: 'br_cpf',
    country: 'BR',
    valid: [
      ['529.982.247-25', '529.982.247-25'],
      ['52998224725', '529.982.247-25'],
    ],
    invalid: ['529.982.247-26', '529.982.247-35', '529.982.248-25', '5299822472', '529982247250', '111.111.111-11', '000.000.000-00'],
    description: 'a Brazilian CPF number',
  },
  {
    type: 'mx_rfc',
    country: 'MX',
    valid: [
      ['GODE561231GR8', 'GODE561231GR8'], // individual: 4 letters
      ['MAB-930714-8T4', 'MAB9307148T4'], // company: 3 letters
      ['mab 930714 8t4', 'MAB9307148T4'],
      ['ÑAB000229AB1', 'ÑAB000229AB1'], // Ñ is a letter; 29 February of a leap YY
      ['A&B010203AB9', 'A&B010203AB9'],
    ],
    invalid: ['GODE561331GR8', 'GODE561200GR8', 'GODE560230GR8', 'GODE010229GR8', 'GO561231GR8', 'GODEX561231GR8', 'GODE561231GR', 'GODE5612319R8X'],
    description: 'a Mexican RFC number',
  },
  {
    type: 'jp_cn',
    country: 'JP',
    valid: [
      ['5835678256246', '5835678256246'],
      ['5-8356-7825-6246', '5835678256246'],
    ],
    invalid: ['2835678256246', '5835678256247', '583567825624', '58356782562460', 'A835678256246'],
    description: 'a Japanese Corporate Number (Hōjin Bangō)',
  },
  {
    type: 'sg_uen',
    country: 'SG',
    valid: [
      ['00192200M', '00192200M'], // business (ROB)
      ['197401143C', '197401143C'], // local company (ROC)
      ['S16FC0121D', 'S16FC0121D'], // other entities
      ['T09LL0001B', 'T09LL0001B'],
      ['t01fc6132d', 'T01FC6132D'],
      ['F00056789H', 'F00056789H'], // foreign company
      ['F   56789H', 'F00056789H'],
    ],
    invalid: ['0019220M', '001922000M', '1974011430', '217401143C', 'X16FC0121D', 'S16F10121D', 'F12356789H', '123456'],
    description: 'a Singaporean UEN',
  },
  {
    type: 'za_vat',
    country: 'ZA',
    valid: [
      ['4123456789', '4123456789'],
      ['4 123 456 789', '4123456789'],
    ],
    invalid: ['5123456789', '412345678', '41234567890', '412345678A'],
    description: 'a South African VAT number',
  },
];

describe('validateTaxId: other types', () => {
  it('is tested here for every type', () => {
    expect(['eu_vat', ...TYPE_CASES.map((c) => c.type)].sort()).toEqual(Object.keys(TAX_ID_TYPES).sort());
  });

  describe.each(TYPE_CASES)('$type', ({ type, valid, invalid, country, description }) => {
    it.each(valid)('accepts %j as %j', (input, normalised) => {
      expect(validateTaxId(type, input)).toEqual({ value: normalised, country });
    });

    it('accepts its own normalised output unchanged', () => {
      for (const [, normalised] of valid) expect(validateTaxId(type, normalised).value).toBe(normalised);
    });

    it.each(invalid)('rejects %j, saying which rule failed and giving an example that passes', (value) => {
      const entry = TAX_ID_TYPES[type] as TaxIdType;
      const format = `Invalid value for ${type}: not in the format of ${description} (for example ${entry.example}).`;
      const check = `Invalid value for ${type}: it has the format of ${description}, but its check ${entry.checksum?.includes('letter') ? 'letter' : 'digit'} is wrong, so it is probably mistyped (a valid one looks like ${entry.example}).`;
      // A type without a check digit can only fail its format.
      expect(entry.checksum === null ? [format] : [format, check]).toContain(expectInvalidValue(type, value).message);
    });

    it('rejects the empty and blank values', () => {
      expectInvalidValue(type, '');
      expectInvalidValue(type, '   ');
    });
  });
});

describe('validateTaxId: which rule failed', () => {
  it.each([
    ['au_abn', '51 824 753 557', 'check'],
    ['au_abn', '5182475355', 'format'],
    ['br_cpf', '529.982.247-26', 'check'],
    ['br_cpf', '529.982.247', 'format'],
    ['gb_vat', 'GB980780685', 'check'],
    ['gb_vat', 'GB98078068', 'format'],
    ['us_ein', '12-345678', 'format'],
    ['eu_vat', 'DE136695977', 'check'],
    ['eu_vat', 'DE1366959', 'format'],
    ['eu_vat', 'IE6433435E', 'check'],
  ])('%s %j fails its %s', (type, value, rule) => {
    const message = expectInvalidValue(type, value).message;
    if (rule === 'check') expect(message).toMatch(/, but its check (digit|letter) is wrong, so it is probably mistyped \(a valid one looks like /);
    else expect(message).toMatch(/: not in the format of .* \(for example /);
  });
});

describe('validateTaxId: errors', () => {
  it('rejects an unknown type with param type and the list of types', () => {
    const error = caught(() => validateTaxId('de_vat', 'DE136695976'));
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'type' });
    expect(error.message).toBe(`Invalid type: must be one of ${Object.keys(TAX_ID_TYPES).join(', ')}.`);
    expect(error.message.startsWith('Invalid type: must be one of eu_vat, gb_vat, ch_vat')).toBe(true);
  });

  it.each(['', 'EU_VAT', 'toString', '__proto__', 'constructor', 'hasOwnProperty'])('rejects the type %j', (type) => {
    expect(caught(() => validateTaxId(type, 'DE136695976')).param).toBe('type');
  });

  it('rejects overlong input before parsing it', () => {
    expectInvalidValue('eu_vat', `DE136695976${' '.repeat(60)}`);
    expectInvalidValue('au_abn', '5'.repeat(10_000));
  });

  it('rejects characters outside the format instead of dropping them', () => {
    expectInvalidValue('eu_vat', 'DE/136695976');
    expectInvalidValue('eu_vat', 'DE_136695976');
    expectInvalidValue('au_abn', '51,824,753,556');
    expectInvalidValue('us_ein', '12/3456789');
  });

  it('lets a value through only in its own type', () => {
    expectInvalidValue('gb_vat', 'DE136695976');
    expectInvalidValue('au_abn', '529.982.247-25');
    expect(validateTaxId('ca_bn', '123456789').value).toBe('123456789');
    expect(validateTaxId('us_ein', '123456789').value).toBe('12-3456789');
  });
});
