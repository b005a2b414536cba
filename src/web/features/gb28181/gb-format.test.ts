import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressMismatch, clockOffsetTooLarge, formatOffsetSeconds, gbEdition, hostPortOf, reasonKey } from './gb-format.ts';

describe('GB/T 28181 diagnostics on screen', () => {
  it('maps the server reasons with a stable beginning to i18n keys, and leaves others as given', () => {
    assert.equal(reasonKey('wrong password (the digest response does not match the issued credentials)')?.key, 'wrongPassword');
    assert.equal(reasonKey('no SIP credentials were issued for this device (issue them on the device page)')?.key, 'noCredentials');
    assert.equal(reasonKey('device 34020000001320000001 is not registered: REGISTER first')?.key, 'notRegistered');
    assert.equal(reasonKey('Expires is missing (header or Contact parameter)')?.key, 'expiresMissing');
    assert.deepEqual(reasonKey('registered for 3600 s'), { key: 'registeredFor', params: { seconds: '3600' } });
    assert.deepEqual(reasonKey('the digest username "admin" is not the device id 34020000001320000001'), { key: 'usernameNotGbId', params: { username: 'admin' } });
    assert.deepEqual(reasonKey("the credentials were issued for SIP domain 3402000000, the platform's is 3101000000: issue them again"), {
      key: 'realmMismatch',
      params: { issued: '3402000000', domain: '3101000000' },
    });
    assert.deepEqual(reasonKey('device 34020000001320000001 registered from 10.0.0.1, not 10.0.0.2: REGISTER again'), {
      key: 'addressChanged',
      params: { registered: '10.0.0.1', now: '10.0.0.2' },
    });
    assert.equal(reasonKey('keepalive')?.key, 'keepaliveOk');
    assert.equal(reasonKey('keepalive with Status ERROR')?.params.status, 'ERROR');
    assert.deepEqual(reasonKey('device.fault (stored)'), { key: 'alarmStored', params: { kind: 'device.fault' } });
    assert.equal(reasonKey('intrusion (duplicate)')?.key, 'alarmDuplicate');
    assert.deepEqual(reasonKey('500 channels, 498 new in the ledger, 2 to classify by hand'), { key: 'catalogToClassify', params: { channels: '500', created: '498', unclassified: '2' } });
    assert.deepEqual(reasonKey('0 channels, 0 new in the ledger'), { key: 'catalogSynced', params: { channels: '0', created: '0' } });
    assert.equal(reasonKey('12 channels (incomplete: the device stopped sending pages), 0 new in the ledger')?.key, 'catalogIncomplete');
    assert.deepEqual(reasonKey('Catalog query: no answer from 31000000111180000001 in 32 s'), { key: 'queryFailed', params: { cmdType: 'Catalog', detail: 'no answer from 31000000111180000001 in 32 s' } });
    assert.deepEqual(reasonKey('catalog changes subscribed for 3600 s'), { key: 'subscribed', params: { seconds: '3600' } });
    assert.deepEqual(reasonKey('catalog change: 1 OFF, 2 ADD'), { key: 'catalogChange', params: { summary: '1 OFF, 2 ADD' } });
    assert.equal(reasonKey('something new the server says'), null);
  });

  it('sees NAT: the address packets came from against the one the device declared', () => {
    assert.equal(hostPortOf('UDP 203.0.113.7:61000'), '203.0.113.7:61000');
    assert.equal(hostPortOf('sip:34020000001320000001@192.168.1.64:5060;transport=udp'), '192.168.1.64:5060');
    assert.equal(hostPortOf('sip:34020000001320000001@192.168.1.64'), '192.168.1.64:5060');
    assert.equal(hostPortOf('TCP [2001:db8::1]:5061'), '[2001:db8::1]:5061');
    assert.equal(hostPortOf(null), null);
    assert.equal(addressMismatch('UDP 203.0.113.7:61000', 'sip:34020000001320000001@192.168.1.64:5060'), true);
    assert.equal(addressMismatch('UDP 127.0.0.1:40000', 'sip:34020000001320000001@127.0.0.1:40000'), false);
    assert.equal(addressMismatch('UDP 127.0.0.1:40000', null), null);
  });

  it('names the edition from X-GB-Ver and checks the clock', () => {
    assert.equal(gbEdition('2.0'), 'GB/T 28181-2016');
    assert.equal(gbEdition('3.0'), 'GB/T 28181-2022');
    assert.equal(gbEdition('9'), null);
    assert.equal(gbEdition(null), null);
    assert.equal(formatOffsetSeconds(12_345), '+12.3');
    assert.equal(formatOffsetSeconds(-400), '-0.4');
    assert.equal(formatOffsetSeconds(-20), '0.0');
    assert.equal(clockOffsetTooLarge(10_000), false);
    assert.equal(clockOffsetTooLarge(-10_001), true);
    assert.equal(clockOffsetTooLarge(null), false);
  });
});
