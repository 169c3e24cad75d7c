/**
 * What kind of network an IP address belongs to, for deciding whether a worker may connect to it on a
 * client's behalf. Pure string parsing (no `node:net`), so that the API (literal hosts in request URLs)
 * and the render worker (every address DNS gives it, at connect time) share one classification.
 *
 * `public` is the only class a media URL may reach by default. Everything else is refused because it
 * is this machine or its network rather than the internet: loopback, RFC 1918 / unique-local private
 * ranges, carrier-grade NAT (RFC 6598), link-local (where cloud metadata services such as
 * 169.254.169.254 live), unspecified (`0.0.0.0` and `::` reach the local host on Linux), multicast,
 * and reserved ranges (documentation, benchmarking, broadcast, unallocated IPv6). IPv6 forms that
 * carry an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible, NAT64 `64:ff9b::/96`, 6to4
 * `2002::/16`) are judged by the IPv4 address they reach.
 */
export type AddressClass = 'public' | 'loopback' | 'private' | 'carrier-grade-nat' | 'link-local' | 'unspecified' | 'multicast' | 'reserved';

/** The class of `address` (dotted-quad IPv4 or IPv6, with or without `[...]` and a `%zone`); undefined if it is not an IP address. */
export function classifyAddress(address: string): AddressClass | undefined {
  const literal = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const v4 = parseIpv4(literal);
  if (v4 !== undefined) return classifyIpv4(v4);
  const v6 = parseIpv6(literal);
  return v6 === undefined ? undefined : classifyIpv6(v6);
}

/** "a loopback address", for messages. */
export function describeAddressClass(c: AddressClass): string {
  switch (c) {
    case 'public':
      return 'a public address';
    case 'loopback':
      return 'a loopback address';
    case 'private':
      return 'a private address';
    case 'carrier-grade-nat':
      return 'a carrier-grade NAT address';
    case 'link-local':
      return 'a link-local address';
    case 'unspecified':
      return 'an unspecified address';
    case 'multicast':
      return 'a multicast address';
    case 'reserved':
      return 'a reserved address';
  }
}

/** Strict dotted quad ("10.0.0.1"; no leading zeros, no shorthand) as an unsigned 32-bit number. */
function parseIpv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  let n = 0;
  for (const part of m.slice(1)) {
    if (part.length > 1 && part.startsWith('0')) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    n = n * 256 + octet;
  }
  return n;
}

/** Eight 16-bit groups; accepts `::` compression, a trailing dotted quad and a `%zone` suffix. */
function parseIpv6(s: string): number[] | undefined {
  const zone = s.indexOf('%');
  const text = (zone === -1 ? s : s.slice(0, zone)).toLowerCase();
  if (!text.includes(':') || !/^[0-9a-f:.]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (const [i, piece] of pieces.entries()) {
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIpv4(piece);
        if (v4 === undefined) return undefined;
        out.push(Math.floor(v4 / 0x10000), v4 % 0x10000);
      } else if (/^[0-9a-f]{1,4}$/.test(piece)) {
        out.push(parseInt(piece, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  // A dotted quad may only end the address: "::1.2.3.4:5" is not valid.
  if (head.length > 0 && halves[0]!.includes('.')) return undefined;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

/** [address, prefix length, class], most specific first where ranges nest. */
const IPV4_RANGES: Array<[string, number, AddressClass]> = [
  ['0.0.0.0', 8, 'unspecified'], // "this network"; 0.0.0.0 connects to the local host on Linux
  ['10.0.0.0', 8, 'private'], // RFC 1918
  ['100.64.0.0', 10, 'carrier-grade-nat'], // RFC 6598
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'], // RFC 3927; cloud metadata at 169.254.169.254
  ['172.16.0.0', 12, 'private'], // RFC 1918
  ['192.0.0.0', 24, 'reserved'], // IETF protocol assignments (RFC 6890)
  ['192.0.2.0', 24, 'reserved'], // TEST-NET-1 (RFC 5737)
  ['192.168.0.0', 16, 'private'], // RFC 1918
  ['198.18.0.0', 15, 'reserved'], // benchmarking (RFC 2544)
  ['198.51.100.0', 24, 'reserved'], // TEST-NET-2
  ['203.0.113.0', 24, 'reserved'], // TEST-NET-3
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'], // incl. 255.255.255.255 broadcast
];
const IPV4_TABLE = IPV4_RANGES.map(([base, bits, c]) => ({ base: parseIpv4(base)!, size: 2 ** (32 - bits), c }));

function classifyIpv4(n: number): AddressClass {
  for (const { base, size, c } of IPV4_TABLE) {
    if (n >= base && n < base + size) return c;
  }
  return 'public';
}

function classifyIpv6(g: number[]): AddressClass {
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  const embedded = (hi: number, lo: number) => classifyIpv4(hi * 0x10000 + lo);
  if (zeros(0, 8)) return 'unspecified';
  if (zeros(0, 7) && g[7] === 1) return 'loopback';
  // ::ffff:a.b.c.d (IPv4-mapped): a socket connecting to it reaches the IPv4 address.
  if (zeros(0, 5) && g[5] === 0xffff) return embedded(g[6]!, g[7]!);
  // ::ffff:0:a.b.c.d (IPv4-translated, RFC 2765).
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return embedded(g[6]!, g[7]!);
  // ::a.b.c.d (IPv4-compatible, deprecated by RFC 4291): never a legitimate public server.
  if (zeros(0, 6)) {
    const c = embedded(g[6]!, g[7]!);
    return c === 'public' ? 'reserved' : c;
  }
  // 64:ff9b::/96 (NAT64, RFC 6052): the gateway forwards to the embedded IPv4 address.
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return embedded(g[6]!, g[7]!);
  // 64:ff9b:1::/48: local-use NAT64 (RFC 8215).
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return 'private';
  // 2002::/16 (6to4, RFC 3056): the embedded IPv4 address is the relay's destination.
  if (g[0] === 0x2002) return embedded(g[1]!, g[2]!);
  // 2001::/32 (Teredo) hides an obfuscated IPv4 address; 2001:db8::/32 is documentation.
  if (g[0] === 0x2001 && (g[1] === 0 || g[1] === 0xdb8)) return 'reserved';
  if ((g[0]! & 0xfe00) === 0xfc00) return 'private'; // fc00::/7 unique local (RFC 4193)
  if ((g[0]! & 0xffc0) === 0xfe80) return 'link-local'; // fe80::/10
  if ((g[0]! & 0xffc0) === 0xfec0) return 'private'; // fec0::/10 site-local (deprecated)
  if ((g[0]! & 0xff00) === 0xff00) return 'multicast'; // ff00::/8
  // Only 2000::/3 is allocated for global unicast; anything else (100::/64 discard, …) is not the internet.
  if ((g[0]! & 0xe000) !== 0x2000) return 'reserved';
  return 'public';
}
