import { useApi } from '@backstage/frontend-plugin-api';
import type { Customer } from '@cocrm/plugin-crm-common';
import { useNotify } from '@cocrm/suite-react';
import { crmApiRef } from '../../api/CrmClient';
import { useCrmT } from '../common/i18n';
import { useCrmAccess } from '../common/access';
import { ContactFormDialog } from '../contacts/ContactFormDialog';
import { ContactsTable } from '../contacts/ContactsTable';
import { RelatedListTab } from './RelatedListTab';

export function CustomerContactsTab({ customer, onChanged }: { customer: Customer; onChanged?: () => void }) {
  const { t } = useCrmT();
  const api = useApi(crmApiRef);
  const notify = useNotify();
  const access = useCrmAccess();
  return (
    <RelatedListTab
      load={(page, pageSize) => api.listContacts({ customerId: customer.id, page, pageSize, sort: 'name', order: 'asc' })}
      deps={[api, customer.id]}
      newLabel={t('contact.new')}
      newTestId="crm-new-contact"
      canCreate={access.can('contact', 'create')}
      emptyTitle={t('contact.empty')}
      emptyHint={t('contact.emptyHint')}
      renderTable={items => <ContactsTable contacts={items} />}
      renderForm={(open, close, saved) => (
        <ContactFormDialog
          open={open}
          customer={{ id: customer.id, name: customer.name }}
          onClose={close}
          onSaved={c => {
            notify({ message: t('contact.created', { name: c.name }) });
            saved();
            onChanged?.();
          }}
        />
      )}
    />
  );
}
