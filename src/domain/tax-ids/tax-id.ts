export interface TaxIdRecord {
  id: string;
  livemode: boolean;
  created: number;
  customer_id: string;
  type: string;
  value: string;
  country: string | null;
  verification_status: 'unverified' | 'pending' | 'verified' | 'unavailable';
}

/** Stripe's limit of tax ids per customer. */
export const MAX_TAX_IDS_PER_CUSTOMER = 25;
