import { useNavigate } from 'react-router-dom';
import { useApi } from '@backstage/frontend-plugin-api';
import type { Customer } from '@cocrm/plugin-crm-common';
import { useNotify } from '@cocrm/suite-react';
import { crmApiRef } from '../../api/CrmClient';
import { useCrmLinks } from '../../routes';
import { useCrmT } from '../common/i18n';
import { useCrmAccess } from '../common/access';
import { ContractFormDialog, canCreateContracts } from '../contracts/ContractFormDialog';
import { ContractsTable } from '../contracts/ContractsTable';
import { RelatedListTab } from './RelatedListTab';

/** 合同 of the customer (those the user may see), newest first, with 新建合同 for this customer. */
export function CustomerContractsTab({ customer }: { customer: Customer }) {
  const { t } = useCrmT();
  const api = useApi(crmApiRef);
  const notify = useNotify();
  const navigate = useNavigate();
  const links = useCrmLinks();
  const access = useCrmAccess();
  return (
    <RelatedListTab
      load={(page, pageSize) => api.listContracts({ customerId: customer.id, page, pageSize, sort: 'updatedAt', order: 'desc' })}
      deps={[api, customer.id]}
      newLabel={t('contract.new')}
      newTestId="crm-new-contract"
      canCreate={canCreateContracts(access)}
      emptyTitle={t('contract.empty')}
      emptyHint={t('contract.emptyCustomerHint')}
      renderTable={items => <ContractsTable contracts={items} />}
      renderForm={(open, close) => (
        <ContractFormDialog
          open={open}
          customer={{ id: customer.id, name: customer.name }}
          onClose={close}
          onSaved={c => {
            notify({ message: t('contract.created', { number: c.number }) });
            navigate(links.contract(c.id));
          }}
        />
      )}
    />
  );
}
