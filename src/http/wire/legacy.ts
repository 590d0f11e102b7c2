import { legacyApiUnsupported, type ApiError } from '../../domain/errors.js';

const PAYMENT_METHODS =
  'Save cards as payment methods instead: POST /v1/payment_methods (card[number], or provider[name] and provider[reference] for a card vaulted with your processor), then POST /v1/payment_methods/:id/attach; see /docs/payment-methods.';

/** Stripe's legacy card APIs, which Clientele deliberately does not serve (docs/differences-from-stripe.md). */
const LEGACY_ROUTES: ReadonlyArray<[RegExp, string]> = [
  [/^\/v1\/tokens(\/|$)/, `Clientele does not issue tokens (/v1/tokens). ${PAYMENT_METHODS}`],
  [/^\/v1\/sources(\/|$)/, `Clientele does not serve Sources (/v1/sources). ${PAYMENT_METHODS}`],
  [/^\/v1\/customers\/[^/]+\/sources(\/|$)/, `Clientele does not serve a customer's sources. ${PAYMENT_METHODS} To list a customer's: GET /v1/customers/:id/payment_methods.`],
  [/^\/v1\/customers\/[^/]+\/cards(\/|$)/, `Clientele does not serve a customer's cards (a legacy Stripe API). ${PAYMENT_METHODS}`],
];

/** The answer for a legacy Stripe URL, or null when the URL is simply unknown. */
export function legacyRoute(path: string): ApiError | null {
  for (const [pattern, message] of LEGACY_ROUTES) if (pattern.test(path)) return legacyApiUnsupported(message);
  return null;
}

/** `source` on a customer write (Stripe's legacy default source). */
export function legacySourceParameter(): ApiError {
  return legacyApiUnsupported(`Clientele does not take a source on customers. ${PAYMENT_METHODS} Then make it the default with invoice_settings[default_payment_method].`, 'source');
}
