import { e164, emailKey, mergeMetadata, singleLine, validateEmail } from '../customers/customer-rules.js';
import { CONTACT_ROLES, type ContactRecord, type ContactRole } from './contact.js';

/** A contact write as it arrives from the wire (shape-checked by the route schema); null unsets. */
export interface ContactInput {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  roles?: ContactRole[] | null;
  receives_invoices?: boolean;
  notes?: string | null;
  metadata?: Record<string, string | null> | null;
}

/** A set: each role once, in CONTACT_ROLES order, however it was sent. */
function roleSet(roles: readonly ContactRole[]): ContactRole[] {
  return CONTACT_ROLES.filter((role) => roles.includes(role));
}

/** The contact as it is after `input` (pure): given fields replace, null unsets, metadata merges. */
export function applyContactInput(current: ContactRecord, input: ContactInput): ContactRecord {
  const next: ContactRecord = { ...current };
  if (input.name !== undefined) {
    singleLine('name', input.name);
    next.name = input.name;
  }
  if (input.email !== undefined) {
    singleLine('email', input.email);
    if (input.email !== null) validateEmail(input.email);
    next.email = input.email;
    next.email_key = emailKey(input.email);
  }
  if (input.phone !== undefined) {
    singleLine('phone', input.phone);
    next.phone = input.phone;
    next.phone_e164 = e164(input.phone);
  }
  if (input.roles !== undefined) next.roles = roleSet(input.roles ?? []);
  if (input.receives_invoices !== undefined) next.receives_invoices = input.receives_invoices;
  if (input.notes !== undefined) next.notes = input.notes;
  if (input.metadata !== undefined) next.metadata = mergeMetadata(current.metadata, input.metadata);
  return next;
}
