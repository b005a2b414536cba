import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCredentialValue, checkIdNumber, checkPhone } from '../../modules/people/index.ts';
import { DEMO_PEOPLE_COUNTS, generateDemoPeople } from './campus-people.ts';

describe('demo people register', () => {
  const opts = { seed: 10999, universityId: 'u-1', createdAt: '2026-01-01T00:00:00.000Z' };
  const data = generateDemoPeople(opts);

  it('is deterministic and has the planned people, each with one card', () => {
    assert.deepEqual(generateDemoPeople(opts), data);
    assert.equal(data.people.length, DEMO_PEOPLE_COUNTS.student + DEMO_PEOPLE_COUNTS.staff + DEMO_PEOPLE_COUNTS.contractor);
    assert.equal(data.credentials.length, data.people.length);
  });

  it('passes the API’s own field rules; numbers and cards are unique', () => {
    for (const p of data.people) {
      assert.ok(checkIdNumber(p.idNumber!).ok, p.idNumber!);
      assert.ok(checkPhone(p.phone!).ok, p.phone!);
    }
    for (const c of data.credentials) assert.ok(checkCredentialValue('card', c.value).ok);
    assert.equal(new Set(data.people.map((p) => p.number)).size, data.people.length);
    assert.equal(new Set(data.credentials.map((c) => c.value)).size, data.credentials.length);
    assert.equal(new Set(data.people.map((p) => p.name)).size, data.people.length);
  });
});
