import { useState } from 'react';
import Autocomplete from '@mui/material/Autocomplete';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import IconButton from '@mui/material/IconButton';
import InputAdornment from '@mui/material/InputAdornment';
import Paper from '@mui/material/Paper';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import AddIcon from '@mui/icons-material/Add';
import DeleteOutline from '@mui/icons-material/DeleteOutline';
import type { Condition, ConditionOperator, ConditionValue, DocumentFieldKind, DocumentTypeSpec } from '@cocrm/plugin-workflow-common';
import { ConditionField, conditionFields, operatorsFor } from './fields';
import { fieldLabel } from './describe';
import { useDesignerT } from './i18n';
import { fenToYuan, yuanToFen } from './money';
import { DepartmentMultiPicker, NativeSelect, UserMultiPicker, UserPicker } from './pickers';

/** The value a condition starts with for a kind and operator. */
function initialValue(kind: DocumentFieldKind, op: ConditionOperator): ConditionValue {
  if (op === 'in') return [];
  if (kind === 'money' || kind === 'number') return 0;
  if (kind === 'boolean') return true;
  return '';
}

/** Keeps what still fits when the operator changes (a single value becomes a one-item list and back). */
function valueForOp(value: ConditionValue, kind: DocumentFieldKind, op: ConditionOperator): ConditionValue {
  if (op === 'in') {
    if (Array.isArray(value)) return value;
    return value === '' || typeof value === 'boolean' ? [] : [value];
  }
  if (Array.isArray(value)) return value.length ? value[0] : initialValue(kind, op);
  return value;
}

export function newCondition(docType: DocumentTypeSpec | undefined): Condition {
  const field = conditionFields(docType)[0];
  const op = operatorsFor(field.kind)[0];
  return { field: field.name, op, value: initialValue(field.kind, op) };
}

/** 元 typed, 分 stored; the text is kept while it is not (yet) an amount. */
function MoneyInput(props: { value: ConditionValue; onChange: (fen: number) => void; disabled?: boolean; testId: string }) {
  const { t } = useDesignerT();
  const [text, setText] = useState(typeof props.value === 'number' ? fenToYuan(props.value) : '');
  const fen = yuanToFen(text);
  return (
    <TextField
      size="small"
      fullWidth
      label={t('conditions.value')}
      value={text}
      disabled={props.disabled}
      onChange={e => {
        setText(e.target.value);
        const parsed = yuanToFen(e.target.value);
        if (parsed !== undefined) props.onChange(parsed);
      }}
      error={fen === undefined}
      helperText={fen === undefined ? t('conditions.invalidAmount') : undefined}
      inputProps={{ inputMode: 'decimal', 'data-testid': props.testId }}
      InputProps={{ endAdornment: <InputAdornment position="end">{t('conditions.amountUnit')}</InputAdornment> }}
    />
  );
}

function NumberInput(props: { value: ConditionValue; onChange: (n: number) => void; disabled?: boolean; testId: string }) {
  const { t } = useDesignerT();
  const [text, setText] = useState(typeof props.value === 'number' ? String(props.value) : '');
  const valid = text.trim() !== '' && Number.isFinite(Number(text));
  return (
    <TextField
      size="small"
      fullWidth
      label={t('conditions.value')}
      value={text}
      disabled={props.disabled}
      onChange={e => {
        setText(e.target.value);
        const n = Number(e.target.value);
        if (e.target.value.trim() !== '' && Number.isFinite(n)) props.onChange(n);
      }}
      error={!valid}
      helperText={valid ? undefined : t('conditions.invalidNumber')}
      inputProps={{ inputMode: 'decimal', 'data-testid': props.testId }}
    />
  );
}

