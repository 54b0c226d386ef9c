import { useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import FormHelperText from '@mui/material/FormHelperText';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { alpha, Theme } from '@mui/material/styles';
import { ACCESS_ACTIONS } from '@cocrm/plugin-access-common';
import type { AccessAction, ResourceModel, ScopeSpec } from '@cocrm/plugin-access-common';
import { useAccessT } from '../common/i18n';
import { CellScope, isScopedCell, scopeOptionsFor } from '../common/model';
import { useNames } from '../common/org';
import { DepartmentScopeDialog, DepartmentSelection } from '../common/pickers';
import { cellKey, normalizeScope } from './roleDraft';

/** Highlight for an edited, not yet saved value. */
export const changedSx = (theme: Theme) => ({
  bgcolor: alpha(theme.palette.warning.main, 0.08),
  boxShadow: `inset 3px 0 0 ${theme.palette.warning.main}`,
});

/** "销售一部、销售二部（含下级）" */
export function useDepartmentSummary() {
  const { t } = useAccessT();
  const { departmentName } = useNames();
  return (spec: Pick<ScopeSpec, 'departments' | 'includeSubdepartments'>) => {
    const names = (spec.departments ?? []).map(departmentName).join('、');
    return spec.includeSubdepartments ? `${names}（${t('common.includeSubdepartmentsShort')}）` : names;
  };
}

/** One matrix cell: a native select (compact, keyboard- and test-friendly in a grid of many). */
export function ScopeSelect(props: {
  resource: ResourceModel;
  action: AccessAction;
  value: ScopeSpec | undefined;
  onChange: (value: ScopeSpec | undefined) => void;
  error?: string;
  testId: string;
  label: string;
  disabled?: boolean;
}) {
  const { t, scopeLabel } = useAccessT();
  const summary = useDepartmentSummary();
  const [choosing, setChoosing] = useState(false);
  const scoped = isScopedCell(props.resource, props.action);
  const current: CellScope = props.value?.scope ?? 'none';
  const optionLabel = (s: CellScope) => {
    if (s === 'none') return t('scope.none');
    // a yes/no cell reads better as 允许 than as 全部
    if (s === 'all' && !scoped) return t('scope.allow');
    return scopeLabel(s);
  };
  const choose = (s: CellScope) => {
    if (s === 'none') props.onChange(undefined);
    else if (s === 'specified') setChoosing(true);
    else props.onChange({ scope: s });
  };
  const confirmDepartments = (sel: DepartmentSelection) => {
    setChoosing(false);
    props.onChange(normalizeScope({ scope: 'specified', ...sel }));
  };
  return (
    <Box>
      <TextField
        select
        size="small"
        fullWidth
        disabled={props.disabled}
        value={current}
        error={!!props.error}
        onChange={e => choose(e.target.value as CellScope)}
        SelectProps={{ native: true }}
        inputProps={{ 'data-testid': props.testId, 'aria-label': props.label }}
        sx={{
          minWidth: 118,
          '& select': { py: 0.75, fontSize: 14, color: current === 'none' ? 'text.secondary' : 'text.primary' },
        }}
      >
        {scopeOptionsFor(props.resource, props.action).map(s => (
          <option key={s} value={s}>
            {optionLabel(s)}
          </option>
        ))}
      </TextField>
      {props.value?.scope === 'specified' && (
        <Tooltip title={t('scope.editDepartments')}>
          <Button
            size="small"
            onClick={() => setChoosing(true)}
            sx={{ mt: 0.25, px: 0.5, minWidth: 0, textAlign: 'left', justifyContent: 'flex-start', lineHeight: 1.3 }}
            data-testid={`${props.testId}-departments`}
          >
            {summary(props.value) || t('scope.needsDepartments')}
          </Button>
        </Tooltip>
      )}
      {props.error && <FormHelperText error>{props.error}</FormHelperText>}
      <DepartmentScopeDialog
        open={choosing}
        title={`${t('scope.departmentsTitle')} · ${props.label}`}
        initial={{
          departments: props.value?.departments ?? [],
          includeSubdepartments: props.value?.includeSubdepartments ?? false,
        }}
        onConfirm={confirmDepartments}
        // cancelling keeps whatever the cell held before 指定部门 was picked
        onCancel={() => setChoosing(false)}
      />
    </Box>
  );
}

/** Rows = resource types from `/model`, columns = actions; each cell a data scope. */
export function GrantMatrix(props: {
  resources: ResourceModel[];
  cells: Record<string, ScopeSpec>;
  baseline: Record<string, ScopeSpec>;
  errors: Record<string, string>;
  onChange: (key: string, value: ScopeSpec | undefined) => void;
  disabled?: boolean;
}) {
  const { t, label, actionLabel } = useAccessT();
  const actions = ACCESS_ACTIONS.filter(a => props.resources.some(r => r.actions.includes(a)));
  const same = (a?: ScopeSpec, b?: ScopeSpec) =>
    JSON.stringify(a ? normalizeScope(a) : null) === JSON.stringify(b ? normalizeScope(b) : null);
  return (
    <TableContainer component={Paper} variant="outlined">
      <Table size="small" aria-label={t('role.permissions')} data-testid="access-grant-matrix">
        <TableHead>
          <TableRow>
            <TableCell sx={{ minWidth: 180 }}>{t('role.resource')}</TableCell>
            {actions.map(a => (
              <TableCell key={a} sx={{ minWidth: 130 }}>
                {actionLabel(a)}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {props.resources.map(r => (
            <TableRow key={r.resourceType} data-testid={`grant-row-${r.resourceType}`}>
              <TableCell component="th" scope="row" sx={{ verticalAlign: 'top', pt: 1.5 }}>
                <Typography variant="body2" fontWeight={500}>
                  {label(r.label, r.resourceType)}
                </Typography>
                <Typography variant="caption" color="text.secondary" fontFamily="monospace">
                  {r.permissionPrefix}
                </Typography>
              </TableCell>
              {actions.map(a => {
                if (!r.actions.includes(a)) {
                  return (
                    <TableCell
                      key={a}
                      sx={{ color: 'text.disabled', verticalAlign: 'top', pt: 1.5 }}
                      aria-label={t('scope.notApplicable')}
                    >
                      —
                    </TableCell>
                  );
                }
                const key = cellKey(r.resourceType, a);
                const changed = !same(props.cells[key], props.baseline[key]);
                return (
                  <TableCell
                    key={a}
                    sx={[{ verticalAlign: 'top' }, changed && changedSx]}
                    data-changed={changed || undefined}
                  >
                    <ScopeSelect
                      resource={r}
                      action={a}
                      value={props.cells[key]}
                      onChange={v => props.onChange(key, v)}
                      error={props.errors[key]}
                      testId={`grant-${r.resourceType}-${a}`}
                      label={`${label(r.label, r.resourceType)} · ${actionLabel(a)}`}
                      disabled={props.disabled}
                    />
                  </TableCell>
                );
              })}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
