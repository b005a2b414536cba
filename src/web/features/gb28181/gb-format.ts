/**
 * Reading a device's GB/T 28181 diagnostics (issue 12, item 3): the reasons the server gives in
 * English mapped to keys of `gb28181.reason` where they start in a stable way, the NAT check
 * (the address a packet came from against the one the device declared), the clock check and the
 * standard's edition from X-GB-Ver.
 */

/** S-CLOCK: a device clock further off than this gets a warning (alarm times, recordings, digest dates). */
export const CLOCK_WARN_MS = 10_000;

export type GbReasonKey =
  | 'wrongPassword'
  | 'noCredentials'
  | 'notRegistered'
  | 'expiresMissing'
  | 'unknownId'
  | 'usernameNotGbId'
  | 'realmMismatch'
  | 'retired'
  | 'addressChanged'
  | 'badFrom'
  | 'registeredFor'
  | 'unregistered'
  | 'keepaliveOk'
  | 'keepaliveStatus'
  | 'unsupportedCmd'
  | 'channelUnknown'
  | 'alarmStored'
  | 'alarmDuplicate'
  | 'catalogSynced'
  | 'catalogToClassify'
  | 'catalogIncomplete'
  | 'queryFailed'
  | 'subscribed'
  | 'catalogChange';

/** The server's reasons, by the way they begin (see src/server/modules/gb28181/gb-platform.ts). */
const REASONS: [RegExp, GbReasonKey][] = [
  [/^wrong password\b/, 'wrongPassword'],
  [/^no SIP credentials were issued\b/, 'noCredentials'],
  [/^device \S+ is not registered\b/, 'notRegistered'],
  [/^not registered\b/, 'notRegistered'],
  [/^Expires is missing\b/, 'expiresMissing'],
  [/^no device with GB id (?<gbId>\d+)/, 'unknownId'],
  [/^the digest username "(?<username>[^"]*)" is not the device id/, 'usernameNotGbId'],
  [/^the credentials were issued for SIP domain (?<issued>.+?), the platform's is (?<domain>\S+?):/, 'realmMismatch'],
  [/^the device is retired\b/, 'retired'],
  [/^device \S+ registered from (?<registered>\S+), not (?<now>\S+?):/, 'addressChanged'],
  [/^From must name the device's 20-digit/, 'badFrom'],
  [/^registered for (?<seconds>\d+) s\b/, 'registeredFor'],
  [/^unregistered \(Expires: 0\)/, 'unregistered'],
  [/^keepalive$/, 'keepaliveOk'],
  [/^keepalive with Status (?<status>.*)$/, 'keepaliveStatus'],
  [/^<\w+> with CmdType (?<cmdType>\S+) is not supported/, 'unsupportedCmd'],
  [/^alarm from channel (?<channel>\d+), which is not in the ledger/, 'channelUnknown'],
  [/^(?<kind>[a-z_.]+) \(stored\)$/, 'alarmStored'],
  [/^(?<kind>[a-z_.]+) \(duplicate\)$/, 'alarmDuplicate'],
  [/^(?<channels>\d+) channels \(incomplete/, 'catalogIncomplete'],
  [/^(?<channels>\d+) channels, (?<created>\d+) new in the ledger, (?<unclassified>\d+) to classify by hand/, 'catalogToClassify'],
  [/^(?<channels>\d+) channels, (?<created>\d+) new in the ledger/, 'catalogSynced'],
  [/^(?<cmdType>\w+) query(?: answered|:) (?<detail>.*)$/, 'queryFailed'],
  [/^catalog changes subscribed for (?<seconds>\d+) s/, 'subscribed'],
  [/^catalog change: (?<summary>.*)$/, 'catalogChange'],
];

/** The i18n key (under gb28181.reason) and its values for a reason the server gave, or null to show it as given. */
export function reasonKey(reason: string): { key: GbReasonKey; params: Record<string, string> } | null {
  for (const [pattern, key] of REASONS) {
    const m = pattern.exec(reason);
    if (m) return { key, params: { ...m.groups } };
  }
  return null;
}

/**
 * `host:port` of an address as the server writes it: `UDP 203.0.113.7:5060` (seen), or a Contact
 * URI `sip:34020000001320000001@192.168.1.64:5060;transport=udp` or a Via `UDP 192.168.1.64:5060`
 * (declared). A URI without a port means 5060.
 */
export function hostPortOf(address: string | null | undefined): string | null {
  if (!address) return null;
  let s = address.trim().replace(/^(UDP|TCP|TLS)\s+/i, '');
  s = s.replace(/^<?sips?:/i, '');
  const at = s.lastIndexOf('@');
  if (at >= 0) s = s.slice(at + 1);
  s = s.split(/[;>?\s]/)[0] ?? '';
  if (!s) return null;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) return `[${v6[1]}]:${v6[2] ?? '5060'}`;
  const m = /^([^:]+)(?::(\d+))?$/.exec(s);
  return m ? `${m[1]!.toLowerCase()}:${m[2] ?? '5060'}` : null;
}

/**
 * Whether the address packets come from differs from the one the device declared: behind NAT a
 * camera declares its LAN address (192.168.x.x) and is seen from the router's. Null when either is unknown.
 */
export function addressMismatch(seen: string | null | undefined, declared: string | null | undefined): boolean | null {
  const a = hostPortOf(seen);
  const b = hostPortOf(declared);
  return a === null || b === null ? null : a !== b;
}

/** `GB/T 28181-2016` for X-GB-Ver 2.0, `-2022` for 3.0 (1.0/1.1 were the 2011 edition); the header as sent otherwise. */
export function gbEdition(version: string | null | undefined): string | null {
  if (!version) return null;
  const v = version.trim();
  if (/^3\.\d+$/.test(v)) return 'GB/T 28181-2022';
  if (/^2\.\d+$/.test(v)) return 'GB/T 28181-2016';
  if (/^1\.\d+$/.test(v)) return 'GB/T 28181-2011';
  return null;
}

/** Clock offset as signed seconds with one decimal (`+12.3`, `-0.4`). */
export function formatOffsetSeconds(ms: number): string {
  const s = (Math.round(ms / 100) / 10).toFixed(1);
  return ms > 0 ? `+${s}` : s === '-0.0' ? '0.0' : s;
}

export const clockOffsetTooLarge = (ms: number | null | undefined) => ms !== null && ms !== undefined && Math.abs(ms) > CLOCK_WARN_MS;
