/**
 * Tax id examples for the HTTP tests: per type, a valid value as a user might type it (with
 * its normalised form and the country it belongs to) and an invalid one that differs from a
 * valid number by one character, so only the type's check (format or checksum) refuses it.
 * The numbers are the published examples the unit tests (test/unit/tax-ids.test.ts) pin.
 */
export interface TaxIdExample {
  type: string;
  input: string;
  value: string;
  country: string;
  invalid: string;
}

export const TAX_ID_EXAMPLES: readonly TaxIdExample[] = [
  { type: 'eu_vat', input: 'de 136 695 976', value: 'DE136695976', country: 'DE', invalid: 'DE136695977' },
  { type: 'gb_vat', input: 'gb 980-780-684', value: 'GB980780684', country: 'GB', invalid: 'GB980780685' },
  { type: 'ch_vat', input: 'CHE116281710MWST', value: 'CHE-116.281.710 MWST', country: 'CH', invalid: 'CHE-116.281.711' },
  { type: 'no_vat', input: '965920358', value: '965920358MVA', country: 'NO', invalid: '995525829MVA' },
  { type: 'us_ein', input: '123456789', value: '12-3456789', country: 'US', invalid: '07-3456789' },
  { type: 'ca_bn', input: '123 456 789', value: '123456789', country: 'CA', invalid: '12345678' },
  { type: 'ca_gst_hst', input: '123456789 rt 0001', value: '123456789RT0001', country: 'CA', invalid: '123456789RC0001' },
  { type: 'au_abn', input: '51 824 753 556', value: '51824753556', country: 'AU', invalid: '51 824 753 557' },
  { type: 'in_gst', input: '27aapfu0939f1zv', value: '27AAPFU0939F1ZV', country: 'IN', invalid: '27AAPFU0939F1ZW' },
  { type: 'br_cnpj', input: '11222333000181', value: '11.222.333/0001-81', country: 'BR', invalid: '11.222.333/0001-82' },
  { type: 'br_cpf', input: '52998224725', value: '529.982.247-25', country: 'BR', invalid: '529.982.247-26' },
  { type: 'mx_rfc', input: 'mab 930714 8t4', value: 'MAB9307148T4', country: 'MX', invalid: 'GODE561331GR8' },
  { type: 'jp_cn', input: '5-8356-7825-6246', value: '5835678256246', country: 'JP', invalid: '5835678256247' },
  { type: 'sg_uen', input: 't01fc6132d', value: 'T01FC6132D', country: 'SG', invalid: 'X16FC0121D' },
  { type: 'za_vat', input: '4 123 456 789', value: '4123456789', country: 'ZA', invalid: '5123456789' },
];

/** EU VAT numbers whose country comes from the prefix (EL is Greece, XI Northern Ireland → GB). */
export const EU_VAT_EXAMPLES: ReadonlyArray<{ input: string; value: string; country: string; invalid: string; format: string }> = [
  { input: 'ATU13585627', value: 'ATU13585627', country: 'AT', invalid: 'ATU13585626', format: 'ATU12345678' },
  { input: 'el094259216', value: 'EL094259216', country: 'GR', invalid: 'EL094259217', format: 'EL123456789' },
  { input: 'GR094259216', value: 'EL094259216', country: 'GR', invalid: 'GR094259217', format: 'EL123456789' },
  { input: 'XI 980 7806 84', value: 'XI980780684', country: 'GB', invalid: 'XI980780685', format: 'XI123456789' },
  { input: 'NL 004495445B01', value: 'NL004495445B01', country: 'NL', invalid: 'NL004495446B01', format: 'NL123456789B12' },
  { input: 'IT00743110157', value: 'IT00743110157', country: 'IT', invalid: 'IT00743110158', format: 'IT12345678912' },
];

export const TAX_ID_FIELDS = ['country', 'created', 'customer', 'id', 'livemode', 'object', 'owner', 'type', 'value', 'verification'];
