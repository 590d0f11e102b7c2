/** A customer's record in another system (SPEC I-1). */
export interface IntegrationRecord {
  id: string;
  livemode: boolean;
  created: number;
  customer_id: string;
  provider: string;
  provider_id: string;
  metadata: Record<string, string>;
}
