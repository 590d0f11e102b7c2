/**
 * The bench's import file: NDJSON lines in the API's field names, one per generated customer
 * (dataset.mjs), as a team bringing its customers from another system would write them.
 * Streamed to disk, so 10^6 lines cost no memory.
 */
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { customerAt } from './dataset.mjs';

/** The import row of customer `index`: every writable field the generator fills, plus `created`. */
export function importRowAt(index, size, seed) {
  const c = customerAt(index, size, seed);
  return {
    external_id: c.external_id,
    email: c.email,
    name: c.name,
    business_name: c.business_name,
    first_name: c.first_name,
    last_name: c.last_name,
    phone: c.phone,
    description: c.description,
    notes: c.notes,
    address: c.address,
    shipping: c.shipping,
    balance: c.balance,
    invoice_prefix: c.invoice_prefix,
    invoice_settings: { custom_fields: c.invoice_settings.custom_fields, footer: c.invoice_settings.footer },
    next_invoice_sequence: c.next_invoice_sequence,
    preferred_locales: c.preferred_locales,
    tax_exempt: c.tax_exempt,
    metadata: c.metadata,
    created: c.created,
  };
}

/** Writes `count` rows (customers offset … offset + count - 1 of a dataset of `size`) to `path`. */
export async function writeImportFile(path, { count, size = count, offset = 0, seed }) {
  const out = createWriteStream(path);
  let chunk = '';
  for (let i = 0; i < count; i++) {
    chunk += `${JSON.stringify(importRowAt(offset + i, size, seed))}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
      chunk = '';
    }
  }
  out.end(chunk);
  await finished(out);
}