function ValueInput(props: { field: ConditionField; condition: Condition; onChange: (v: ConditionValue) => void; disabled?: boolean; testId: string }) {
  const { t } = useDesignerT();
  const { field, condition, onChange, disabled, testId } = props;
  const { value, op } = condition;
  const label = t('conditions.value');
  const strings = (Array.isArray(value) ? value : []).map(String);
  switch (field.kind) {
    case 'money':
      return <MoneyInput value={value} onChange={onChange} disabled={disabled} testId={testId} />;
    case 'number':
      return <NumberInput value={value} onChange={onChange} disabled={disabled} testId={testId} />;
    case 'boolean':
      return (
        <NativeSelect
          label={label}
          value={value === false ? 'false' : 'true'}
          options={[
            { value: 'true', label: t('conditions.yes') },
            { value: 'false', label: t('conditions.no') },
          ]}
          onChange={v => onChange(v === 'true')}
          disabled={disabled}
          testId={testId}
        />
      );
    case 'user':
      return op === 'in' ? (
        <UserMultiPicker label={label} value={strings} onChange={onChange} disabled={disabled} testId={testId} />
      ) : (
        <UserPicker label={label} value={typeof value === 'string' && value ? value : null} onChange={v => onChange(v ?? '')} disabled={disabled} testId={testId} />
      );
    case 'department': {
      const single = typeof value === 'string' && value ? [value] : [];
      return (
        <DepartmentMultiPicker
          label={label}
          value={op === 'in' ? strings : single}
          onChange={refs => onChange(op === 'in' ? refs : refs[refs.length - 1] ?? '')}
          disabled={disabled}
          testId={testId}
        />
      );
    }
    case 'date':
      return (
        <TextField
          size="small"
          fullWidth
          type="date"
          label={label}
          value={typeof value === 'string' ? value : ''}
          disabled={disabled}
          onChange={e => onChange(e.target.value)}
          InputLabelProps={{ shrink: true }}
          inputProps={{ 'data-testid': testId }}
        />
      );
    default:
      if (op === 'in') {
        return (
          <Autocomplete
            multiple
            freeSolo
            size="small"
            fullWidth
            options={[] as string[]}
            value={strings}
            disabled={disabled}
            onChange={(_, v) => onChange(v.map(s => s.trim()).filter(Boolean))}
            renderInput={params => (
              <TextField {...params} label={label} helperText={t('conditions.valuesHint')} inputProps={{ ...params.inputProps, 'data-testid': testId }} />
            )}
          />
        );
      }
      return (
        <TextField
          size="small"
          fullWidth
          label={label}
          value={typeof value === 'string' || typeof value === 'number' ? String(value) : ''}
          disabled={disabled}
          onChange={e => onChange(e.target.value)}
          inputProps={{ 'data-testid': testId }}
        />
      );
  }
}

/**
 * The conditions of a branch, all of which must hold. Test ids:
 * `designer-cond-field-<i>`, `designer-cond-op-<i>`, `designer-cond-value-<i>`,
 * `designer-cond-remove-<i>`, `designer-cond-add`.
 */
export function ConditionsEditor(props: {
  conditions: Condition[];
  onChange: (conditions: Condition[]) => void;
  docType?: DocumentTypeSpec;
  disabled?: boolean;
}) {
  const i18n = useDesignerT();
  const { t } = i18n;
  const { conditions, onChange, docType, disabled } = props;
  const fields = conditionFields(docType);
  const set = (i: number, c: Condition) => onChange(conditions.map((x, j) => (j === i ? c : x)));
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1.5 }}>
      <Typography variant="subtitle2">{t('conditions.title')}</Typography>
      {conditions.length === 0 && (
        <Typography variant="body2" color="warning.main">
          {t('conditions.none')}
        </Typography>
      )}
      {conditions.map((c, i) => {
        const known = fields.find(f => f.name === c.field);
        // a field the document type does not declare (any more) stays visible so it can be fixed
        const field: ConditionField = known ?? { name: c.field, label: null, kind: 'string', builtin: false };
        const fieldOptions = fields.map(f => ({ value: f.name, label: fieldLabel(f.name, docType, i18n) }));
        if (!known) fieldOptions.unshift({ value: c.field, label: t('conditions.unknownField', { field: c.field }) });
        const ops = operatorsFor(field.kind);
        if (!ops.includes(c.op)) ops.unshift(c.op);
        return (
          <Paper key={`${i}-${c.field}`} variant="outlined" sx={{ p: 1.5, display: 'flex', flexDirection: 'column', gap: 1.5 }} data-testid={`designer-cond-${i}`}>
            <Box sx={{ display: 'flex', gap: 1, alignItems: 'flex-start' }}>
              <NativeSelect
                label={t('conditions.field')}
                value={c.field}
                options={fieldOptions}
                onChange={name => {
                  const f = fields.find(x => x.name === name)!;
                  const op = operatorsFor(f.kind)[0];
                  set(i, { field: name, op, value: initialValue(f.kind, op) });
                }}
                disabled={disabled}
                testId={`designer-cond-field-${i}`}
              />
              <NativeSelect
                label={t('conditions.op')}
                value={c.op}
                options={ops.map(op => ({ value: op, label: t(`conditions.op_${op}`) }))}
                onChange={op => set(i, { ...c, op, value: valueForOp(c.value, field.kind, op) })}
                disabled={disabled}
                testId={`designer-cond-op-${i}`}
              />
              {!disabled && (
                <IconButton aria-label={t('conditions.remove')} onClick={() => onChange(conditions.filter((_, j) => j !== i))} data-testid={`designer-cond-remove-${i}`}>
                  <DeleteOutline fontSize="small" />
                </IconButton>
              )}
            </Box>
            <ValueInput
              key={c.op === 'in' ? 'many' : 'one'}
              field={field}
              condition={c}
              onChange={value => set(i, { ...c, value })}
              disabled={disabled}
              testId={`designer-cond-value-${i}`}
            />
          </Paper>
        );
      })}
      {!disabled && (
        <Box>
          <Button size="small" startIcon={<AddIcon />} onClick={() => onChange([...conditions, newCondition(docType)])} data-testid="designer-cond-add">
            {t('conditions.add')}
          </Button>
        </Box>
      )}
    </Box>
  );
}
