import { Type, type TProperties } from '@sinclair/typebox';
import { luhnValid } from '../../domain/payment-methods/card.js';
import { ApiError, cardNumberNotAccepted } from '../../domain/errors.js';
import type { ImportRow, PreparedRow } from '../../domain/bulk/import-row.js';
import { CreateCustomerBody, UpdateCustomerBody } from '../../http/routes/customers/schemas.js';
import { CreateIntegrationBody } from '../../http/routes/integrations/schemas.js';
import { CreatePaymentMethodBody } from '../../http/routes/payment-methods/schemas.js';
import { TaxIdData } from '../../http/routes/tax-ids/schemas.js';
import { paramCheck } from '../../http/wire/param-check.js';
import { Strict } from '../../http/wire/schema-kit.js';

/**
 * One import row's schema, built from the API's own request schemas (the same property schemas,
 * so a field's limits, the normaliser's rules and the error a violation gives are the API's):
 * the customer's writable fields as POST /v1/customers takes them, plus what an export line
 * carries beside them. Read-only fields of an exported object are accepted and ignored, except
 * ids and creation times, which an import keeps.
 */
const Ignored = Type.Optional(Type.Unknown({ description: 'Read-only in the API: accepted and ignored.' }));
const KeptId = (prefix: string) => Type.Optional(Type.String({ pattern: `^${prefix}_[0-9A-Za-z]{8,64}$`, maxLength: 80 }));
const Created = Type.Optional(Type.Integer({ minimum: 0, maximum: 4_102_444_800 }));

function without<T extends TProperties, K extends string>(properties: T, ...keys: K[]): Omit<T, K> {
  const out: TProperties = { ...properties };
  for (const key of keys) delete out[key];
  return out as Omit<T, K>;
}

const TaxIdItem = Strict({
  ...TaxIdData.properties,
  id: KeptId('txi'),
  created: Created,
  object: Ignored,
  country: Ignored,
  customer: Ignored,
  livemode: Ignored,
  owner: Ignored,
  verification: Ignored,
});

const IntegrationItem = Strict({
  ...without(CreateIntegrationBody.properties, 'expand'),
  id: KeptId('int'),
  created: Created,
  object: Ignored,
  customer: Ignored,
  livemode: Ignored,
});

const cardProperties = CreatePaymentMethodBody.properties.card.properties;
const PaymentMethodItem = Strict({
  ...without(CreatePaymentMethodBody.properties, 'expand', 'type', 'card', 'provider'),
  type: Type.Optional(CreatePaymentMethodBody.properties.type),
  // A card's display details only: a number or CVC is refused before this schema (below).
  card: Type.Optional(Strict({ ...without(cardProperties, 'number', 'cvc'), display_brand: Ignored, fingerprint: Ignored })),
  provider: CreatePaymentMethodBody.properties.provider,
  id: KeptId('pm'),
  created: Created,
  object: Ignored,
  customer: Ignored,
  livemode: Ignored,
});

export const ImportRowSchema = Strict({
  ...without(UpdateCustomerBody.properties, 'expand'),
  tax_id_data: CreateCustomerBody.properties.tax_id_data,
  tax_ids: Type.Optional(Type.Array(TaxIdItem, { maxItems: 25 })),
  integrations: Type.Optional(Type.Array(IntegrationItem, { maxItems: 100 })),
  payment_methods: Type.Optional(Type.Array(PaymentMethodItem, { maxItems: 100 })),
  id: KeptId('cus'),
  created: Created,
  object: Type.Optional(Type.Literal('customer')),
  deleted: Type.Optional(Type.Boolean()),
  livemode: Ignored,
  updated: Ignored,
  currency: Ignored,
  default_source: Ignored,
  delinquent: Ignored,
  discount: Ignored,
  test_clock: Ignored,
  created_by: Ignored,
  updated_by: Ignored,
  children_count: Ignored,
});

type CheckedRow = Record<string, unknown> & {
  id?: string;
  created?: number;
  deleted?: boolean;
  tax_ids?: ImportRow['taxIds'];
  integrations?: ImportRow['integrations'];
  payment_methods?: ImportRow['paymentMethods'];
};

const checkRow = paramCheck<CheckedRow>(ImportRowSchema);

