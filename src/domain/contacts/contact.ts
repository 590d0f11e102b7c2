/** What a contact does for its customer (SPEC K-1); a contact's roles are a set of these. */
export const CONTACT_ROLES = ['billing', 'technical', 'primary', 'legal', 'other'] as const;

export type ContactRole = (typeof CONTACT_ROLES)[number];

/** One person of a business customer (SPEC K-1). */
export interface ContactRecord {
  id: string;
  livemode: boolean;
  created: number;
  updated: number;
  version: number;
  customer_id: string;
  name: string | null;
  email: string | null;
  /** Case-folded email: unique per customer, and what `contact_email:` search matches. */
  email_key: string | null;
  /** As given; its E.164 form beside it, so a search by the number in any formatting finds it. */
  phone: string | null;
  phone_e164: string | null;
  /** In CONTACT_ROLES order, each at most once. */
  roles: ContactRole[];
  /** Copied on the customer's invoices. */
  receives_invoices: boolean;
  notes: string | null;
  metadata: Record<string, string>;
}

/** SPEC K-1: the most contacts one customer can have. */
export const MAX_CONTACTS_PER_CUSTOMER = 100;
