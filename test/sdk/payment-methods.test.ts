/**
 * The official `stripe` SDK, unchanged, driving every payment method and tax id route
 * (SPEC PM-1 … PM-4, T-1, T-2) over real HTTP against a listening Clientele.
 */
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type TestApp } from '../helpers/harness.js';

const FUTURE_YEAR = new Date().getUTCFullYear() + 3;

/** Clientele's extension: methods vaulted by a processor carry its name and token. */
type ClientelePaymentMethod = Stripe.PaymentMethod & { provider: { name: string; reference: string } | null };

function clientele(pm: Stripe.PaymentMethod): ClientelePaymentMethod {
  return pm as ClientelePaymentMethod;
}

/** Runs `fn` and returns the error it raised (failing the test if it resolved). */
async function raised(fn: () => Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

const card = (overrides: Partial<Stripe.PaymentMethodCreateParams.Card> = {}): Stripe.PaymentMethodCreateParams => ({
  type: 'card',
  card: { number: '4242424242424242', exp_month: 12, exp_year: FUTURE_YEAR, cvc: '123', ...overrides },
});

describe.each(STORES)('stripe SDK: payment methods and tax ids (%s)', (kind) => {
  let t: TestApp;
  let base: { host: string; port: number; url: string };
  let stripe: Stripe;
  const sdk = (key: string) => new Stripe(key, { host: base.host, port: base.port, protocol: 'http', maxNetworkRetries: 0 });

  beforeAll(async () => {
    t = await createTestApp(kind);
    base = await t.listen();
    stripe = sdk(t.account.test);
  });
  afterAll(async () => t?.close());

  describe('paymentMethods', () => {
    it('create, retrieve, update, attach, detach and list', async () => {
      const customer = await stripe.customers.create({ name: 'SDK card holder' });
      const pm = await stripe.paymentMethods.create({
        ...card({ number: '5555555555554444', exp_month: 4 }),
        billing_details: { name: 'Ada', address: { country: 'gb' } },
        metadata: { source: 'sdk' },
      });
      expect(pm.object).toBe('payment_method');
      expect(pm.id).toMatch(/^pm_/);
      expect(pm.type).toBe('card');
      expect(pm.customer).toBeNull();
      expect(pm.livemode).toBe(false);
      expect(pm.card).toMatchObject({ brand: 'mastercard', last4: '4444', exp_month: 4, exp_year: FUTURE_YEAR, display_brand: 'mastercard' });
      expect(pm.card?.fingerprint).toMatch(/^[A-Za-z0-9_-]{16}$/);
      expect(pm.billing_details).toMatchObject({ name: 'Ada', address: { country: 'GB' } });
      expect(pm.metadata).toEqual({ source: 'sdk' });
      expect(clientele(pm).provider).toBeNull();
      expect(pm.lastResponse.statusCode).toBe(200);
      expect(JSON.stringify(pm)).not.toContain('5555555555554444');

      const got = await stripe.paymentMethods.retrieve(pm.id);
      expect(got.id).toBe(pm.id);
      expect(got.card).toEqual(pm.card);

      const updated = await stripe.paymentMethods.update(pm.id, {
        billing_details: { email: 'ada@example.com' },
        card: { exp_month: 5, exp_year: FUTURE_YEAR + 1 },
        metadata: { source: '', tier: 'gold' },
      });
      expect(updated.billing_details).toMatchObject({ name: 'Ada', email: 'ada@example.com' });
      expect(updated.card).toMatchObject({ exp_month: 5, exp_year: FUTURE_YEAR + 1, last4: '4444' });
      expect(updated.metadata).toEqual({ tier: 'gold' });

      const attached = await stripe.paymentMethods.attach(pm.id, { customer: customer.id });
      expect(attached.customer).toBe(customer.id);

      const listed = await stripe.paymentMethods.list({ customer: customer.id, type: 'card' });
      expect(listed.object).toBe('list');
      expect(listed.data.map((m) => m.id)).toEqual([pm.id]);

      const detached = await stripe.paymentMethods.detach(pm.id);
      expect(detached.customer).toBeNull();
      expect((await stripe.paymentMethods.list({ customer: customer.id })).data).toEqual([]);

      const again = await raised(() => stripe.paymentMethods.attach(pm.id, { customer: customer.id }));
      expect(again).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(again.statusCode).toBe(400);
    });

    it('a processor-vaulted method is created by reference (an extension the SDK passes through)', async () => {
      const params = {
        type: 'card',
        provider: { name: 'adyen', reference: '8415718415172200' },
        card: { brand: 'visa', last4: '1111', exp_month: 3, exp_year: FUTURE_YEAR },
      } as unknown as Stripe.PaymentMethodCreateParams;
      const pm = clientele(await stripe.paymentMethods.create(params));
      expect(pm.provider).toEqual({ name: 'adyen', reference: '8415718415172200' });
      expect(pm.card).toMatchObject({ brand: 'visa', last4: '1111', fingerprint: null });
    });

    it('lists page with the SDK’s auto-pagination', async () => {
      const customer = await stripe.customers.create();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const pm = await stripe.paymentMethods.create(card());
        await stripe.paymentMethods.attach(pm.id, { customer: customer.id });
        ids.push(pm.id);
      }
      const all = await stripe.customers.listPaymentMethods(customer.id, { limit: 2 }).autoPagingToArray({ limit: 100 });
      expect(all.map((m) => m.id)).toEqual([...ids].reverse());
      const viaList = await stripe.paymentMethods.list({ customer: customer.id, limit: 2 }).autoPagingToArray({ limit: 100 });
      expect(viaList.map((m) => m.id)).toEqual([...ids].reverse());
    });

    it('card errors surface as StripeCardError with Stripe’s codes and params', async () => {
      const cases: Array<[Partial<Stripe.PaymentMethodCreateParams.Card>, string, string]> = [
        [{ number: '4242424242424241' }, 'incorrect_number', 'card[number]'],
        [{ exp_month: 13 }, 'invalid_expiry_month', 'card[exp_month]'],
        [{ exp_year: new Date().getUTCFullYear() - 1 }, 'invalid_expiry_year', 'card[exp_year]'],
        [{ cvc: '12' }, 'invalid_cvc', 'card[cvc]'],
      ];
      for (const [overrides, code, param] of cases) {
        const error = await raised(() => stripe.paymentMethods.create(card(overrides)));
        expect(error, code).toBeInstanceOf(Stripe.errors.StripeCardError);
        expect(error.type).toBe('StripeCardError');
        expect(error.statusCode).toBe(402);
        expect(error.code).toBe(code);
        expect(error.param).toBe(param);
        expect(error.requestId).toMatch(/^req_/);
        expect(error.message).not.toContain('4242424242424241');
      }
      const missing = await raised(() => stripe.paymentMethods.create({ type: 'card', card: { number: '4242424242424242', exp_year: FUTURE_YEAR } }));
      expect(missing).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(missing.code).toBe('parameter_missing');
      expect(missing.param).toBe('card[exp_month]');
    });

    it('a missing or foreign method is resource_missing (404)', async () => {
      const other = sdk((await t.newAccount()).test);
      const pm = await other.paymentMethods.create(card());
      const error = await raised(() => stripe.paymentMethods.retrieve(pm.id));
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error.statusCode).toBe(404);
      expect(error.code).toBe('resource_missing');
    });
  });

  describe('customers', () => {
    it('listPaymentMethods and retrievePaymentMethod', async () => {
      const customer = await stripe.customers.create();
      const visa = await stripe.paymentMethods.create(card());
      const amex = await stripe.paymentMethods.create(card({ number: '378282246310005', cvc: '1234' }));
      await stripe.paymentMethods.attach(visa.id, { customer: customer.id });
      await stripe.paymentMethods.attach(amex.id, { customer: customer.id });

      const list = await stripe.customers.listPaymentMethods(customer.id, { type: 'card' });
      expect(list.object).toBe('list');
      expect(list.url).toBe(`/v1/customers/${customer.id}/payment_methods`);
      expect(list.data.map((m) => [m.id, m.card?.brand])).toEqual([
        [amex.id, 'amex'],
        [visa.id, 'visa'],
      ]);
      const one = await stripe.customers.retrievePaymentMethod(customer.id, amex.id);
      expect(one.id).toBe(amex.id);
      expect(one.customer).toBe(customer.id);

      const loose = await stripe.paymentMethods.create(card());
      const error = await raised(() => stripe.customers.retrievePaymentMethod(customer.id, loose.id));
      expect(error.statusCode).toBe(404);
      expect(error.code).toBe('resource_missing');
    });

    it('create with payment_method, invoice_settings.default_payment_method and expand', async () => {
      const pm = await stripe.paymentMethods.create(card());
      const customer = await stripe.customers.create({
        name: 'Defaulted',
        payment_method: pm.id,
        invoice_settings: { default_payment_method: pm.id },
        expand: ['invoice_settings.default_payment_method'],
      });
      const dpm = customer.invoice_settings.default_payment_method as Stripe.PaymentMethod;
      expect(dpm.object).toBe('payment_method');
      expect(dpm.id).toBe(pm.id);
      expect(dpm.customer).toBe(customer.id);

      const plain = await stripe.customers.retrieve(customer.id);
      expect((plain as Stripe.Customer).invoice_settings.default_payment_method).toBe(pm.id);
      const expanded = (await stripe.customers.retrieve(customer.id, { expand: ['invoice_settings.default_payment_method'] })) as Stripe.Customer;
      expect((expanded.invoice_settings.default_payment_method as Stripe.PaymentMethod).card?.last4).toBe('4242');

      // PM-4: only a method attached to this customer.
      const loose = await stripe.paymentMethods.create(card());
      const refused = await raised(() => stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: loose.id } }));
      expect(refused).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(refused.message).toBe(
        `The customer does not have a payment method with the ID ${loose.id}. The payment method must be attached to the customer.`,
      );
      expect(refused.param).toBe('invoice_settings[default_payment_method]');

      // Detaching the default clears it.
      await stripe.paymentMethods.detach(pm.id);
      expect(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).invoice_settings.default_payment_method).toBeNull();
      const list = await stripe.customers.list({ expand: ['data.invoice_settings.default_payment_method'], limit: 100 });
      expect(list.data.find((c) => c.id === customer.id)?.invoice_settings.default_payment_method).toBeNull();
    });

    it('create with tax_id_data and tax_exempt; createTaxId, listTaxIds, retrieveTaxId, deleteTaxId', async () => {
      const customer = await stripe.customers.create({
        name: 'Taxed GmbH',
        tax_exempt: 'reverse',
        tax_id_data: [{ type: 'eu_vat', value: 'DE 136 695 976' }],
        expand: ['tax_ids'],
      });
      expect(customer.tax_exempt).toBe('reverse');
      expect(customer.tax_ids?.data.map((x) => [x.type, x.value, x.country])).toEqual([['eu_vat', 'DE136695976', 'DE']]);

      const abn = await stripe.customers.createTaxId(customer.id, { type: 'au_abn', value: '51 824 753 556' });
      expect(abn).toMatchObject({ object: 'tax_id', type: 'au_abn', value: '51824753556', country: 'AU', customer: customer.id });
      expect(abn.verification?.status).toBe('unverified');
      expect(abn.id).toMatch(/^txi_/);

      const listed = await stripe.customers.listTaxIds(customer.id);
      expect(listed.data.map((x) => x.id)).toEqual([abn.id, customer.tax_ids?.data[0]?.id]);
      const one = await stripe.customers.retrieveTaxId(customer.id, abn.id);
      expect(one.value).toBe('51824753556');

      const deleted = await stripe.customers.deleteTaxId(customer.id, abn.id);
      expect(deleted).toMatchObject({ id: abn.id, object: 'tax_id', deleted: true });
      expect((await stripe.customers.listTaxIds(customer.id)).data).toHaveLength(1);

      const invalid = await raised(() => stripe.customers.createTaxId(customer.id, { type: 'br_cpf', value: '529.982.247-26' }));
      expect(invalid).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(invalid.code).toBe('tax_id_invalid');
      expect(invalid.param).toBe('value');
      expect(invalid.message).toContain('check digit is wrong');
      expect(invalid.message).toContain('529.982.247-25');

      const onCreate = await raised(() => stripe.customers.create({ tax_id_data: [{ type: 'gb_vat', value: 'GB980780685' }] }));
      expect(onCreate.code).toBe('tax_id_invalid');
      expect(onCreate.param).toBe('tax_id_data[0][value]');

      const updated = await stripe.customers.update(customer.id, { tax_exempt: 'exempt', expand: ['tax_ids'] });
      expect(updated.tax_exempt).toBe('exempt');
      expect(updated.tax_ids?.data).toHaveLength(1);
    });
  });
});