/** 13–19 digits, optionally grouped by spaces or dashes, that pass the Luhn check: a card number. */
const DIGIT_RUN = /\d(?:[ -]?\d){12,18}/g;
export function containsCardNumber(text: string): boolean {
  for (const match of text.matchAll(DIGIT_RUN)) {
    const digits = match[0].replace(/[ -]/g, '');
    if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) return true;
  }
  return false;
}

/** Replaces anything that looks like a card number (report text, defence in depth). */
export function redactCardNumbers(text: string): string {
  return text.replace(DIGIT_RUN, (run) => {
    const digits = run.replace(/[ -]/g, '');
    return digits.length >= 13 && digits.length <= 19 && luhnValid(digits) ? '[redacted]' : run;
  });
}

/** The first field of a payment method that holds a card number, or null. */
function cardNumberIn(value: unknown, path: string): string | null {
  if (typeof value === 'string') return containsCardNumber(value) ? path : null;
  if (typeof value === 'number') return containsCardNumber(String(value)) ? path : null;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, child] of Object.entries(value)) {
    const found = cardNumberIn(child, `${path}[${key}]`);
    if (found) return found;
  }
  return null;
}

/** Refuses a row that carries a card number in any payment method, before anything else reads it. */
function refuseCardNumbers(fields: Record<string, unknown>): void {
  const methods = fields.payment_methods;
  if (methods === undefined || methods === null || typeof methods !== 'object') return;
  for (const [i, method] of Object.entries(methods as Record<string, unknown>)) {
    const prefix = `payment_methods[${i}]`;
    const card = (method as { card?: unknown } | null)?.card;
    if (card !== null && typeof card === 'object') {
      for (const secret of ['number', 'cvc']) {
        if (Object.hasOwn(card, secret)) throw cardNumberNotAccepted(`${prefix}[card][${secret}]`);
      }
    }
    const found = cardNumberIn(method, prefix);
    if (found) throw cardNumberNotAccepted(found);
  }
}

/**
 * Checks one row as the API checks a request (`coerce`: its values arrived as text, as in a form
 * body or a CSV cell) and splits it into the customer's input and the objects it owns.
 */
export function prepareRow(row: number, fields: unknown, coerce: boolean): PreparedRow {
  try {
    if (fields !== null && typeof fields === 'object' && !Array.isArray(fields)) refuseCardNumbers(fields as Record<string, unknown>);
    const checked = checkRow(fields, { coerce });
    if (checked.deleted === true) return { row, kind: 'tombstone' };
    const {
      id,
      created,
      tax_ids: taxIds,
      integrations,
      payment_methods: paymentMethods,
      object: _object,
      deleted: _deleted,
      livemode: _livemode,
      updated: _updated,
      currency: _currency,
      default_source: _defaultSource,
      delinquent: _delinquent,
      discount: _discount,
      test_clock: _testClock,
      created_by: _createdBy,
      updated_by: _updatedBy,
      children_count: _childrenCount,
      ...input
    } = checked;
    return {
      row,
      kind: 'row',
      value: {
        ...(id !== undefined && { id }),
        ...(created !== undefined && { created }),
        input: input as ImportRow['input'],
        taxIds: (taxIds ?? []).map(({ id: taxId, created: at, type, value }) => ({ type, value, ...(taxId !== undefined && { id: taxId }), ...(at !== undefined && { created: at }) })),
        integrations: (integrations ?? []).map(({ id: integrationId, created: at, provider, provider_id, metadata }) => ({
          provider,
          provider_id,
          ...(metadata !== undefined && { metadata }),
          ...(integrationId !== undefined && { id: integrationId }),
          ...(at !== undefined && { created: at }),
        })),
        paymentMethods: (paymentMethods ?? []).map((pm) => {
          const { object: _o, customer: _c, livemode: _l, type: _t, card, ...rest } = pm as ImportRow['paymentMethods'][number] & Record<string, unknown>;
          const display = card && Object.fromEntries(Object.entries(card).filter(([key]) => key !== 'display_brand' && key !== 'fingerprint'));
          return { ...rest, ...(display && { card: display }) } as ImportRow['paymentMethods'][number];
        }),
      },
    };
  } catch (error) {
    if (error instanceof ApiError) return { row, kind: 'invalid', error };
    throw error;
  }
}
