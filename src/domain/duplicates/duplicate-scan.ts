import type { DuplicateReason, DuplicateSignal, Repositories, SignalRow } from '../../store/port.js';
import type { Scope } from '../scope.js';
import { duplicateScore, sortedReasons } from './duplicate-score.js';

/** A probable duplicate pair of the account, `a` < `b`. */
export interface DuplicatePair {
  a: string;
  b: string;
  score: number;
  reasons: DuplicateReason[];
}

/** Each signal's index, and for a contact's, the customer column its key is also looked up in. */
const SIGNALS: ReadonlyArray<{ signal: DuplicateSignal; reason: DuplicateReason; alsoCustomers?: 'email_match' | 'phone_e164' }> = [
  { signal: 'customer_email', reason: 'email' },
  { signal: 'contact_email', reason: 'email', alsoCustomers: 'email_match' },
  { signal: 'customer_phone', reason: 'phone' },
  { signal: 'contact_phone', reason: 'phone', alsoCustomers: 'phone_e164' },
  { signal: 'tax_id', reason: 'tax_id' },
  { signal: 'name_address', reason: 'name_address' },
];

/**
 * Customers one key may pair up: past this a key (a shared office phone, a reseller's tax id)
 * says nothing about any two of them, and pairs would grow with its square.
 */
export const MAX_GROUP = 50;
const PAGE = 2000;
const FLUSH_EVERY = 500;

/**
 * Every probable pair of the account (docs/merging.md#the-command): each signal's index is read
 * once in key order (keyset pages), customers sharing a key form a group, and each group's
 * pairs are noted with the signal. Rows read are proportional to the customers (and their
 * contacts and tax ids), groups are bounded, so the time grows linearly with the account.
 * Reads through one snapshot; `onRows` reports rows read so far.
 */
export async function scanDuplicatePairs(
  repos: Repositories,
  scope: Scope,
  options: { minScore: number; onRows?: (rows: number) => void },
): Promise<DuplicatePair[]> {
  const pairs = new Map<string, DuplicateReason[]>();
  let read = 0;
  const note = (group: readonly string[], reason: DuplicateReason) => {
    const members = [...new Set(group)].sort();
    if (members.length < 2 || members.length > MAX_GROUP) return;
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) {
        const key = `${members[i]} ${members[j]}`;
        const reasons = pairs.get(key);
        if (reasons) {
          if (!reasons.includes(reason)) reasons.push(reason);
        } else pairs.set(key, [reason]);
      }
    }
  };
  for (const { signal, reason, alsoCustomers } of SIGNALS) {
    let after: SignalRow | null = null;
    // Groups closed but not yet noted: a contact's key is also looked up among the customers'
    // own, a few hundred keys per query (index-backed), so a contact pairs with a customer.
    let closed: Array<[string, string[]]> = [];
    const flush = async () => {
      if (alsoCustomers) {
        const holders = new Map<string, string[]>();
        for (const row of await repos.duplicates.customersByKeys(scope, alsoCustomers, closed.map(([key]) => key))) {
          holders.set(row.key, [...(holders.get(row.key) ?? []), row.customerId]);
        }
        for (const [key, members] of closed) note([...members, ...(holders.get(key) ?? [])], reason);
      } else for (const [, members] of closed) note(members, reason);
      closed = [];
    };
    let group: string[] = [];
    let groupKey: string | null = null;
    for (;;) {
      const rows = await repos.duplicates.signalPage(scope, signal, after, PAGE);
      for (const row of rows) {
        if (row.key !== groupKey) {
          if (groupKey !== null) closed.push([groupKey, group]);
          group = [];
          groupKey = row.key;
        }
        group.push(row.customerId);
      }
      if (closed.length >= FLUSH_EVERY) await flush();
      read += rows.length;
      options.onRows?.(read);
      if (rows.length < PAGE) break;
      after = rows[rows.length - 1] ?? null;
    }
    if (groupKey !== null) closed.push([groupKey, group]);
    await flush();
  }
  const out: DuplicatePair[] = [];
  for (const [key, reasons] of pairs) {
    const score = duplicateScore(reasons);
    if (score < options.minScore) continue;
    const [a, b] = key.split(' ') as [string, string];
    out.push({ a, b, score, reasons: sortedReasons(reasons) });
  }
  return out;
}
