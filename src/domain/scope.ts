/**
 * Every query of customer data is scoped by account and mode (SPEC A-2): another account's or
 * mode's object does not exist for the caller. The store builds every query of an
 * account-owned table through this scope (src/store/kysely/tenant.ts).
 */
export interface Scope {
  readonly accountId: string;
  readonly livemode: boolean;
}
