import { FakeCrm } from '../../routing/__testUtils__/fakeCrm';

/** CRM ids are uuids; these are fixed so runs compare. */
const id = (kind: 'c' | 'd', n: number) => `${kind}0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/**
 * A CRM that knows the bulk corpus's senders: 40 customers with the mail
 * domains customer<k>.example, and as contacts the buyers the corpus writes
 * from (buyer<n % 300>@customer<n % 40>.example, those whose two numbers agree).
 */
export function corpusCrm(): FakeCrm {
  const crm = new FakeCrm();
  for (let c = 0; c < 40; c++) {
    crm.customer(id('c', c), `客户 ${c}`, [`customer${c}.example`]);
    for (let b = c; b < 300; b += 40) crm.contact(id('d', b), id('c', c), `联系人 ${b}`, [`buyer${b}@customer${c}.example`]);
  }
  return crm;
}
