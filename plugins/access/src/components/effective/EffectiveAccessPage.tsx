import { Fragment, ReactNode, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import FormControlLabel from '@mui/material/FormControlLabel';
import Paper from '@mui/material/Paper';
import Switch from '@mui/material/Switch';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import PersonSearchOutlined from '@mui/icons-material/PersonSearchOutlined';
import { useApi } from '@backstage/frontend-plugin-api';
import { ACCESS_ACTIONS } from '@cocrm/plugin-access-common';
import type { AccessAction, EffectiveAccess, EffectiveScope, ResourceModel } from '@cocrm/plugin-access-common';
import { EmptyState, useLoad } from '@cocrm/suite-react';
import { accessApiRef } from '../../api/AccessClient';
import { useAccessT } from '../common/i18n';
import { ErrorState, LoadingState } from '../common/feedback';
import { isScopedCell, useAccessModel } from '../common/model';
import { useNames, useOrg } from '../common/org';
import { UserPicker } from '../common/pickers';
import { describeReason } from '../common/reasons';
import { useDepartmentSummary } from '../roles/GrantMatrix';

type Permission = EffectiveAccess['permissions'][number];

function Card(props: { title: string; children: ReactNode; testId?: string; action?: ReactNode }) {
  return (
    <Paper variant="outlined" sx={{ p: 2, mb: 2 }} data-testid={props.testId}>
      <Box sx={{ display: 'flex', alignItems: 'center', mb: 1 }}>
        <Typography variant="h6" component="h2" sx={{ flex: 1 }}>
          {props.title}
        </Typography>
        {props.action}
      </Box>
      {props.children}
    </Paper>
  );
}

/**
 * Resources of the model first (in its order), then any the answer names
 * that the model does not (a plugin removed since), so nothing granted is hidden.
 */
function resourceRows(
  resources: ResourceModel[],
  access: EffectiveAccess,
): Array<{ resourceType: string; resource?: ResourceModel; actions: AccessAction[] }> {
  const rows: Array<{ resourceType: string; resource?: ResourceModel; actions: AccessAction[] }> = resources.map(r => ({
    resourceType: r.resourceType,
    resource: r,
    actions: ACCESS_ACTIONS.filter(a => r.actions.includes(a)),
  }));
  const known = new Set(resources.map(r => r.resourceType));
  const extra = new Map<string, Set<AccessAction>>();
  for (const p of access.permissions) {
    if (known.has(p.resourceType)) continue;
    extra.set(p.resourceType, (extra.get(p.resourceType) ?? new Set()).add(p.action));
  }
  for (const [resourceType, actions] of extra) {
    rows.push({ resourceType, actions: ACCESS_ACTIONS.filter(a => actions.has(a)) });
  }
  return rows;
}

function EffectiveView({ access }: { access: EffectiveAccess }) {
  const { t, label, actionLabel, scopeLabel } = useAccessT();
  const { resources, byType } = useAccessModel();
  const { departmentName } = useNames();
  const { userByRef } = useOrg();
  const departmentSummary = useDepartmentSummary();
  const [onlyGranted, setOnlyGranted] = useState(false);
  const ctx = { t, departmentName };
  const user = userByRef.get(access.userRef.toLowerCase());

  const byCell = useMemo(() => {
    const m = new Map<string, Permission>();
    for (const p of access.permissions) m.set(`${p.resourceType}::${p.action}`, p);
    return m;
  }, [access.permissions]);
  const rows = resourceRows(resources, access);

  const scopeText = (resource: ResourceModel | undefined, action: AccessAction, s: EffectiveScope) => {
    if (s.scope === 'all' && resource && !isScopedCell(resource, action)) return t('scope.allow');
    if (s.scope === 'specified') return `${scopeLabel(s.scope)}：${departmentSummary(s)}`;
    return scopeLabel(s.scope);
  };
  const covered = (p: Permission) => {
    if (p.all) return t('effective.allRecords');
    const parts = [...p.departmentNames];
    // every scope short of 全部 includes the records the user manages (see compileAccess)
    if (p.scopes.length) parts.unshift(t('effective.ownRecords'));
    return parts.join('、');
  };
  const fieldLabel = (resourceType: string, field: string) =>
    label(byType.get(resourceType)?.fields.find(f => f.name === field)?.label, field);

  return (
    <Box data-testid="access-effective">
      <Paper variant="outlined" sx={{ p: 2, mb: 2 }}>
        <Typography variant="h5" data-testid="access-effective-name">
          {access.displayName}
          {user?.title && (
            <Typography component="span" color="text.secondary" sx={{ ml: 1.5 }}>
              {user.title}
            </Typography>
          )}
        </Typography>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mt: 1, flexWrap: 'wrap' }}>
          <Typography variant="body2" color="text.secondary">
            {t('effective.departments')}
          </Typography>
          {access.departments.length ? (
            access.departments.map(d => (
              <Chip key={d.ref} size="small" label={d.displayName} data-testid="access-effective-department" />
            ))
          ) : (
            <Typography variant="body2">{t('effective.noDepartments')}</Typography>
          )}
        </Box>
      </Paper>

      <Card title={t('effective.roles')} testId="access-effective-roles">
        {access.roles.length === 0 ? (
          <Typography color="text.secondary">{t('effective.noRoles')}</Typography>
        ) : (
          <Box component="ul" sx={{ m: 0, p: 0, listStyle: 'none', display: 'grid', gap: 1 }}>
            {access.roles.map(r => (
              <Box
                component="li"
                key={r.roleId}
                data-testid={`effective-role-${r.key}`}
                sx={{ display: 'flex', gap: 1.5, flexWrap: 'wrap', alignItems: 'baseline' }}
              >
                <Typography fontWeight={600}>{r.name}</Typography>
                <Typography variant="body2" color="text.secondary">
                  {r.reasons.map(reason => describeReason(reason, ctx, false)).join('；')}
                </Typography>
              </Box>
            ))}
          </Box>
        )}
      </Card>

      <Card
        title={t('effective.permissions')}
        testId="access-effective-permissions"
        action={
          <FormControlLabel
            control={
              <Switch
                size="small"
                checked={onlyGranted}
                onChange={e => setOnlyGranted(e.target.checked)}
                inputProps={{ 'data-testid': 'access-effective-only-granted' } as Record<string, string>}
              />
            }
            label={<Typography variant="body2">{t('effective.onlyGranted')}</Typography>}
          />
        }
      >
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
          {t('effective.permissionsHint')}
        </Typography>
        <TableContainer>
          <Table size="small" aria-label={t('effective.permissions')}>
            <TableHead>
              <TableRow>
                <TableCell sx={{ width: 180 }}>{t('effective.resource')}</TableCell>
                <TableCell sx={{ width: 80 }}>{t('effective.action')}</TableCell>
                <TableCell>
                  {t('effective.scopes')} · {t('effective.reasons')}
                </TableCell>
                <TableCell sx={{ width: '26%' }}>{t('effective.covered')}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {rows.map(row => {
                const actions = row.actions.filter(
                  a => !onlyGranted || byCell.get(`${row.resourceType}::${a}`)?.scopes.length,
                );
                return (
                  <Fragment key={row.resourceType}>
                    {actions.map((a, i) => {
                      const p = byCell.get(`${row.resourceType}::${a}`);
                      const granted = !!p && p.scopes.length > 0;
                      return (
                        <TableRow key={a} data-testid={`effective-perm-${row.resourceType}-${a}`}>
                          {i === 0 && (
                            <TableCell rowSpan={actions.length} sx={{ verticalAlign: 'top', fontWeight: 500 }}>
                              {label(row.resource?.label, row.resourceType)}
                            </TableCell>
                          )}
                          <TableCell sx={{ verticalAlign: 'top' }}>{actionLabel(a)}</TableCell>
                          <TableCell sx={{ verticalAlign: 'top' }}>
                            {granted ? (
                              <Box sx={{ display: 'grid', gap: 0.5 }}>
                                {p.scopes.map((s, j) => (
                                  <Box
                                    key={j}
                                    sx={{ display: 'flex', gap: 1, alignItems: 'baseline', flexWrap: 'wrap' }}
                                  >
                                    <Chip
                                      size="small"
                                      color="success"
                                      variant="outlined"
                                      label={scopeText(row.resource, a, s)}
                                    />
                                    <Typography variant="body2" color="text.secondary">
                                      {s.reasons.map(reason => describeReason(reason, ctx)).join('；')}
                                    </Typography>
                                  </Box>
                                ))}
                              </Box>
                            ) : (
                              <Typography variant="body2" color="text.disabled">
                                {t('effective.notGranted')}
                              </Typography>
                            )}
                          </TableCell>
                          <TableCell sx={{ verticalAlign: 'top' }}>
                            <Typography variant="body2">{granted ? covered(p) : ''}</Typography>
                          </TableCell>
                        </TableRow>
                      );
                    })}
                  </Fragment>
                );
              })}
            </TableBody>
          </Table>
        </TableContainer>
      </Card>

      <Card title={t('effective.fields')} testId="access-effective-fields">
        {access.fields.length === 0 ? (
          <Typography color="text.secondary">{t('effective.noFields')}</Typography>
        ) : (
          <Table size="small" aria-label={t('effective.fields')}>
            <TableHead>
              <TableRow>
                <TableCell>{t('effective.resource')}</TableCell>
                <TableCell>{t('effective.field')}</TableCell>
                <TableCell>{t('effective.mode')}</TableCell>
                <TableCell>{t('effective.reasons')}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {access.fields.map(f => (
                <TableRow
                  key={`${f.resourceType}-${f.field}`}
                  data-testid={`effective-field-${f.resourceType}-${f.field}`}
                >
                  <TableCell>{label(byType.get(f.resourceType)?.label, f.resourceType)}</TableCell>
                  <TableCell>{fieldLabel(f.resourceType, f.field)}</TableCell>
                  <TableCell>
                    <Chip
                      size="small"
                      color={f.mode === 'hidden' ? 'error' : 'warning'}
                      variant="outlined"
                      label={f.mode === 'hidden' ? t('role.hidden') : t('role.readOnly')}
                    />
                  </TableCell>
                  <TableCell>
                    <Typography variant="body2" color="text.secondary">
                      {f.reasons.map(reason => describeReason(reason, ctx)).join('；')}
                    </Typography>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Card>
    </Box>
  );
}

/** 权限查询: "what can this person see?" for a non-technical admin. */
export function EffectiveAccessPage() {
  const { t } = useAccessT();
  const api = useApi(accessApiRef);
  const [params, setParams] = useSearchParams();
  const userRef = params.get('user') || null;
  const access = useLoad(
    () => (userRef ? api.getEffectiveAccess(userRef) : Promise.resolve(undefined)),
    [api, userRef],
  );

  let body;
  if (!userRef)
    body = (
      <EmptyState
        testId="access-effective-empty"
        icon={<PersonSearchOutlined sx={{ fontSize: 44, color: 'text.disabled' }} />}
        title={t('effective.emptyTitle')}
        hint={t('effective.hint')}
      />
    );
  else if (access.error) body = <ErrorState error={access.error} onRetry={access.retry} />;
  else if (access.loading || !access.value) body = <LoadingState />;
  else body = <EffectiveView access={access.value} />;

  return (
    <Box>
      <Typography variant="h5">{t('effective.title')}</Typography>
      <Typography color="text.secondary" sx={{ mb: 2 }}>
        {t('effective.hint')}
      </Typography>
      <Box sx={{ maxWidth: 420, mb: 2 }}>
        <UserPicker
          label={t('effective.pickUser')}
          value={userRef}
          onChange={v =>
            setParams(
              prev => {
                const next = new URLSearchParams(prev);
                if (v) next.set('user', v);
                else next.delete('user');
                return next;
              },
              { replace: true },
            )
          }
          fullWidth
          testId="access-effective-user"
        />
      </Box>
      {body}
    </Box>
  );
}
