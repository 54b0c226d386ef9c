import { Link as RouterLink, Route, Routes, useLocation } from 'react-router-dom';
import Box from '@mui/material/Box';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import { LoadingState, NotifyProvider } from '@cocrm/suite-react';
import { useCrmLinks } from '../routes';
import { useCrmT } from './common/i18n';
import { ErrorState } from './common/feedback';
import { CrmAccessProvider, useCrmAccess } from './common/access';
import { CustomerListPage } from './customers/CustomerListPage';
import { CustomerPage } from './customers/CustomerPage';
import { ContactListPage } from './contacts/ContactListPage';
import { ContactPage } from './contacts/ContactPage';
import { VisitListPage } from './visits/VisitListPage';
import { ContractListPage } from './contracts/ContractListPage';
import { ContractPage } from './contracts/ContractPage';

function CrmNav() {
  const { t } = useCrmT();
  const links = useCrmLinks();
  const { pathname } = useLocation();
  const rel = pathname.startsWith(links.base) ? pathname.slice(links.base.length) : pathname;
  const section = ['contacts', 'visits', 'contracts'].find(s => rel.startsWith(`/${s}`));
  const current = section ?? 'customers';
  return (
    <Tabs value={current} sx={{ mb: 2, borderBottom: 1, borderColor: 'divider' }} aria-label={t('page.title')}>
      <Tab value="customers" label={t('nav.customers')} component={RouterLink} to={links.customers} data-testid="crm-nav-customers" />
      <Tab value="contacts" label={t('nav.contacts')} component={RouterLink} to={links.contacts} data-testid="crm-nav-contacts" />
      <Tab value="visits" label={t('nav.visits')} component={RouterLink} to={links.visits} data-testid="crm-nav-visits" />
      <Tab value="contracts" label={t('nav.contracts')} component={RouterLink} to={links.contracts} data-testid="crm-nav-contracts" />
    </Tabs>
  );
}

/**
 * Pages render once the user's access is known: list queries must leave out
 * sorts and filters on hidden fields, which the backend would refuse.
 */
function CrmRoutes() {
  const access = useCrmAccess();
  if (access.loading) return <LoadingState />;
  if (access.error) return <ErrorState error={access.error} onRetry={access.retry} />;
  return (
    <Routes>
      <Route path="/" element={<CustomerListPage />} />
      <Route path="/customers" element={<CustomerListPage />} />
      <Route path="/customers/:id" element={<CustomerPage />} />
      <Route path="/contacts" element={<ContactListPage />} />
      <Route path="/contacts/:id" element={<ContactPage />} />
      <Route path="/visits" element={<VisitListPage />} />
      <Route path="/contracts" element={<ContractListPage />} />
      <Route path="/contracts/:id" element={<ContractPage />} />
    </Routes>
  );
}

/** The CRM page: 客户 / 联系人 / 拜访 / 合同 with their detail pages. */
export function CrmPage() {
  return (
    <NotifyProvider>
      <CrmAccessProvider>
        <Box sx={{ p: { xs: 2, md: 3 } }}>
          <CrmNav />
          <CrmRoutes />
        </Box>
      </CrmAccessProvider>
    </NotifyProvider>
  );
}

export default CrmPage;
