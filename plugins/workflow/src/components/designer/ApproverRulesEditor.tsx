import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import IconButton from '@mui/material/IconButton';
import Paper from '@mui/material/Paper';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import AddIcon from '@mui/icons-material/Add';
import DeleteOutline from '@mui/icons-material/DeleteOutline';
import type { ApproverRule, ApproverRuleKind, DocumentTypeSpec } from '@cocrm/plugin-workflow-common';
import { userFields } from './fields';
import { useDesignerT } from './i18n';
import { NativeSelect, RolePicker, UserMultiPicker } from './pickers';

const RULE_KINDS: ApproverRuleKind[] = ['users', 'role', 'departmentLeader', 'supervisor', 'supervisorChain', 'applicantChoice', 'documentField'];

/** Supervisor levels offered; the schema allows up to 20, real org charts rarely pass 10. */
const LEVELS = Array.from({ length: 10 }, (_, i) => i + 1);

/** A fresh rule of a kind, with the parameters it needs set to their most common value. */
export function defaultRule(kind: ApproverRuleKind, docType: DocumentTypeSpec | undefined): ApproverRule {
  switch (kind) {
    case 'users':
      return { kind, users: [] };
    case 'role':
      return { kind, role: '' };
    case 'supervisor':
      return { kind, level: 1 };
    case 'supervisorChain':
      return { kind, upToLevel: 2 };
    case 'documentField':
      return { kind, field: userFields(docType)[0]?.name ?? '' };
    case 'departmentLeader':
    case 'applicantChoice':
    default:
      return { kind } as ApproverRule;
  }
}

function RuleParameters(props: {
  rule: ApproverRule;
  onChange: (rule: ApproverRule) => void;
  docType?: DocumentTypeSpec;
  disabled?: boolean;
  testId: string;
}) {
  const { t, label } = useDesignerT();
  const { rule, onChange, disabled, testId } = props;
  switch (rule.kind) {
    case 'users':
      return (
        <UserMultiPicker
          label={t('rules.pickUsers')}
          value={rule.users}
          onChange={users => onChange({ kind: 'users', users })}
          disabled={disabled}
          testId={`${testId}-users`}
        />
      );
    case 'role':
      return (
        <RolePicker
          label={t('rules.pickRole')}
          value={rule.role}
          onChange={role => onChange({ kind: 'role', role })}
          disabled={disabled}
          testId={`${testId}-role`}
        />
      );
    case 'supervisor':
      return (
        <NativeSelect
          label={t('rules.level')}
          value={String(rule.level)}
          options={LEVELS.map(n => ({ value: String(n), label: t('rules.supervisorSummary', { level: n }) }))}
          onChange={v => onChange({ kind: 'supervisor', level: Number(v) })}
          disabled={disabled}
          testId={`${testId}-level`}
        />
      );
    case 'supervisorChain':
      return (
        <NativeSelect
          label={t('rules.upToLevel')}
          value={String(rule.upToLevel)}
          options={LEVELS.map(n => ({ value: String(n), label: t('rules.chainSummary', { level: n }) }))}
          onChange={v => onChange({ kind: 'supervisorChain', upToLevel: Number(v) })}
          disabled={disabled}
          testId={`${testId}-level`}
        />
      );
    case 'documentField': {
      const fields = userFields(props.docType);
      if (fields.length === 0) {
        return (
          <TextField
            size="small"
            fullWidth
            label={t('rules.field')}
            value={rule.field}
            disabled={disabled}
            onChange={e => onChange({ kind: 'documentField', field: e.target.value.trim() })}
            helperText={t('rules.noUserFields')}
            inputProps={{ 'data-testid': `${testId}-field` }}
          />
        );
      }
      const options = fields.map(f => ({ value: f.name, label: label(f.label, f.name) }));
      if (rule.field && !fields.some(f => f.name === rule.field)) options.unshift({ value: rule.field, label: t('conditions.unknownField', { field: rule.field }) });
      if (!rule.field) options.unshift({ value: '', label: '—' });
      return (
        <NativeSelect
          label={t('rules.field')}
          value={rule.field}
          options={options}
          onChange={field => onChange({ kind: 'documentField', field })}
          disabled={disabled}
          testId={`${testId}-field`}
        />
      );
    }
    default:
      return null;
  }
}

/**
 * The approvers (or CC recipients) of a node: rules of any kind, united in
 * order by the engine. Test ids: `<testId>-kind-<i>`, `<testId>-remove-<i>`,
 * `<testId>-add` and per-kind parameters (`<testId>-<i>-users` …).
 */
export function ApproverRulesEditor(props: {
  rules: ApproverRule[];
  onChange: (rules: ApproverRule[]) => void;
  docType?: DocumentTypeSpec;
  disabled?: boolean;
  testId: string;
}) {
  const { t } = useDesignerT();
  const { rules, onChange, disabled, testId } = props;
  const set = (i: number, rule: ApproverRule) => onChange(rules.map((r, j) => (j === i ? rule : r)));
  const kindOptions = RULE_KINDS.map(kind => ({ value: kind, label: t(`rules.${kind}`) }));
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1.5 }}>
      {rules.map((rule, i) => (
        <Paper key={i} variant="outlined" sx={{ p: 1.5, display: 'flex', flexDirection: 'column', gap: 1.5 }} data-testid={`${testId}-${i}`}>
          <Box sx={{ display: 'flex', gap: 1, alignItems: 'flex-start' }}>
            <NativeSelect
              label={t('rules.kind')}
              value={rule.kind}
              options={kindOptions}
              onChange={kind => set(i, defaultRule(kind, props.docType))}
              disabled={disabled}
              testId={`${testId}-kind-${i}`}
            />
            {!disabled && (
              <IconButton aria-label={t('rules.remove')} onClick={() => onChange(rules.filter((_, j) => j !== i))} data-testid={`${testId}-remove-${i}`}>
                <DeleteOutline fontSize="small" />
              </IconButton>
            )}
          </Box>
          <RuleParameters rule={rule} onChange={r => set(i, r)} docType={props.docType} disabled={disabled} testId={`${testId}-${i}`} />
        </Paper>
      ))}
      {!disabled && (
        <Box>
          <Button size="small" startIcon={<AddIcon />} onClick={() => onChange([...rules, defaultRule('users', props.docType)])} data-testid={`${testId}-add`}>
            {t('rules.add')}
          </Button>
        </Box>
      )}
      {rules.length > 1 && (
        <Typography variant="caption" color="text.secondary">
          {t('rules.hint')}
        </Typography>
      )}
    </Box>
  );
}
