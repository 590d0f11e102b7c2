import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORES, type Api, type TestApp } from '../../helpers/harness.js';
import { createCustomer, expectError, missingCustomerId, postForm } from '../customers/support.js';
import { createCharge, createInvoice, eventsOf, INVOICE_FIELDS, listIds, transition } from '../charges/support.js';

/** SPEC S-1: invoices billing systems report, through Stripe's lifecycle, over HTTP. */
describe.each(STORES)('invoices (%s)', (kind) => {
  let t: TestApp;
  let api: Api;
  beforeAll(async () => {
    t = await createTestApp(kind);
    api = t.api();
  });
  afterAll(async () => t?.close());

  it('a draft shows every field, its lines with their amounts, and writes invoice.created', async () => {
    const customer = await createCustomer(api, { name: 'Ada', email: 'ada@example.com', address: { line1: '1 Main St', country: 'GB' } });
    const res = await api.post('/v1/invoices', {
      customer: customer.id,
      currency: 'EUR',
      description: 'March',
      due_date: 1_900_000_000,
      metadata: { po: '77' },
      lines: [
        { description: 'Seats', quantity: 3, unit_amount: 1200 },
        { description: 'Setup', unit_amount: 5000 },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const inv = res.body;
    expect(Object.keys(inv)).toEqual(INVOICE_FIELDS);
    expect(inv).toMatchObject({
      object: 'invoice',
      amount_due: 8600,
      amount_paid: 0,
      amount_remaining: 8600,
      charge: null,
      currency: 'eur',
      customer: customer.id,
      customer_address: null,
      customer_email: null,
      customer_name: null,
      description: 'March',
      due_date: 1_900_000_000,
      livemode: false,
      metadata: { po: '77' },
      number: null,
      paid: false,
      paid_out_of_band: false,
      status: 'draft',
      status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
      subtotal: 8600,
      total: 8600,
    });
    expect(inv.id).toMatch(/^in_[0-9A-Za-z]{26}$/);
    expect(inv.lines).toMatchObject({ object: 'list', url: `/v1/invoices/${inv.id}/lines`, has_more: false });
    expect(inv.lines.data).toEqual([
      { id: expect.stringMatching(/^il_/), object: 'line_item', amount: 3600, currency: 'eur', description: 'Seats', quantity: 3, unit_amount: 1200 },
      { id: expect.stringMatching(/^il_/), object: 'line_item', amount: 5000, currency: 'eur', description: 'Setup', quantity: 1, unit_amount: 5000 },
    ]);
    expect((await api.get(`/v1/invoices/${inv.id}`)).body).toEqual(inv);
    const event = (await eventsOf(api, 'invoice.created')).find((e) => e.data.object.id === inv.id);
    expect(event?.data.object).toEqual(inv);
  });

  it('defaults the currency to the customer’s, and needs one', async () => {
    const withCurrency = await createCustomer(api, {});
    expectError(await api.post('/v1/invoices', { customer: withCurrency.id }), 400, { code: 'parameter_missing', param: 'currency' });
    expectError(await api.post('/v1/invoices', { customer: withCurrency.id, currency: 'zzz' }), 400, { code: 'parameter_invalid', param: 'currency' });
    expectError(await api.post('/v1/invoices', { customer: missingCustomerId(), currency: 'usd' }), 400, { code: 'resource_missing', param: 'customer' });
    const empty = await createInvoice(api, withCurrency.id, { lines: [] });
    expect(empty).toMatchObject({ total: 0, lines: { data: [] } });
  });

  it('takes 250 lines in a form body and in JSON, not 251; a line or a total over 99,999,999 is refused', async () => {
    const customer = (await createCustomer(api)).id;
    const lines = (n: number) => Array.from({ length: n }, (_, i) => ({ description: `Line ${i}`, quantity: 1, unit_amount: i + 1 }));
    const form = await api.post('/v1/invoices', { customer, currency: 'usd', lines: lines(250) });
    expect(form.status, JSON.stringify(form.body).slice(0, 300)).toBe(200);
    expect(form.body.lines.data).toHaveLength(250);
    expect(form.body.total).toBe((250 * 251) / 2);
    expect(form.body.lines.data[249].description).toBe('Line 249');
    const json = await api.postJson('/v1/invoices', { customer, currency: 'usd', lines: lines(250) });
    expect(json.status).toBe(200);
    expectError(await api.post('/v1/invoices', { customer, currency: 'usd', lines: lines(251) }), 400, { code: 'body_invalid' });
    expectError(await api.postJson('/v1/invoices', { customer, currency: 'usd', lines: lines(251) }), 400, {
      code: 'parameter_invalid_too_many_items',
      param: 'lines',
    });
    // Other lists keep their bound of 100 items in a form body.
    const many = Array.from({ length: 101 }, (_, i) => `expand[${i}]=x`).join('&');
    expectError(await postForm(api, '/v1/invoices', `customer=${customer}&${many}`), 400, { code: 'body_invalid' });
    expectError(await api.post('/v1/invoices', { customer, currency: 'usd', lines: [{ quantity: 2, unit_amount: 60_000_000 }] }), 400, {
      code: 'amount_too_large',
      param: 'lines[0]',
    });
    expectError(
      await api.post('/v1/invoices', { customer, currency: 'usd', lines: [{ unit_amount: 60_000_000 }, { unit_amount: 60_000_000 }] }),
      400,
      { code: 'amount_too_large', param: 'lines' },
    );
    expectError(await api.post('/v1/invoices', { customer, currency: 'usd', lines: [{ quantity: 0, unit_amount: 1 }] }), 400, {
      code: 'parameter_invalid_integer',
      param: 'lines[0][quantity]',
    });
    expectError(await api.post('/v1/invoices', { customer, currency: 'usd', lines: [{ description: 'x' }] }), 400, {
      code: 'parameter_missing',
      param: 'lines[0][unit_amount]',
    });
  });

  it('finalize numbers it from the customer’s prefix and sequence and copies the customer’s contact details', async () => {
    const customer = await createCustomer(api, { invoice_prefix: 'ACMEF', name: 'Grace', email: 'grace@example.com', address: { city: 'Oslo', country: 'NO' } });
    const first = await createInvoice(api, customer.id);
    const second = await createInvoice(api, customer.id);
    const finalized = await transition(api, second.id, 'finalize');
    expect(finalized).toMatchObject({
      status: 'open',
      number: 'ACMEF-0001',
      customer_name: 'Grace',
      customer_email: 'grace@example.com',
      customer_address: { city: 'Oslo', country: 'NO', line1: null },
      amount_remaining: 1000,
    });
    expect(finalized.status_transitions).toMatchObject({ finalized_at: expect.any(Number) });
    expect((await transition(api, first.id, 'finalize')).number).toBe('ACMEF-0002');
    const after = (await api.get(`/v1/customers/${customer.id}`)).body;
    expect(after.next_invoice_sequence).toBe(3);
    const updated = (await eventsOf(api, 'customer.updated')).find((e) => e.data.object.id === customer.id);
    expect(updated?.data.previous_attributes).toEqual({ next_invoice_sequence: 2 });
    expect((await eventsOf(api, 'invoice.finalized')).some((e) => e.data.object.id === second.id)).toBe(true);
    // A later change of the customer does not change a final invoice.
    await api.post(`/v1/customers/${customer.id}`, { name: 'Grace H.' });
    expect((await api.get(`/v1/invoices/${second.id}`)).body.customer_name).toBe('Grace');
    // Numbers continue from next_invoice_sequence, as set on the customer.
    await api.post(`/v1/customers/${customer.id}`, { next_invoice_sequence: 40 });
    expect((await transition(api, (await createInvoice(api, customer.id)).id, 'finalize')).number).toBe('ACMEF-0040');
    // Set back to a number already used: refused, nothing changes.
    await api.post(`/v1/customers/${customer.id}`, { next_invoice_sequence: 1 });
    const draft = await createInvoice(api, customer.id);
    expectError(await api.post(`/v1/invoices/${draft.id}/finalize`, {}), 400, { code: 'invoice_number_taken', param: 'next_invoice_sequence' });
    expect((await api.get(`/v1/invoices/${draft.id}`)).body).toMatchObject({ status: 'draft', number: null });
    expect((await api.get(`/v1/customers/${customer.id}`)).body.next_invoice_sequence).toBe(1);
  });

  it('an invoice that asks for nothing is paid when finalized', async () => {
    const inv = await createInvoice(api, (await createCustomer(api)).id, { lines: [] });
    const done = await transition(api, inv.id, 'finalize');
    expect(done).toMatchObject({ status: 'paid', paid: true, amount_remaining: 0, number: expect.any(String) });
    expect((await eventsOf(api, 'invoice.paid')).some((e) => e.data.object.id === inv.id)).toBe(true);
  });

  it('pay records an out-of-band payment, optionally naming the customer’s succeeded charge that paid it', async () => {
    const customer = (await createCustomer(api)).id;
    const inv = await transition(api, (await createInvoice(api, customer)).id, 'finalize');
    const charge = await createCharge(api, customer, { amount: 1000 });
    const paid = await api.post(`/v1/invoices/${inv.id}/pay`, { paid_out_of_band: true, charge: charge.id, expand: ['charge'] });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body).toMatchObject({ status: 'paid', paid: true, paid_out_of_band: true, amount_paid: 1000, amount_remaining: 0 });
    expect(paid.body.charge).toMatchObject({ id: charge.id, invoice: inv.id });
    expect(paid.body.status_transitions.paid_at).toEqual(expect.any(Number));
    expect((await api.get(`/v1/charges/${charge.id}`, { expand: ['invoice'] })).body.invoice.id).toBe(inv.id);
    expect((await eventsOf(api, 'invoice.paid')).some((e) => e.data.object.id === inv.id)).toBe(true);
    expectError(await api.post(`/v1/invoices/${inv.id}/pay`, {}), 400, { code: 'invoice_status_transition_invalid' });

    const other = await transition(api, (await createInvoice(api, customer)).id, 'finalize');
    expectError(await api.post(`/v1/invoices/${other.id}/pay`, { paid_out_of_band: false }), 400, { code: 'parameter_invalid', param: 'paid_out_of_band' });
    expectError(await api.post(`/v1/invoices/${other.id}/pay`, { charge: charge.id }), 400, { code: 'parameter_invalid', param: 'charge' });
    const pending = await createCharge(api, customer, { status: 'pending' });
    expectError(await api.post(`/v1/invoices/${other.id}/pay`, { charge: pending.id }), 400, { code: 'parameter_invalid', param: 'charge' });
    const euro = await createCharge(api, customer, { currency: 'eur' });
    expectError(await api.post(`/v1/invoices/${other.id}/pay`, { charge: euro.id }), 400, { code: 'parameter_invalid', param: 'charge' });
    const stranger = await createCharge(api, (await createCustomer(api)).id);
    expectError(await api.post(`/v1/invoices/${other.id}/pay`, { charge: stranger.id }), 400, { code: 'resource_missing', param: 'charge' });
    expect((await api.get(`/v1/invoices/${other.id}`)).body.status).toBe('open');
    expect((await transition(api, other.id, 'pay')).charge).toBeNull();
  });

  it('void, mark_uncollectible and the transitions Stripe refuses', async () => {
    const customer = (await createCustomer(api)).id;
    const draft = await createInvoice(api, customer);
    for (const action of ['pay', 'void', 'mark_uncollectible']) {
      expectError(await api.post(`/v1/invoices/${draft.id}/${action}`, {}), 400, { code: 'invoice_status_transition_invalid', param: null });
    }
    const open = await transition(api, draft.id, 'finalize');
    expectError(await api.post(`/v1/invoices/${open.id}/finalize`, {}), 400, { code: 'invoice_status_transition_invalid' });
    const bad = await transition(api, open.id, 'mark_uncollectible');
    expect(bad).toMatchObject({ status: 'uncollectible', amount_remaining: 1000, status_transitions: { marked_uncollectible_at: expect.any(Number) } });
    expectError(await api.post(`/v1/invoices/${open.id}/mark_uncollectible`, {}), 400, { code: 'invoice_status_transition_invalid' });
    const voided = await transition(api, open.id, 'void');
    expect(voided).toMatchObject({ status: 'void', amount_remaining: 0, status_transitions: { voided_at: expect.any(Number) } });
    for (const action of ['pay', 'void', 'finalize', 'mark_uncollectible']) {
      expectError(await api.post(`/v1/invoices/${open.id}/${action}`, {}), 400, { code: 'invoice_status_transition_invalid' });
    }
    const paidLater = await transition(api, (await transition(api, (await createInvoice(api, customer)).id, 'finalize')).id, 'mark_uncollectible');
    expect((await transition(api, paidLater.id, 'pay')).status).toBe('paid');
    expect((await eventsOf(api, 'invoice.voided')).some((e) => e.data.object.id === open.id)).toBe(true);
    expect((await eventsOf(api, 'invoice.marked_uncollectible')).some((e) => e.data.object.id === open.id)).toBe(true);
    expectError(await api.post('/v1/invoices/in_missing/finalize', {}), 404, { code: 'resource_missing', param: 'id' });
  });

  it('update: description and metadata always; currency, due date and lines on drafts only', async () => {
    const customer = (await createCustomer(api)).id;
    const draft = await createInvoice(api, customer);
    const res = await api.post(`/v1/invoices/${draft.id}`, {
      description: 'New',
      due_date: 1_950_000_000,
      currency: 'gbp',
      lines: [{ description: 'Only', unit_amount: 4200 }],
      metadata: { k: 'v' },
    });
    expect(res.body).toMatchObject({ description: 'New', due_date: 1_950_000_000, currency: 'gbp', total: 4200, metadata: { k: 'v' } });
    expect(res.body.lines.data).toHaveLength(1);
    expect(res.headers.etag).toBe(`"${draft.id}.v2"`);
    const event = (await eventsOf(api, 'invoice.updated')).find((e) => e.data.object.id === draft.id);
    expect(event?.data.previous_attributes).toMatchObject({ description: null, currency: 'usd', total: 1000 });
    await transition(api, draft.id, 'finalize');
    for (const change of [{ lines: [{ unit_amount: 1 }] }, { due_date: 1 }, { currency: 'usd' }]) {
      expectError(await api.post(`/v1/invoices/${draft.id}`, change), 400, { code: 'invoice_not_editable', param: Object.keys(change)[0] });
    }
    expect((await api.post(`/v1/invoices/${draft.id}`, { metadata: { k: '' } })).body.metadata).toEqual({});
    expectError(await api.post(`/v1/invoices/${draft.id}`, { description: 'x' }, { 'if-match': `"${draft.id}.v1"` }), 412, { code: 'precondition_failed' });
  });

  it('deletes drafts only, with invoice.deleted', async () => {
    const customer = (await createCustomer(api)).id;
    const draft = await createInvoice(api, customer);
    const deleted = await api.del(`/v1/invoices/${draft.id}`);
    expect(deleted.body).toEqual({ id: draft.id, object: 'invoice', deleted: true });
    expectError(await api.get(`/v1/invoices/${draft.id}`), 404, { code: 'resource_missing' });
    expect((await eventsOf(api, 'invoice.deleted')).some((e) => e.data.object.id === draft.id)).toBe(true);
    const open = await transition(api, (await createInvoice(api, customer)).id, 'finalize');
    expectError(await api.del(`/v1/invoices/${open.id}`), 400, { code: 'invoice_not_editable' });
  });

  it('lists by customer and status, newest first with cursors; lines have their own list', async () => {
    const customer = (await createCustomer(api)).id;
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await createInvoice(api, customer)).id);
    await transition(api, ids[1] as string, 'finalize');
    expect(await listIds(api, '/v1/invoices', { customer })).toEqual([...ids].reverse());
    expect(await listIds(api, '/v1/invoices', { customer, status: 'open' })).toEqual([ids[1]]);
    expect(await listIds(api, '/v1/invoices', { customer, status: 'draft' })).toEqual([ids[3], ids[2], ids[0]]);
    const page = await api.get('/v1/invoices', { customer, limit: 2, starting_after: ids[3] });
    expect(page.body.data.map((i: { id: string }) => i.id)).toEqual([ids[2], ids[1]]);
    expectError(await api.get('/v1/invoices', { status: 'late' }), 400, { code: 'parameter_invalid', param: 'status' });
    expect((await api.get('/v1/invoices', { customer, expand: ['data.customer'] })).body.data[0].customer.id).toBe(customer);

    const many = await createInvoice(api, customer, { lines: Array.from({ length: 12 }, (_, i) => ({ unit_amount: i })) });
    const lines = await api.get(`/v1/invoices/${many.id}/lines`);
    expect(lines.body).toMatchObject({ object: 'list', url: `/v1/invoices/${many.id}/lines`, has_more: true });
    expect(lines.body.data).toHaveLength(10);
    const rest = await api.get(`/v1/invoices/${many.id}/lines`, { starting_after: lines.body.data[9].id });
    expect(rest.body.data.map((l: { unit_amount: number }) => l.unit_amount)).toEqual([10, 11]);
    expect(rest.body.has_more).toBe(false);
    const before = await api.get(`/v1/invoices/${many.id}/lines`, { ending_before: rest.body.data[0].id, limit: 3 });
    expect(before.body.data.map((l: { unit_amount: number }) => l.unit_amount)).toEqual([7, 8, 9]);
    expectError(await api.get(`/v1/invoices/${many.id}/lines`, { starting_after: 'il_nope' }), 400, { code: 'resource_missing', param: 'starting_after' });
  });

  it('a deleted customer’s invoices keep their lifecycle, but a draft of it can no longer be finalized', async () => {
    const customer = (await createCustomer(api)).id;
    const draft = await createInvoice(api, customer);
    const open = await transition(api, (await createInvoice(api, customer)).id, 'finalize');
    expect((await api.del(`/v1/customers/${customer}`)).status).toBe(200);
    expectError(await api.post(`/v1/invoices/${draft.id}/finalize`, {}), 400, { code: 'resource_missing', param: 'customer' });
    expect((await transition(api, open.id, 'pay')).status).toBe('paid');
    expectError(await api.post('/v1/invoices', { customer, currency: 'usd' }), 400, { code: 'resource_missing', param: 'customer' });
  });
});
