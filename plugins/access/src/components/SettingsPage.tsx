import { Link as RouterLink, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import Box from '@mui/material/Box';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import Typography from '@mui/material/Typography';
import AdminPanelSettingsIcon from '@mui/icons-material/AdminPanelSettings';
import { useAccessLinks } from '../routes';
import { useAccessT } from './common/i18n';
import { NotifyProvider } from './common/feedback';
import { ModelProvider } from './common/model';
import { OrgProblemsBanner, OrgProvider } from './common/org';
import { RoleListPage } from './roles/RoleListPage';
import { RoleDetailPage } from './roles/RoleDetailPage';
import { GrantsPage } from './grants/GrantsPage';
import { EffectiveAccessPage } from './effective/EffectiveAccessPage';
import { HandoverPage } from './handover/HandoverPage';
import { AuditPage } from './audit/AuditPage';

const TABS = ['roles', 'grants', 'effective', 'handover', 'audit'] as const;
type TabKey = (typeof TABS)[number];

function SettingsNav() {
  const { t } = useAccessT();
  const links = useAccessLinks();
  const { pathname } = useLocation();
  const rel = pathname.startsWith(links.base) ? pathname.slice(links.base.length) : pathname;
  const current: TabKey = TABS.find(k => rel.startsWith(`/${k}`)) ?? 'roles';
  const to: Record<TabKey, string> = {
    roles: links.roles,
    grants: links.grants,
    effective: links.effective(),
    handover: links.handover,
    audit: links.audit,
  };
  return (
    <Tabs
      value={current}
      variant="scrollable"
      allowScrollButtonsMobile
      sx={{ mb: 2, borderBottom: 1, borderColor: 'divider' }}
      aria-label={t('page.title')}
    >
      {TABS.map(k => (
        <Tab
          key={k}
          value={k}
          label={t(`nav.${k}`)}
          component={RouterLink}
          to={to[k]}
          data-testid={`access-tab-${k}`}
        />
      ))}
    </Tabs>
  );
}

/** 系统设置: 角色 / 授权 / 权限查询 / 工作移交 / 审计日志. */
function ToRoles() {
  const links = useAccessLinks();
  return <Navigate to={links.roles} replace />;
}

export function SettingsPage() {
  const { t } = useAccessT();
  return (
    <NotifyProvider>
      <OrgProvider>
        <ModelProvider>
          <Box sx={{ p: { xs: 2, md: 3 } }} data-testid="access-settings">
            <Box sx={{ display: 'flex', alignItems: 'center', gap: 1.5, mb: 1 }}>
              <AdminPanelSettingsIcon color="primary" sx={{ fontSize: 32 }} />
              <Box>
                <Typography variant="h4" component="h1">
                  {t('page.title')}
                </Typography>
                <Typography color="text.secondary">{t('page.subtitle')}</Typography>
              </Box>
            </Box>
            <SettingsNav />
            <OrgProblemsBanner />
            <Routes>
              <Route path="/" element={<ToRoles />} />
              <Route path="/roles" element={<RoleListPage />} />
              <Route path="/roles/:id" element={<RoleDetailPage />} />
              <Route path="/grants" element={<GrantsPage />} />
              <Route path="/effective" element={<EffectiveAccessPage />} />
              <Route path="/handover" element={<HandoverPage />} />
              <Route path="/audit" element={<AuditPage />} />
              <Route path="*" element={<ToRoles />} />
            </Routes>
          </Box>
        </ModelProvider>
      </OrgProvider>
    </NotifyProvider>
  );
}

export default SettingsPage;
