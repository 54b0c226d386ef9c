import { Link as RouterLink, Route, Routes, useLocation } from 'react-router-dom';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import AccountTreeIcon from '@mui/icons-material/AccountTree';
import AssessmentIcon from '@mui/icons-material/Assessment';
import AssignmentTurnedInIcon from '@mui/icons-material/AssignmentTurnedIn';
import EventBusyIcon from '@mui/icons-material/EventBusy';
import { usePermission } from '@backstage/plugin-permission-react';
import { workflowFlowReadPermission, workflowReportReadPermission } from '@cocrm/plugin-workflow-common';
import { useWorkflowLinks } from '../routes';
import { DirectoryProvider } from './common/directory';
import { NotifyProvider } from './common/feedback';
import { useWorkflowT } from './common/i18n';
import { DelegationsPage } from './delegations/DelegationsPage';
import { FlowDesignerPage, FlowListPage } from './designer';
import { InboxPage } from './inbox/InboxPage';
import { InstancePage } from './instance/InstancePage';
import { ReportsPage } from './reports/ReportsPage';

function HeaderLinks() {
  const { t } = useWorkflowT();
  const links = useWorkflowLinks();
  const { pathname } = useLocation();
  const flows = usePermission({ permission: workflowFlowReadPermission });
  const reports = usePermission({ permission: workflowReportReadPermission });
  const items = [
    { key: 'delegations', to: links.delegations, label: t('nav.delegations'), icon: <EventBusyIcon />, show: true },
    { key: 'flows', to: links.flows, label: t('nav.flows'), icon: <AccountTreeIcon />, show: flows.allowed },
    { key: 'reports', to: links.reports, label: t('nav.reports'), icon: <AssessmentIcon />, show: reports.allowed },
  ];
  return (
    <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1 }}>
      {items
        .filter(i => i.show)
        .map(i => (
          <Button
            key={i.key}
            component={RouterLink}
            to={i.to}
            startIcon={i.icon}
            variant={pathname.startsWith(i.to) ? 'contained' : 'outlined'}
            size="small"
            data-testid={`workflow-nav-${i.key}`}
          >
            {i.label}
          </Button>
        ))}
    </Box>
  );
}

function Header() {
  const { t } = useWorkflowT();
  const links = useWorkflowLinks();
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', flexWrap: 'wrap', gap: 1.5, mb: 2 }}>
      <AssignmentTurnedInIcon color="primary" sx={{ fontSize: 32 }} />
      <Box sx={{ flex: 1, minWidth: 200 }}>
        <Typography variant="h4" component="h1">
          <Box component={RouterLink} to={links.todo} sx={{ color: 'inherit', textDecoration: 'none' }}>
            {t('page.title')}
          </Box>
        </Typography>
        <Typography color="text.secondary">{t('page.subtitle')}</Typography>
      </Box>
      <HeaderLinks />
    </Box>
  );
}

/**
 * 审批: the inbox (待办 / 已办 / 我发起的 / 抄送我的 / 审批查询), one
 * approval's page, 委托, the flow designer and the reports.
 */
export function ApprovalsPage() {
  return (
    <NotifyProvider>
      <DirectoryProvider>
        <Box sx={{ p: { xs: 2, md: 3 } }} data-testid="workflow-page">
          <Header />
          <Routes>
            <Route path="/" element={<InboxPage tab="todo" />} />
            <Route path="/done" element={<InboxPage tab="done" />} />
            <Route path="/mine" element={<InboxPage tab="mine" />} />
            <Route path="/cc" element={<InboxPage tab="cc" />} />
            <Route path="/all" element={<InboxPage tab="all" />} />
            <Route path="/instances/:id" element={<InstancePage />} />
            <Route path="/delegations" element={<DelegationsPage />} />
            <Route path="/flows" element={<FlowListPage />} />
            <Route path="/flows/:id" element={<FlowDesignerPage />} />
            <Route path="/reports" element={<ReportsPage />} />
          </Routes>
        </Box>
      </DirectoryProvider>
    </NotifyProvider>
  );
}

export default ApprovalsPage;
