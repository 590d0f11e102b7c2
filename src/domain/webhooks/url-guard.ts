import { promises as dns, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { urlInvalid } from '../errors.js';

/**
 * SPEC E-4: webhook URLs must not reach the server's own network. A URL is refused when its
 * host is, or resolves to, an address in one of these ranges; the check runs when an endpoint
 * is created or updated and again on every delivery, against the address actually connected to.
 */
const BLOCKED_V4: ReadonlyArray<[string, number, string]> = [
  ['0.0.0.0', 8, 'this network'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

const BLOCKED_V6: ReadonlyArray<[string, number, string]> = [
  ['::', 96, 'unspecified, loopback or IPv4-compatible'],
  ['64:ff9b::', 96, 'NAT64'],
  ['64:ff9b:1::', 48, 'NAT64'],
  ['100::', 64, 'discard'],
  ['2001:db8::', 32, 'documentation'],
  ['fc00::', 7, 'unique local (private)'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
];

const v4 = new BlockList();
const v6 = new BlockList();
/** One single-range list per entry, only consulted to name the range of a blocked address. */
const named: Array<{ family: 'ipv4' | 'ipv6'; range: BlockList; reason: string }> = [];
for (const [family, table, all] of [['ipv4', BLOCKED_V4, v4], ['ipv6', BLOCKED_V6, v6]] as const) {
  for (const [network, prefix, reason] of table) {
    all.addSubnet(network, prefix, family);
    const range = new BlockList();
    range.addSubnet(network, prefix, family);
    named.push({ family, range, reason });
  }
}
// AWS's IPv6 instance metadata service sits inside fc00::/7 already; named for the message.
const METADATA_V6 = 'fd00:ec2::254';

/** The IPv4 address an IPv6 address carries: IPv4-mapped (::ffff:a.b.c.d) or 6to4 (2002:AABB:CCDD::). */
function embeddedIPv4(address: string): string | null {
  const groups = expandIPv6(address);
  if (!groups) return null;
  const quad = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups as [number, number, number, number, number, number, number, number];
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff) return quad(g6, g7);
  if (g0 === 0x2002) return quad(g1, g2);
  return null;
}

/** Eight 16-bit groups of an IPv6 address (dotted IPv4 tail allowed), or null. */
function expandIPv6(address: string): number[] | null {
  let text = address.toLowerCase().split('%')[0] ?? '';
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const parts = dotted[1].split('.').map(Number);
    text = `${text.slice(0, -dotted[1].length)}${((parts[0]! << 8) | parts[1]!).toString(16)}:${((parts[2]! << 8) | parts[3]!).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

/**
 * Why an address may not be connected to, or null when it may. Works on the textual forms
 * node:dns and the WHATWG URL parser produce (the parser already turns decimal, octal and
 * hexadecimal IPv4 hosts into dotted quads).
 */
export function blockedAddressReason(address: string): string | null {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 0) return 'not an IP address';
  if (family === 4) {
    if (bare === '255.255.255.255') return 'broadcast';
    if (!v4.check(bare, 'ipv4')) return null;
    return named.find((r) => r.family === 'ipv4' && r.range.check(bare, 'ipv4'))?.reason ?? 'reserved';
  }
  const inner = embeddedIPv4(bare);
  if (inner) {
    const why = blockedAddressReason(inner);
    if (why) return `${why} (IPv4 ${inner} inside IPv6)`;
  }
  if (bare.toLowerCase() === METADATA_V6) return 'cloud metadata';
  if (!v6.check(bare, 'ipv6')) return null;
  return named.find((r) => r.family === 'ipv6' && r.range.check(bare, 'ipv6'))?.reason ?? 'reserved';
}

export const URL_MAX_LENGTH = 2048;

/** Parses an endpoint URL: absolute http(s), a host, at most 2048 characters. */
export function parseEndpointUrl(raw: string): URL {
  if (raw.length > URL_MAX_LENGTH) throw urlInvalid(`Invalid URL: it may have at most ${URL_MAX_LENGTH} characters.`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw urlInvalid(`Invalid URL: '${raw.slice(0, 100)}' is not an absolute URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw urlInvalid(`Invalid URL: only http and https URLs are allowed, got '${url.protocol.replace(':', '')}'.`);
  }
  if (!url.hostname) throw urlInvalid('Invalid URL: it has no host.');
  return url;
}

/** The host as node:net wants it: IPv6 literals without their brackets. */
export function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

const systemResolver: Resolver = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/** A refused destination; `message` is safe to show the account that owns the endpoint. */
export class DestinationRefused extends Error {
  readonly code = 'EDESTINATIONREFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'DestinationRefused';
  }
}

export interface UrlGuard {
  readonly allowPrivateNetworks: boolean;
  /** Create/update: parse, resolve (outside any transaction) and check; throws 400 url_invalid. */
  checkEndpointUrl(raw: string): Promise<URL>;
  /** Every address the host stands for, each checked; throws DestinationRefused. */
  resolveChecked(hostname: string): Promise<LookupAddress[]>;
  /** A `lookup` for node:http that re-resolves and re-checks at connect time (no DNS rebinding). */
  lookup: LookupFunction;
}

export function urlGuard(options: { allowPrivateNetworks: boolean; resolve?: Resolver }): UrlGuard {
  const { allowPrivateNetworks } = options;
  const resolve = options.resolve ?? systemResolver;

  const refuseIfBlocked = (host: string, address: string): void => {
    if (allowPrivateNetworks) return;
    const why = blockedAddressReason(address);
    if (why) {
      // For a name, the address itself is not named: error messages must not turn the
      // server into an oracle for its internal DNS.
      const literal = host === address;
      const range = literal ? why : why.replace(/ \(IPv4 .*\)$/, '');
      throw new DestinationRefused(
        `The host ${host} ${literal ? 'is' : 'resolves to'} a blocked address (${range}); webhooks are only sent to public addresses.`,
      );
    }
  };

  const resolveChecked = async (hostname: string): Promise<LookupAddress[]> => {
    const family = isIP(hostname);
    if (family !== 0) {
      refuseIfBlocked(hostname, hostname);
      return [{ address: hostname, family }];
    }
    let addresses: LookupAddress[];
    try {
      addresses = await resolve(hostname);
    } catch {
      throw new DestinationRefused(`The host ${hostname} could not be resolved.`);
    }
    if (addresses.length === 0) throw new DestinationRefused(`The host ${hostname} could not be resolved.`);
    // Every address is checked, not just the first: a name mixing public and private
    // addresses could otherwise get a connection to the private one.
    for (const { address } of addresses) refuseIfBlocked(hostname, address);
    return addresses;
  };

  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolveChecked(hostname).then(
      (all) => {
        const wanted = lookupOptions.family === 4 || lookupOptions.family === 6 ? all.filter((a) => a.family === lookupOptions.family) : all;
        const list = wanted.length > 0 ? wanted : all;
        if (lookupOptions.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
        else callback(null, list[0]!.address, list[0]!.family);
      },
      (error: Error) => callback(error as NodeJS.ErrnoException, '', 0),
    );
  };

  return {
    allowPrivateNetworks,
    async checkEndpointUrl(raw) {
      const url = parseEndpointUrl(raw);
      if (allowPrivateNetworks) return url;
      try {
        await resolveChecked(bareHost(url));
      } catch (error) {
        if (error instanceof DestinationRefused) throw urlInvalid(`Invalid URL: ${error.message}`);
        throw error;
      }
      return url;
    },
    resolveChecked,
    lookup,
  };
}
