/**
 * Stripe's dashboard customer export (Customers → Export, `unified_customers.csv`) mapped onto
 * the API's field names; docs/import-export.md lists every column and where the layout is
 * documented. Headers match case-insensitively; a column not listed is reported once and
 * ignored (the export has analytics columns such as Total Spend that have no field here).
 */

type Path = Array<string | number>;

/** A Stripe column and the API field (bracket path) its value goes to. */
const DIRECT: Record<string, Path> = {
  description: ['description'],
  email: ['email'],
  name: ['name'],
  phone: ['phone'],
  'tax exempt': ['tax_exempt'],
  'invoice prefix': ['invoice_prefix'],
  'address line1': ['address', 'line1'],
  'address line2': ['address', 'line2'],
  'address city': ['address', 'city'],
  'address state': ['address', 'state'],
  'address country': ['address', 'country'],
  'address zip': ['address', 'postal_code'],
  'address postal code': ['address', 'postal_code'],
  'shipping name': ['shipping', 'name'],
  'shipping phone': ['shipping', 'phone'],
  'shipping address line1': ['shipping', 'address', 'line1'],
  'shipping address line2': ['shipping', 'address', 'line2'],
  'shipping address city': ['shipping', 'address', 'city'],
  'shipping address state': ['shipping', 'address', 'state'],
  'shipping address country': ['shipping', 'address', 'country'],
  'shipping address zip': ['shipping', 'address', 'postal_code'],
  'shipping address postal code': ['shipping', 'address', 'postal_code'],
  'card id': ['payment_methods', 0, 'provider', 'reference'],
  'card last4': ['payment_methods', 0, 'card', 'last4'],
  'card exp month': ['payment_methods', 0, 'card', 'exp_month'],
  'card exp year': ['payment_methods', 0, 'card', 'exp_year'],
  'card funding': ['payment_methods', 0, 'card', 'funding'],
  'card issue country': ['payment_methods', 0, 'card', 'country'],
  'card name': ['payment_methods', 0, 'billing_details', 'name'],
  'card address line1': ['payment_methods', 0, 'billing_details', 'address', 'line1'],
  'card address line2': ['payment_methods', 0, 'billing_details', 'address', 'line2'],
  'card address city': ['payment_methods', 0, 'billing_details', 'address', 'city'],
  'card address state': ['payment_methods', 0, 'billing_details', 'address', 'state'],
  'card address country': ['payment_methods', 0, 'billing_details', 'address', 'country'],
  'card address zip': ['payment_methods', 0, 'billing_details', 'address', 'postal_code'],
};

/** Columns with a value that needs converting. */
type Converted = 'id' | 'created (utc)' | 'preferred locales' | 'card brand';

/** Stripe's display names of card brands → the API's brand values. */
const BRANDS: Record<string, string> = {
  visa: 'visa',
  mastercard: 'mastercard',
  'master card': 'mastercard',
  'american express': 'amex',
  amex: 'amex',
  discover: 'discover',
  'diners club': 'diners',
  diners: 'diners',
  jcb: 'jcb',
  unionpay: 'unionpay',
  'union pay': 'unionpay',
  unknown: 'unknown',
};

const METADATA = /^(.+) \(metadata\)$/i;

export interface StripeMapping {
  /** Builds the API-shaped row of one record (values stay text, as a form body's). */
  toFields(record: readonly string[]): Record<string, unknown>;
  /** Header columns that map to nothing. */
  ignored: string[];
}

function setPath(target: Record<string, unknown>, path: Path, value: unknown): void {
  let node: Record<string | number, unknown> = target;
  for (const [i, key] of path.entries()) {
    if (i === path.length - 1) {
      node[key] = value;
      return;
    }
    const next = node[key];
    if (next === undefined || next === null || typeof next !== 'object') node[key] = typeof path[i + 1] === 'number' ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  }
}

/** "2023-01-15 10:22" (the dashboard's Created (UTC)), with or without seconds, or ISO 8601 → Unix seconds. */
export function stripeCreated(text: string): number | string {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?Z?$/.exec(text.trim());
  if (!m) return text;
  const [, y, mo, d, h, mi, s] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  return Number.isNaN(ms) ? text : String(Math.floor(ms / 1000));
}

/** A header row looks like Stripe's export (its capitalised, spaced column names). */
export function looksLikeStripeExport(header: readonly string[]): boolean {
  const names = header.map((h) => h.trim());
  return names.includes('Created (UTC)') || names.some((h) => METADATA.test(h)) || (names[0] === 'id' && names.includes('Email'));
}

export function stripeMapping(header: readonly string[], options: { externalIdFromStripeId: boolean }): StripeMapping {
  const ignored: string[] = [];
  const setters = header.map((raw): ((row: Record<string, unknown>, value: string) => void) | null => {
    const column = raw.trim().toLowerCase();
    const direct = DIRECT[column];
    if (direct) return (row, value) => setPath(row, direct, value);
    const metadata = METADATA.exec(raw.trim());
    if (metadata) return (row, value) => setPath(row, ['metadata', (metadata[1] as string).trim()], value);
    switch (column as Converted) {
      case 'id':
        return (row, value) => {
          setPath(row, ['integrations', 0], { provider: 'stripe', provider_id: value });
          if (options.externalIdFromStripeId) row.external_id = value;
        };
      case 'created (utc)':
        return (row, value) => {
          row.created = stripeCreated(value);
        };
      case 'preferred locales':
        return (row, value) => {
          row.preferred_locales = value.split(/[\s,]+/).filter(Boolean);
        };
      case 'card brand':
        return (row, value) => setPath(row, ['payment_methods', 0, 'card', 'brand'], BRANDS[value.trim().toLowerCase()] ?? value);
      default:
        ignored.push(raw);
        return null;
    }
  });
  return {
    ignored,
    toFields(record) {
      const row: Record<string, unknown> = {};
      record.forEach((value, i) => {
        if (value === '') return;
        setters[i]?.(row, value);
      });
      // A Stripe card id names the processor's token: the reference of a stripe payment method.
      const methods = row.payment_methods as Array<Record<string, unknown>> | undefined;
      const method = methods?.[0];
      if (method) {
        const provider = method.provider as { reference?: string } | undefined;
        if (provider?.reference === undefined) delete row.payment_methods;
        else method.provider = { name: 'stripe', reference: provider.reference };
      }
      return row;
    },
  };
}
