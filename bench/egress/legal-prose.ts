// Legal and technical prose with no personal data and no secret in it, generated from a seed: the
// constructions contracts, regulations and engineering documents are made of — clause and section
// numbers (FAR/DFARS, C.F.R., U.S.C., GDPR articles), docket, contract and part numbers, company
// identifiers (EIN, DUNS, CAGE), ISBNs and EANs, version strings and build numbers, ISO dates and times,
// IP addresses and ports, git remotes and SSH hosts, hashes and UUIDs, amounts, standards. For the
// false-positive benchmark (bench/egress/false-positives.ts): any finding in it is a false positive.
// Usage: legalProse(count, seed) — `count` passages of about 1 KB.

import { rngFrom } from '../../gateway/mock-upstream/rng.js';

export function legalProse(count: number, seed = 20261204): string[] {
  // The mock provider's seeded generator, so the corpus is the same on every run.
  const random = rngFrom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const digits = (n: number) => Array.from({ length: n }, () => int(0, 9)).join('');
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[int(0, 15)]).join('');
  const letters = (n: number) => Array.from({ length: n }, () => 'ABCDEFGHJKLMNPRSTUVWXYZ'[int(0, 22)]).join('');
  const date = () => `${int(1995, 2030)}-${pad(int(1, 12), 2)}-${pad(int(1, 28), 2)}`;
  const version = () => pick([`${int(0, 30)}.${int(0, 40)}.${int(0, 99)}`, `v${int(0, 9)}.${int(0, 20)}.${int(0, 20)}`, `${int(1, 9)}.${int(0, 9)}.${int(0, 9)}-rc.${int(1, 5)}`, `${int(10, 10)}.0.${int(10000, 26000)}.${int(100, 5000)}`, `${int(3, 6)}.${int(1, 19)}.${int(0, 200)}-${int(1, 40)}-amd64`, `${int(90, 130)}.0.${int(1000, 7000)}.${int(10, 250)}`, `${int(1, 4)}.${int(0, 12)}.${int(0, 30)}+${int(2018, 2026)}${pad(int(1, 12), 2)}${pad(int(1, 28), 2)}`]);
  const far = () => pick([`52.${int(200, 252)}-${int(1, 30)}`, `252.${int(200, 252)}-70${pad(int(0, 99), 2)}`, `252.227-70${pick(['13', '14', '15', '17', '18', '19'])}`, `52.${int(204, 232)}-${int(1, 40)}`]);
  const paragraph = () => `(${pick('abcdefgh'.split(''))})` + (random() < 0.6 ? `(${int(1, 20)})` : '') + (random() < 0.3 ? `(${pick(['i', 'ii', 'iii', 'iv', 'v', 'vi'])})` : '');
  const clause = () =>
    pick([
      `DFARS ${far()}${paragraph()}`,
      `FAR ${far()}`,
      `48 C.F.R. § ${int(1, 52)}.${int(100, 299)}-${int(1, 20)}`,
      `48 CFR ${far()}`,
      `${int(1, 50)} U.S.C. § ${int(100, 9999)}${random() < 0.5 ? paragraph() : ''}`,
      `Section ${int(1, 20)}.${int(1, 12)}${random() < 0.5 ? `.${int(1, 9)}` : ''}${random() < 0.5 ? paragraph() : ''}`,
      `§ ${int(1000, 1999)}.${int(100, 199)}`,
      `Article ${int(1, 99)}(${int(1, 9)})${random() < 0.5 ? `(${pick('abcdef'.split(''))})` : ''} GDPR`,
      `Regulation (EU) ${int(2010, 2024)}/${int(100, 2999)}`,
      `Directive ${int(90, 99)}/${int(1, 99)}/EC`,
      `clause ${int(1, 30)}.${int(1, 9)}.${int(1, 9)}`,
      `Schedule ${int(1, 9)}.${int(1, 9)}${paragraph()}`,
      `Exhibit ${pick('ABCDEFG'.split(''))}-${int(1, 9)}`,
      `Pub. L. ${int(100, 118)}-${int(1, 350)}`,
      `${int(100, 138)} Stat. ${int(1000, 5000)}`,
      `${int(60, 89)} FR ${int(10000, 99999)}`,
      `paragraph ${paragraph()}`,
      `§§ ${int(1, 9)}.${int(1, 9)}–${int(1, 9)}.${int(1, 9)}`,
    ]);
  const reference = () =>
    pick([
      `Case No. ${int(1, 9)}:${int(10, 25)}-${pick(['cv', 'cr', 'mc'])}-${pad(int(1, 99999), 5)}`,
      `Contract No. ${letters(1)}${int(10000, 99999)}-${int(15, 25)}-${pick(['C', 'D', 'F'])}-${pad(int(1, 9999), 4)}`,
      `Purchase Order ${int(4500000000, 4599999999)}`,
      `Invoice ${int(2019, 2026)}-${pad(int(1, 99999), 5)}`,
      `Part No. ${int(1000, 9999)}-${int(1000, 9999)}-${pad(int(0, 99), 2)}`,
      `P/N ${digits(3)}-${digits(4)}-${digits(3)}`,
      `NSN ${digits(4)}-${digits(2)}-${digits(3)}-${digits(4)}`,
      `EIN ${digits(2)}-${digits(7)}`,
      `DUNS No. ${digits(2)}-${digits(3)}-${digits(4)}`,
      `UEI ${letters(12)}`,
      `CAGE Code ${int(1, 9)}${letters(1)}${digits(3)}`,
      `ISBN 978-${int(0, 9)}-${digits(3)}-${digits(5)}-${int(0, 9)}`,
      `ISBN-13: 978${digits(10)}`,
      `EAN ${int(4, 9)}${digits(12)}`,
      `lot ${digits(6)}`,
      `serial number ${letters(2)}${digits(8)}`,
      `Docket ${letters(2)}-${int(2015, 2026)}-${pad(int(1, 9999), 4)}`,
      `Ticket ${letters(4)}-${int(100, 99999)}`,
      `account code ${digits(4)}.${digits(3)}.${digits(4)}`,
      `cost centre ${digits(3)}-${digits(3)}-${digits(3)}`,
      `matter ${digits(5)}.${digits(4)}`,
      `ISO/IEC ${int(27001, 27799)}:${int(2013, 2022)}`,
      `NIST SP 800-${int(30, 218)}${pick(['', ' Rev. 2', 'r5'])}`,
      `RFC ${int(791, 9999)}`,
      `ECCN ${int(0, 9)}${letters(1)}${digits(3)}`,
      `HTS ${digits(4)}.${digits(2)}.${digits(4)}`,
    ]);
  const technical = () =>
    pick([
      `version ${version()}`,
      `release ${version()}`,
      `build ${version()}`,
      `git@github.com:${pick(['acme', 'contoso', 'example-org'])}/${pick(['gateway', 'infra', 'legal-docs'])}.git`,
      `ssh://git@gitlab.${pick(['example.com', 'internal'])}:${int(22, 2222)}/${pick(['platform', 'ml'])}/${pick(['api', 'models'])}.git`,
      `deploy@${int(10, 10)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}:/srv/app`,
      `https://github.com/${pick(['acme', 'example-org'])}/${pick(['termsgate', 'sdk'])}/releases/tag/v${version()}`,
      `${int(10, 10)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`,
      `${int(192, 192)}.168.${int(0, 255)}.${int(1, 254)}:${int(1024, 65535)}`,
      `172.${int(16, 31)}.${int(0, 255)}.0/${int(12, 28)}`,
      `2001:db8:${hex(4)}::${hex(2)}`,
      `port ${int(1024, 65535)}`,
      `HTTP/1.1 ${pick([200, 201, 204, 301, 404, 503])}`,
      `${date()}`,
      `${date()}T${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}:${pad(int(0, 59), 2)}Z`,
      `${pad(int(1, 28), 2)}/${pad(int(1, 12), 2)}/${int(1995, 2030)}`,
      `${pad(int(1, 28), 2)}.${pad(int(1, 12), 2)}.${int(1995, 2030)}`,
      `${int(1995, 2030)}/${pad(int(1, 12), 2)}/${pad(int(1, 28), 2)}`,
      `commit ${hex(40)}`,
      `sha256:${hex(64)}`,
      `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
      `$${int(1, 999)},${digits(3)},${digits(3)}.${digits(2)}`,
      `USD ${int(1, 99)},${digits(3)},${digits(3)}`,
      `${int(1, 100)}.${digits(4)}° N, ${int(1, 179)}.${digits(4)}° W`,
      `timeout=${int(1000, 60000)}`,
      `max_tokens=${int(256, 128000)}`,
      `${int(1, 64)} GiB`,
      `${int(1, 9)}.${digits(2)} × 10^${int(3, 12)}`,
      `table ${int(1, 9)}-${int(1, 30)}`,
      `figure ${int(1, 9)}.${int(1, 30)}`,
    ]);
  const sentences = [
    () => `The Contractor shall comply with ${clause()} as in effect on ${date()}.`,
    () => `Rights in technical data are governed by ${clause()} and ${clause()}; see also ${reference()}.`,
    () => `Notwithstanding ${clause()}, the obligations in ${clause()} survive termination.`,
    () => `Deliverables under ${reference()} are listed in ${clause()}.`,
    () => `The supplier is registered as ${reference()} and ${reference()}.`,
    () => `Item ${int(1, 40)} (${reference()}) ships with firmware ${technical()}.`,
    () => `The service runs ${technical()} behind ${technical()}; logs are retained until ${technical()}.`,
    () => `Clone ${technical()} and check out ${technical()} before applying the patch.`,
    () => `Per ${clause()}, records are kept for ${int(2, 10)} years from ${date()}.`,
    () => `The parties refer to ${reference()}, ${reference()} and ${clause()}.`,
    () => `Audit ${reference()} found the host at ${technical()} running ${technical()}.`,
    () => `Changes since ${technical()}: see ${technical()} and ${reference()}.`,
    () => `The fee is ${technical()}, payable within ${int(15, 90)} days under ${clause()}.`,
    () => `Controls map to ${reference()} and ${reference()} (${technical()}).`,
    () => `Filed ${technical()} in ${reference()}; the hearing is set for ${technical()}.`,
  ];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let passage = '';
    while (passage.length < 1024) passage += pick(sentences)() + ' ';
    out.push(passage);
  }
  return out;
}
