import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_WEBHOOK_RETRY_SCHEDULE, parseRetrySchedule } from '../../src/config.js';
import { outcomeOf } from '../../src/domain/webhooks/delivery-policy.js';
import { postWebhook } from '../../src/domain/webhooks/http-sender.js';
import { newWebhookSecret, standardWebhookSignature, stripeSignatureHeader } from '../../src/domain/webhooks/signing.js';
import { blockedAddressReason, urlGuard, type Resolver } from '../../src/domain/webhooks/url-guard.js';
import type { ClaimedDelivery } from '../../src/domain/webhooks/webhook-endpoint.js';
import { Receiver } from '../http/webhooks/support.js';

describe('blockedAddressReason', () => {
  it.each([
    ['0.0.0.0', 'this network'],
    ['10.1.2.3', 'private'],
    ['100.64.0.0', 'carrier-grade NAT'],
    ['127.0.0.53', 'loopback'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['172.20.0.1', 'private'],
    ['192.0.0.170', 'IETF protocol assignments'],
    ['192.168.10.1', 'private'],
    ['198.18.5.5', 'benchmarking'],
    ['224.0.0.251', 'multicast'],
    ['250.1.1.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['::', 'unspecified, loopback or IPv4-compatible'],
    ['::1', 'unspecified, loopback or IPv4-compatible'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['fd12::1', 'unique local (private)'],
    ['fe80::1%eth0', 'link-local'],
    ['ff05::2', 'multicast'],
    ['64:ff9b::7f00:1', 'NAT64'],
  ])('%s is blocked (%s)', (address, reason) => {
    expect(blockedAddressReason(address)).toBe(reason);
  });

  it('looks inside IPv4-mapped and 6to4 addresses', () => {
    expect(blockedAddressReason('::ffff:127.0.0.1')).toMatch(/^loopback \(IPv4 127\.0\.0\.1 inside IPv6\)$/);
    expect(blockedAddressReason('::ffff:a9fe:a9fe')).toMatch(/^link-local .*169\.254\.169\.254/);
    expect(blockedAddressReason('[::ffff:c0a8:101]')).toMatch(/192\.168\.1\.1/);
    expect(blockedAddressReason('2002:0a00:0001::1')).toMatch(/private .*10\.0\.0\.1/);
    expect(blockedAddressReason('::ffff:8.8.8.8')).toBeNull();
    expect(blockedAddressReason('2002:0808:0808::1')).toBeNull();
  });

  it.each(['8.8.8.8', '1.1.1.1', '100.128.0.0', '172.32.0.0', '192.169.0.0', '198.20.0.0', '223.255.255.255', '2606:4700::1111', '2a00:1450:4001::200e'])(
    '%s is public',
    (address) => {
      expect(blockedAddressReason(address)).toBeNull();
    },
  );
});

describe('url guard and DNS rebinding', () => {
  /** A name that resolves to a public address the first time and to loopback afterwards. */
  function rebinding(): Resolver {
    let calls = 0;
    return async () => (calls++ === 0 ? [{ address: '93.184.215.14', family: 4 }] : [{ address: '127.0.0.1', family: 4 }]);
  }

  it('refuses a name if any of its addresses is private', async () => {
    const guard = urlGuard({
      allowPrivateNetworks: false,
      resolve: async () => [
        { address: '93.184.215.14', family: 4 },
        { address: '10.0.0.7', family: 4 },
      ],
    });
    await expect(guard.checkEndpointUrl('https://mixed.example/hook')).rejects.toMatchObject({
      code: 'url_invalid',
      param: 'url',
      status: 400,
      message: 'Invalid URL: The host mixed.example resolves to a blocked address (private); webhooks are only sent to public addresses.',
    });
  });

  it('re-resolves at connect time, so a name that passed at create time cannot reach loopback later', async () => {
    const receiver = await Receiver.start();
    try {
      const guard = urlGuard({ allowPrivateNetworks: false, resolve: rebinding() });
      const url = await guard.checkEndpointUrl(`http://rebind.example:${receiver.port}/hook`);
      const result = await postWebhook(url, { 'content-type': 'application/json' }, '{}', { timeoutMs: 2_000, guard });
      expect(result.statusCode).toBeNull();
      expect(result.error).toBe(
        'Refused: The host rebind.example resolves to a blocked address (loopback); webhooks are only sent to public addresses.',
      );
      expect(receiver.requests).toHaveLength(0);

      // Control: the same request with private networks allowed does reach the receiver through the guard's lookup.
      const open = urlGuard({ allowPrivateNetworks: true, resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
      const ok = await postWebhook(url, { 'content-type': 'application/json' }, '{}', { timeoutMs: 2_000, guard: open });
      expect(ok).toMatchObject({ statusCode: 200, error: null });
      expect(receiver.requests).toHaveLength(1);
      expect(receiver.requests[0]!.headers.host).toBe(`rebind.example:${receiver.port}`);
    } finally {
      await receiver.close();
    }
  });
});

describe('signatures', () => {
  it('matches the Standard Webhooks reference vector', () => {
    // From the Standard Webhooks specification's reference libraries.
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    expect(standardWebhookSignature(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('keys the Stripe signature with the whole secret string, prefix included', () => {
    const secret = 'whsec_dGVzdA==';
    const header = stripeSignatureHeader(secret, 1700000000, '{"a":1}');
    const whole = createHmac('sha256', secret).update('1700000000.{"a":1}').digest('hex');
    const decoded = createHmac('sha256', Buffer.from('dGVzdA==', 'base64')).update('1700000000.{"a":1}').digest('hex');
    expect(header).toBe(`t=1700000000,v1=${whole}`);
    expect(header).not.toContain(decoded);
  });

  it('makes secrets of 32 random bytes', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(a).not.toBe(newWebhookSecret());
  });
});

describe('retry schedule', () => {
  it('parses units and defaults to about three days in all', () => {
    expect(parseRetrySchedule('1s, 500ms,2m,1h,1d,30')).toEqual([1000, 500, 120_000, 3_600_000, 86_400_000, 30_000]);
    const total = parseRetrySchedule(DEFAULT_WEBHOOK_RETRY_SCHEDULE).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(2.5 * 86_400_000);
    expect(total).toBeLessThanOrEqual(3 * 86_400_000);
  });

  it.each(['', '1x', '5m,,5m', '10ms', '8d', '-1s'])('refuses %j', (raw) => {
    expect(() => parseRetrySchedule(raw)).toThrow(ConfigError);
  });

  const delivery: ClaimedDelivery = { accountId: 'acct_1', livemode: false, id: 'whd_1', endpointId: 'we_1', eventId: 'evt_1', attempts: 0, lease: 1 };
  const now = 1_700_000_000_000;

  it('retries a failure after the next delay, then fails for good; 2xx succeeds; 410 disables', () => {
    const schedule = [1000, 5000];
    const failed = { statusCode: 500, error: null, latencyMs: 3 };
    const first = outcomeOf(delivery, failed, schedule, now);
    expect(first).toMatchObject({ status: 'pending', nextAttemptAt: now + 1000, disableEndpoint: false });
    expect(first.attempt.next_retry_at).toBe(Math.ceil((now + 1000) / 1000));
    expect(outcomeOf({ ...delivery, attempts: 1 }, failed, schedule, now)).toMatchObject({ status: 'pending', nextAttemptAt: now + 5000 });
    const last = outcomeOf({ ...delivery, attempts: 2 }, failed, schedule, now);
    expect(last).toMatchObject({ status: 'failed', nextAttemptAt: null });
    expect(last.attempt).toMatchObject({ next_retry_at: null, error: 'Failed for good after 3 attempts.' });
    expect(outcomeOf(delivery, { statusCode: 204, error: null, latencyMs: 1 }, schedule, now)).toMatchObject({ status: 'succeeded' });
    expect(outcomeOf(delivery, { statusCode: 301, error: 'x', latencyMs: 1 }, schedule, now)).toMatchObject({ status: 'pending' });
    expect(outcomeOf(delivery, { statusCode: 410, error: null, latencyMs: 1 }, schedule, now)).toMatchObject({ status: 'failed', disableEndpoint: true });
  });
});
