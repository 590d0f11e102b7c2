import type { CustomerRecord } from '../customers/customer.js';
import { mergeMetadata } from '../customers/customer-rules.js';
import { mergeExternalIdConflict } from '../errors.js';

/** What a merge request may say about the fields (docs/merging.md). */
export interface MergeChoices {
  /** Whose non-null values win: the target's (default) or the source's. */
  prefer: 'target' | 'source';
  /** Which external id survives when both have one (required then); the other becomes an alias. */
  externalId?: 'target' | 'source';
}

/** The survivor's fields, and the external id the source's tombstone keeps as an alias. */
export interface MergedFields {
  target: CustomerRecord;
  alias: string | null;
}

/** `notes` from both, the source's marked with its id, so nobody's note is lost. */
export function mergedNotes(target: string | null, source: CustomerRecord): string | null {
  if (source.notes === null || source.notes === '') return target;
  const marked = `[merged from ${source.id}] ${source.notes}`;
  return target === null || target === '' ? marked : `${target}\n\n${marked}`;
}

/** The external id the survivor keeps, and the one that becomes an alias. */
function externalIds(target: CustomerRecord, source: CustomerRecord, choices: MergeChoices): { kept: string | null; alias: string | null } {
  const [t, s] = [target.external_id, source.external_id];
  if (t === null || s === null || t === s) return { kept: t ?? s, alias: null };
  if (choices.externalId === undefined) throw mergeExternalIdConflict(t, s);
  return choices.externalId === 'source' ? { kept: s, alias: t } : { kept: t, alias: s };
}

/**
 * The target's fields after absorbing the source: the preferred side's non-null values, the
 * other's where those are null; metadata the union (the preferred side wins a key); notes from
 * both; the default payment method the target's, else the source's; balances added. `parent`
 * and what the store derives (delinquency) are the merge service's.
 */
export function mergeFields(target: CustomerRecord, source: CustomerRecord, choices: MergeChoices): MergedFields {
  const [first, second] = choices.prefer === 'source' ? [source, target] : [target, source];
  const pick = <K extends keyof CustomerRecord>(key: K): CustomerRecord[K] => (first[key] ?? second[key]) as CustomerRecord[K];
  const { kept, alias } = externalIds(target, source, choices);
  // email and email_key, phone and phone_e164 travel in pairs.
  const email = first.email !== null ? first : second;
  const phone = first.phone !== null ? first : second;
  const fs = first.invoice_settings;
  const ss = second.invoice_settings;
  const merged: CustomerRecord = {
    ...target,
    external_id: kept,
    email: email.email,
    email_key: email.email_key,
    phone: phone.phone,
    phone_e164: phone.phone_e164,
    name: pick('name'),
    business_name: pick('business_name'),
    individual_name: pick('individual_name'),
    first_name: pick('first_name'),
    last_name: pick('last_name'),
    description: pick('description'),
    address: pick('address'),
    shipping: pick('shipping'),
    currency: pick('currency'),
    preferred_locales: first.preferred_locales.length > 0 ? first.preferred_locales : second.preferred_locales,
    tax_exempt: first.tax_exempt !== 'none' ? first.tax_exempt : second.tax_exempt,
    balance: target.balance + source.balance,
    notes: mergedNotes(target.notes, source),
    invoice_settings: {
      custom_fields: fs.custom_fields ?? ss.custom_fields,
      default_payment_method: target.invoice_settings.default_payment_method ?? source.invoice_settings.default_payment_method,
      footer: fs.footer ?? ss.footer,
      rendering_options: fs.rendering_options ?? ss.rendering_options,
    },
    metadata: mergeMetadata(second.metadata, first.metadata),
    merged_from: [...(target.merged_from ?? []), source.id, ...(source.merged_from ?? [])],
  };
  return { target: merged, alias };
}
