/**
 * Topic layout, one namespace per university and device:
 *   xiaoan/<universityId>/<deviceId>/events      device → platform, QoS 1, one event (JSON)
 *   xiaoan/<universityId>/<deviceId>/heartbeat   device → platform, QoS 0 or 1
 *   xiaoan/<universityId>/<deviceId>/access      device → platform, a door controller asking (在线验证);
 *                                                the answer is an `access.decision` command
 *   xiaoan/<universityId>/<deviceId>/commands    platform → device
 */
export const CHANNELS = ['events', 'heartbeat', 'access', 'commands'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface ParsedTopic {
  universityId: string;
  deviceId: string;
  channel: Channel;
}

export function parseTopic(topic: string): ParsedTopic | null {
  const parts = topic.split('/');
  if (parts.length !== 4 || parts[0] !== 'xiaoan' || !parts[1] || !parts[2]) return null;
  const channel = parts[3] as Channel;
  if (!CHANNELS.includes(channel)) return null;
  return { universityId: parts[1], deviceId: parts[2], channel };
}

export const topicFor = (universityId: string, deviceId: string, channel: Channel) => `xiaoan/${universityId}/${deviceId}/${channel}`;
