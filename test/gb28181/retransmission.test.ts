/**
 * UDP retransmissions (RFC 3261 §17.2.2): a request sent again with the same branch is answered
 * with the same bytes from its server transaction and not handled a second time; a new branch is
 * a new request. Without it, a platform slow under load would do the work of every retransmission.
 */
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import sip from 'sip';
import { SipTransport } from '../../src/server/adapters/gb28181/sip-transport.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { waitFor } from '../helpers/wait.ts';

const clock = new ManualClock(Date.parse('2026-03-05T12:00:00+08:00'));
const DEVICE = '31000000111180000009';

describe('GB/T 28181 server transactions over UDP', () => {
  let t: TestApp;
  let transport: SipTransport;
  let port: number;
  let sock: dgram.Socket;
  const answers: string[] = [];

  before(async () => {
    t = await createTestApp({ clock });
    transport = new SipTransport((m, peer) => t.services.gbPlatform.handle(m, peer));
    port = await transport.listen('127.0.0.1', 0);
    t.services.gbPlatform.attach(transport);
    sock = dgram.createSocket('udp4');
    sock.on('message', (data) => answers.push(data.toString('binary')));
    await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  });

  after(async () => {
    sock?.close();
    await transport?.close();
    await t?.close();
  });

  const register = (branch: string) =>
    Buffer.from(
      sip.stringify({
        method: 'REGISTER',
        uri: 'sip:31000000112000000001@3100000011',
        version: '2.0',
        headers: {
          via: [{ version: '2.0', protocol: 'UDP', host: '127.0.0.1', port: sock.address().port, params: { branch } }],
          from: { uri: `sip:${DEVICE}@3100000011`, params: { tag: 'a1' } },
          to: { uri: `sip:${DEVICE}@3100000011`, params: {} },
          'call-id': 'retransmitted-call',
          cseq: { seq: 1, method: 'REGISTER' },
          expires: '3600',
          'content-length': 0,
        },
        content: '',
      }),
      'binary',
    );

  it('answers a retransmission with the first answer and handles it once; a new branch is handled anew', async () => {
    const challenges = t.services.gbPlatform.stats.challenges;
    const first = register('z9hG4bK-retrans-1');
    sock.send(first, port, '127.0.0.1');
    await waitFor('the 401', () => answers.length >= 1);
    sock.send(first, port, '127.0.0.1');
    await waitFor('the repeated 401', () => answers.length >= 2);
    assert.equal(answers[1], answers[0], 'the same bytes, the same nonce');
    assert.match(answers[0]!, /^SIP\/2.0 401/);
    assert.equal(t.services.gbPlatform.stats.challenges, challenges + 1, 'handled once');
    assert.equal(transport.stats.retransmissions, 1);

    sock.send(register('z9hG4bK-retrans-2'), port, '127.0.0.1');
    await waitFor('the next 401', () => answers.length >= 3);
    assert.equal(t.services.gbPlatform.stats.challenges, challenges + 2, 'a new transaction');
  });
});
