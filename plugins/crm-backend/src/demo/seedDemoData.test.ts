import { TestDatabaseId } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import fs from 'node:fs';
import path from 'node:path';
import { databases, startCrm } from '../__testUtils__/testBackend';

jest.setTimeout(120_000);

const demoFile = path.resolve(resolvePackagePath('@cocrm/plugin-crm-backend'), '../../examples/crm-demo-data.json');
/** Everyone the demo data names (creators, managers, visitors, companions): the seed waits for them in the catalog. */
const demoUsers = [...new Set(fs.readFileSync(demoFile, 'utf8').match(/user:default\/[\w.-]+/g) ?? [])].map(ref => ref.split('/')[1]);

describe.each(databases.eachSupportedId())('demo data on %s', (databaseId: TestDatabaseId) => {
  it('loads the demo contracts once (a draft to submit and an approved one, without any approval started) and the mail domains', async () => {
    const options = { config: { crm: { demoData: { file: demoFile } } }, extraUsers: demoUsers };
    let crm = await startCrm(databaseId, options);
    try {
      const contracts = async () => crm.knex('crm_contracts').orderBy('number').select('number', 'name', 'status', 'workflow_instance_id', 'owner_ref');
      for (let i = 0; i < 100 && (await contracts()).length < 2; i++) await new Promise(r => setTimeout(r, 100));
      const rows = await contracts();
      expect(rows.map(r => [r.status, r.workflow_instance_id])).toEqual([
        ['draft', null],
        ['approved', null],
      ]);
      expect(rows[0]).toMatchObject({ number: 'HT000001', owner_ref: 'user:default/zhouhao' });
      const approved = await crm.knex('crm_audit').where({ record_type: 'contract', action: 'approved' });
      expect(approved).toHaveLength(1);
      expect(JSON.parse(approved[0].detail)).toEqual({ amount: { amount: 32_000_000, currency: 'CNY' } });

      // 邮箱域名 route mail to the demo customers
      const domainOf = async (domain: string) =>
        crm.knex('crm_customer_mail_domains as d').join('crm_customers as c', 'c.id', 'd.customer_id').where('d.domain', domain).first('c.name');
      expect(await domainOf('huaxin-group.com.cn')).toEqual({ name: '华信控股集团有限公司' });

      // a database seeded before mail domains existed gets them on the next start; then the marker stops it
      await crm.knex('crm_customer_mail_domains').delete();
      await crm.knex('crm_customers').update({ mail_domains: '[]' });
      await crm.knex('crm_sequences').where({ name: 'demo-mail-domains-seeded' }).delete();
      await crm.stop();
      crm = await startCrm(databaseId, { ...options, knex: crm.knex });
      for (let i = 0; i < 100 && !(await domainOf('huaxin-group.com.cn')); i++) await new Promise(r => setTimeout(r, 100));
      expect(await domainOf('huaxin-group.com.cn')).toEqual({ name: '华信控股集团有限公司' });
      expect(await domainOf('kerui-opto.com')).toEqual({ name: '合肥科瑞光电股份有限公司' });

      // the next start finds the marker and adds nothing
      await crm.stop();
      crm = await startCrm(databaseId, { ...options, knex: crm.knex });
      expect(await contracts()).toHaveLength(2);
    } finally {
      await crm.stop();
    }
  });
});
