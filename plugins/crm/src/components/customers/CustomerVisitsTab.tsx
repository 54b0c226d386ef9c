import { useApi } from '@backstage/frontend-plugin-api';
import type { Customer } from '@cocrm/plugin-crm-common';
import { useNotify } from '@cocrm/suite-react';
import { crmApiRef } from '../../api/CrmClient';
import { useCrmT } from '../common/i18n';
import { useCrmAccess } from '../common/access';
import { VisitFormDialog, canCreateVisits } from '../visits/VisitFormDialog';
import { VisitsTable } from '../visits/VisitsTable';
import { RelatedListTab } from './RelatedListTab';

export function CustomerVisitsTab({ customer }: { customer: Customer }) {
  const { t } = useCrmT();
  const api = useApi(crmApiRef);
  const notify = useNotify();
  const access = useCrmAccess();
  return (
    <RelatedListTab
      load={(page, pageSize) => api.listVisits({ customerId: customer.id, page, pageSize, sort: 'visitedAt', order: 'desc' })}
      deps={[api, customer.id]}
      newLabel={t('visit.new')}
      newTestId="crm-new-visit"
      canCreate={canCreateVisits(access)}
      emptyTitle={t('visit.empty')}
      emptyHint={t('visit.emptyHint')}
      renderTable={items => <VisitsTable visits={items} />}
      renderForm={(open, close, saved) => (
        <VisitFormDialog
          open={open}
          customer={{ id: customer.id, name: customer.name }}
          onClose={close}
          onSaved={() => {
            notify({ message: t('visit.created') });
            saved();
          }}
        />
      )}
    />
  );
}
