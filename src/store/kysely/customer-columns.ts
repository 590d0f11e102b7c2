import { sql, type Selectable } from 'kysely';
import type { CustomersTable } from '../schema.js';

/**
 * The columns a customer record is built from: every column but `body`, the stored API
 * representation (about a kilobyte a row), which only the retrieve reads.
 */
export const CUSTOMER_RECORD_COLUMNS = [
  'account_id',
  'livemode',
  'id',
  'seq',
  'created',
  'updated',
  'deleted',
  'version',
  'external_id',
  'email',
  'email_key',
  'name',
  'business_name',
  'individual_name',
  'first_name',
  'last_name',
  'phone',
  'phone_e164',
  'description',
  'notes',
  'address',
  'shipping',
  'balance',
  'currency',
  'invoice_prefix',
  'invoice_settings',
  'next_invoice_sequence',
  'preferred_locales',
  'tax_exempt',
  'metadata',
  'parent_id',
  'delinquent_after',
  'stats',
  'merged_into',
  'merged_from',
  'created_by',
  'updated_by',
] as const satisfies readonly Exclude<keyof CustomersTable, DerivedColumn>[];

/** Columns computed from the record on every write, never read back into it. */
type DerivedColumn = 'body' | 'email_match' | 'name_address_key';

// A column added to CustomersTable must be added above (or deliberately left out like `body`).
type Unlisted = Exclude<keyof CustomersTable, DerivedColumn | (typeof CUSTOMER_RECORD_COLUMNS)[number]>;
const everyColumnListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyColumnListed;

export type CustomerRecordRow = Pick<Selectable<CustomersTable>, (typeof CUSTOMER_RECORD_COLUMNS)[number]>;

/** `customers.account_id, customers.livemode, …` for raw SQL. */
export const customerRecordColumnsSql = sql.join(CUSTOMER_RECORD_COLUMNS.map((column) => sql.ref(`customers.${column}`)));
