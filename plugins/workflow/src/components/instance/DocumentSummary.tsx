import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import type { DocumentFieldKind, DocumentTypeSpec, WorkflowInstance } from '@cocrm/plugin-workflow-common';
import { useNames } from '../common/directory';
import { formatDate, formatDateTime, formatMoney } from '../common/format';
import { useWorkflowT } from '../common/i18n';

type Names = ReturnType<typeof useNames>;

/** A snapshot value shown by its declared kind (money in 分, users and departments by name). */
export function formatFieldValue(
  value: unknown,
  kind: DocumentFieldKind | undefined,
  ctx: { names: Names; yes: string; no: string; currency: string | null },
): string {
  if (value === null || value === undefined || value === '') return '';
  if (Array.isArray(value))
    return value.map(v => formatFieldValue(v, kind === 'list' ? undefined : kind, ctx)).join('、');
  switch (kind) {
    case 'money':
      return typeof value === 'number' ? formatMoney(value, ctx.currency) : String(value);
    case 'boolean':
      return value ? ctx.yes : ctx.no;
    case 'date':
      return typeof value === 'string' && value.length > 10 ? formatDateTime(value) : formatDate(String(value));
    case 'user':
      return ctx.names.userName(String(value));
    case 'department':
      return ctx.names.departmentName(String(value));
    default:
      if (typeof value === 'object') return JSON.stringify(value);
      if (typeof value === 'boolean') return value ? ctx.yes : ctx.no;
      return String(value);
  }
}

/**
 * The document as it was submitted: the fields its type declares, labelled
 * in the UI language. A type the backend does not know (anymore) shows every
 * snapshot field under its own name.
 */
export function DocumentSummary(props: { instance: WorkflowInstance; spec: DocumentTypeSpec | undefined }) {
  const { t, label } = useWorkflowT();
  const names = useNames();
  const { fields, currency } = props.instance;
  const ctx = { names, yes: t('common.yes'), no: t('common.no'), currency };
  const rows = props.spec
    ? props.spec.fields
        .filter(f => f.name in fields)
        .map(f => ({
          name: f.name,
          label: label(f.label, f.name),
          value: formatFieldValue(fields[f.name], f.kind, ctx),
        }))
    : Object.entries(fields).map(([name, value]) => ({
        name,
        label: name,
        value: formatFieldValue(value, undefined, ctx),
      }));
  return (
    <Paper variant="outlined" sx={{ p: 2, mb: 2 }} data-testid="workflow-document-summary">
      <Typography variant="h6" sx={{ mb: 1.5 }}>
        {t('instance.summary')}
      </Typography>
      {rows.length === 0 ? (
        <Typography color="text.secondary">{t('instance.noFields')}</Typography>
      ) : (
        <Box
          component="dl"
          sx={{
            m: 0,
            display: 'grid',
            gridTemplateColumns: { xs: 'max-content 1fr', md: 'max-content 1fr max-content 1fr' },
            columnGap: 2,
            rowGap: 1,
          }}
        >
          {rows.map(r => (
            <Box key={r.name} sx={{ display: 'contents' }}>
              <Typography component="dt" color="text.secondary">
                {r.label}
              </Typography>
              <Typography component="dd" sx={{ m: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                {r.value || '—'}
              </Typography>
            </Box>
          ))}
        </Box>
      )}
    </Paper>
  );
}
