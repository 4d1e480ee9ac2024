// National ids beyond the SSN, NINO and Aadhaar (issue 23): published specimen numbers (python-stdnum's
// documentation and the issuers' own examples, no real person's) in their written shapes, random valid
// ids in any separator and placement, and the same digits with a failing checksum or without their label.
import t from 'tap';
import fc from 'fast-check';
import { stdnum } from 'stdnum';
import { findings } from './classify.js';
import { whichNationalId } from './national-ids.js';
import { specimens } from './fixtures/national-id-specimens.js';

const national = (text: string) => findings(text).filter((f) => f.dataClass === 'pii.national_id').map((f) => text.slice(f.start, f.end));


t.test('each id is found in its written shapes, as that id', async (t) => {
  for (const [name, text, id] of specimens) {
    t.same(national(text), [id], text);
    t.equal(whichNationalId(id, text, text.indexOf(id)), name, text);
  }
});

t.test('the same digits are not an id when the checksum fails or a weak shape has no label', async (t) => {
  for (const text of [
    'Steuer-ID: 36574261808', 'NIR 295109912611194', 'DNI 54362315-L', 'NIE X-2482300-X', 'codice fiscale RCCMNL83S18D969A',
    'ref 85.07.30-033.29', 'CPF 390.533.447-06', 'HETU 131052-308U', 'personnummer 880320-0017', 'BSN 111222334', 'PESEL 44051401358',
    // Valid checksums, but only N digits: without their label they are any number.
    'order 111222333 shipped', 'row 44051401359', 'value 39053344705', 'id 36574261809',
    // IPv4 addresses are 2-3-3-3 with dots.
    'host 10.162.111.216',
  ]) t.same(national(text), [], text);
});

/** `body` completed by the first check suffix from `checks` that the id's validator accepts. */
function complete(body: string, checks: string[], valid: (s: string) => boolean): string | undefined {
  for (const c of checks) if (valid(body + c)) return body + c;
  return undefined;
}
const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
const twoDigitChecks = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const oneDigitChecks = [...'0123456789'];
const ok = (v: { validate(s: string): { isValid: boolean } }) => (s: string) => v.validate(s).isValid;

// Random valid ids (a random body, the check the validator accepts), each written with a separator
// the id is written with, between prose before and after it.
const validIds = fc.oneof(
  fc.record({ sex: fc.constantFrom('1', '2'), year: digits(2), month: fc.integer({ min: 1, max: 12 }), rest: digits(8), sep: fc.constantFrom('', ' ', '.', '-', '/') }).map(({ sex, year, month, rest, sep }) => {
    const id = complete(`${sex}${year}${String(month).padStart(2, '0')}${rest}`, twoDigitChecks, ok(stdnum.FR.nir));
    return id && { label: 'NIR', written: [id.slice(0, 1), id.slice(1, 3), id.slice(3, 5), id.slice(5, 7), id.slice(7, 10), id.slice(10, 13), id.slice(13)].join(sep) };
  }),
  fc.record({ body: digits(8), sep: fc.constantFrom('', ' ', '-') }).map(({ body, sep }) => {
    const id = complete(body, [...'TRWAGMYFPDXBNJZSQVHLCKE'], ok(stdnum.ES.dni));
    return id && { label: 'DNI', written: id.slice(0, 8) + sep + id.slice(8) };
  }),
  fc.record({ body: digits(8), sep: fc.constantFrom('', ' ', '.', '-') }).map(({ body, sep }) => {
    const id = complete(body, oneDigitChecks, ok(stdnum.NL.bsn));
    return id && { label: 'BSN', written: sep === '' ? id : [id.slice(0, 3), id.slice(3, 6), id.slice(6)].join(sep) };
  }),
  fc.record({ body: digits(8), sep: fc.constantFrom('', ' ', '.', '-', '/') }).map(({ body, sep }) => {
    const id = complete(body, oneDigitChecks, ok(stdnum.CA.sin));
    return id && { label: 'SIN', written: [id.slice(0, 3), id.slice(3, 6), id.slice(6)].join(sep) };
  }),
  fc.record({ body: digits(10) }).map(({ body }) => {
    const id = complete(body, oneDigitChecks, ok(stdnum.PL.pesel));
    return id && { label: 'PESEL', written: id };
  }),
  fc.record({ first: fc.integer({ min: 1, max: 9 }), body: digits(9) }).map(({ first, body }) => {
    const id = complete(`${first}${body}`, oneDigitChecks, ok(stdnum.DE.idnr));
    return id && { label: 'Steuer-ID', written: id };
  }),
);
const prose = fc.constantFrom('', 'Please file this: ', 'Kunde, ', '{"note": "', 'line one\n');
const after = fc.constantFrom('', ' thanks', '.', '"}', '\nnext line');

t.test('property: a random valid id with its label, in any separator and placement, is found whole', async () => {
  fc.assert(
    fc.property(validIds, prose, after, (id, before, end) => {
      fc.pre(id !== undefined);
      const text = `${before}${id!.label} ${id!.written}${end}`;
      return national(text).includes(id!.written);
    }),
    { numRuns: 400 },
  );
});

t.test('property: random digits that fail the checksum are not an id, labelled or not', async () => {
  fc.assert(
    fc.property(fc.constantFrom('BSN', 'PESEL', 'Steuer-ID', 'SIN', 'CPF', 'NIR', ''), fc.oneof(digits(9), digits(11), digits(15)), (label, n) => {
      const checks = [stdnum.NL.bsn, stdnum.PL.pesel, stdnum.DE.idnr, stdnum.CA.sin, stdnum.BR.cpf, stdnum.FR.nir, stdnum.DK.cpr];
      fc.pre(checks.every((c) => !c.validate(n).isValid));
      return national(`${label} ${n}`).length === 0;
    }),
    { numRuns: 400 },
  );
});
