// Why some national ids count only after their label: the share of random numbers of each id's shape
// that pass its checksum (stdnum), i.e. how often any number of that shape in code or prose would be
// read as the id without one. Usage: npx tsx bench/egress/national-id-checksums.ts
import { stdnum } from 'stdnum';

const N = 200_000;
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join('');
const pick = (s: string) => s[Math.floor(Math.random() * s.length)];
const month = () => String(1 + Math.floor(Math.random() * 12)).padStart(2, '0');
const day = () => String(1 + Math.floor(Math.random() * 28)).padStart(2, '0');

const shapes: Array<[string, string, () => string, { validate(s: string): { isValid: boolean } }]> = [
  ['deSteuerIdNr', 'label for 11 plain digits; 2-3-3-3 with spaces alone', () => pick('123456789') + digits(10), stdnum.DE.idnr],
  ['plPesel', 'label', () => digits(11), stdnum.PL.pesel],
  ['brCpf', 'label for 11 plain digits; ddd.ddd.ddd-dd alone', () => digits(11), stdnum.BR.cpf],
  ['beNationalNumber', 'dotted or 6-3-2 shape alone', () => digits(11), stdnum.BE.nn],
  ['nlBsn', 'label', () => digits(9), stdnum.NL.bsn],
  ['caSin', 'label', () => digits(9), stdnum.CA.sin],
  ['dkCpr', 'label (no check digit since 2007)', () => day() + month() + digits(6), stdnum.DK.cpr],
  ['sePersonnummer', 'date, dash and Luhn alone', () => digits(2) + month() + day() + '-' + digits(4), stdnum.SE.personnummer],
  ['frNir', 'alone (mod-97 key)', () => pick('12') + digits(2) + month() + digits(10), stdnum.FR.nir],
  ['esDni', 'alone (mod-23 letter)', () => digits(8) + pick('TRWAGMYFPDXBNJZSQVHLCKE'), stdnum.ES.dni],
  ['fiHetu', 'alone (mod-31 character)', () => day() + month() + digits(2) + '-' + digits(3) + pick('0123456789ABCDEFHJKLMNPRSTUVWXY'), stdnum.FI.hetu],
];

console.log('| id | random numbers of its shape passing the checksum | read |');
console.log('|---|---:|---|');
for (const [name, read, random, v] of shapes) {
  let pass = 0;
  for (let i = 0; i < N; i++) if (v.validate(random()).isValid) pass++;
  console.log(`| ${name} | ${((100 * pass) / N).toFixed(2)} % | ${read} |`);
}
