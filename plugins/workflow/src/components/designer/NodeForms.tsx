import { ReactNode, useState } from 'react';
import Box from '@mui/material/Box';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { APPROVAL_MODES, TIMEOUT_ACTIONS } from '@cocrm/plugin-workflow-common';
import type {
  ApprovalStep,
  Branch,
  BranchGroup,
  CcStep,
  DocumentTypeSpec,
  EmptyApproverPolicy,
  FlowDefinition,
  FlowPolicies,
  TimeLimit,
} from '@cocrm/plugin-workflow-common';
import { ApproverRulesEditor } from './ApproverRulesEditor';
import { ConditionsEditor } from './ConditionsEditor';
import { useDesignerT } from './i18n';
import { NativeSelect, UserPicker } from './pickers';

export function Section(props: { title: string; children: ReactNode }) {
  return (
    <Box component="section" sx={{ display: 'flex', flexDirection: 'column', gap: 1.5 }}>
      <Typography variant="subtitle2">{props.title}</Typography>
      {props.children}
    </Box>
  );
}

export function NameField(props: { value: string; onChange: (name: string) => void; disabled?: boolean; label?: string }) {
  const { t } = useDesignerT();
  return (
    <TextField
      size="small"
      fullWidth
      required
      label={props.label ?? t('drawer.name')}
      value={props.value}
      disabled={props.disabled}
      onChange={e => props.onChange(e.target.value)}
      error={!props.value.trim()}
      inputProps={{ maxLength: 50, 'data-testid': 'designer-node-name' }}
    />
  );
}

type EmptyChoice = 'inherit' | EmptyApproverPolicy['kind'];

/** 审批人为空时: the flow's policy, or (on a node) an override of it. */
function EmptyApproverSelect(props: {
  value: EmptyApproverPolicy | undefined;
  onChange: (v: EmptyApproverPolicy | undefined) => void;
  allowInherit: boolean;
  label: string;
  disabled?: boolean;
  testId: string;
}) {
  const { t } = useDesignerT();
  const choice: EmptyChoice = props.value?.kind ?? 'inherit';
  const options: Array<{ value: EmptyChoice; label: string }> = [
    ...(props.allowInherit ? [{ value: 'inherit' as const, label: t('empty.inherit') }] : []),
    { value: 'autoPass', label: t('empty.autoPass') },
    { value: 'admin', label: t('empty.admin') },
    { value: 'user', label: t('empty.user') },
  ];
  const [lastUser, setLastUser] = useState(props.value?.kind === 'user' ? props.value.user : '');
  return (
    <>
      <NativeSelect
        label={props.label}
        value={choice}
        options={options}
        onChange={v => {
          if (v === 'inherit') props.onChange(undefined);
          else if (v === 'user') props.onChange({ kind: 'user', user: lastUser });
          else props.onChange({ kind: v });
        }}
        disabled={props.disabled}
        testId={props.testId}
      />
      {props.value?.kind === 'user' && (
        <UserPicker
          label={t('empty.user_pick')}
          value={props.value.user || null}
          onChange={ref => {
            setLastUser(ref ?? '');
            props.onChange({ kind: 'user', user: ref ?? '' });
          }}
          disabled={props.disabled}
          testId={`${props.testId}-user`}
        />
      )}
    </>
  );
}

/** A positive number typed as text; `onChange` only hears valid values. */
function HoursInput(props: { label: string; value: number | undefined; onChange: (n: number | undefined) => void; allowEmpty?: boolean; disabled?: boolean; testId: string }) {
  const { t } = useDesignerT();
  const [text, setText] = useState(props.value === undefined ? '' : String(props.value));
  const parse = (s: string): number | undefined | null => {
    if (s.trim() === '' || Number(s) === 0) return props.allowEmpty ? undefined : null;
    const n = Number(s);
    return Number.isFinite(n) && n > 0 && n <= 8760 ? n : null;
  };
  const parsed = parse(text);
  return (
    <TextField
      size="small"
      fullWidth
      label={props.label}
      value={text}
      disabled={props.disabled}
      onChange={e => {
        setText(e.target.value);
        const n = parse(e.target.value);
        if (n !== null) props.onChange(n);
      }}
      error={parsed === null}
      helperText={parsed === null ? t('timeLimit.invalidHours') : undefined}
      inputProps={{ inputMode: 'decimal', 'data-testid': props.testId }}
    />
  );
}

function TimeLimitEditor(props: { value: TimeLimit | undefined; onChange: (v: TimeLimit | undefined) => void; disabled?: boolean }) {
  const { t } = useDesignerT();
  const { value, onChange, disabled } = props;
  return (
    <>
      <FormControlLabel
        control={
          <Checkbox
            checked={!!value}
            disabled={disabled}
            onChange={e => onChange(e.target.checked ? { hours: 24, onTimeout: 'remind' } : undefined)}
            inputProps={{ 'data-testid': 'designer-timelimit' } as Record<string, string>}
          />
        }
        label={t('timeLimit.enabled')}
      />
      {value && (
        <>
          <HoursInput label={t('timeLimit.hours')} value={value.hours} onChange={hours => hours !== undefined && onChange({ ...value, hours })} disabled={disabled} testId="designer-timelimit-hours" />
          <HoursInput
            label={t('timeLimit.remindBefore')}
            value={value.remindBeforeHours}
            allowEmpty
            onChange={remindBeforeHours => {
              const { remindBeforeHours: _, ...rest } = value;
              onChange(remindBeforeHours === undefined ? rest : { ...rest, remindBeforeHours });
            }}
            disabled={disabled}
            testId="designer-timelimit-remind"
          />
          <NativeSelect
            label={t('timeLimit.onTimeout')}
            value={value.onTimeout}
            options={TIMEOUT_ACTIONS.map(a => ({ value: a, label: t(`timeLimit.${a}`) }))}
            onChange={onTimeout => onChange({ ...value, onTimeout })}
            disabled={disabled}
            testId="designer-timelimit-action"
          />
        </>
      )}
    </>
  );
}

export function ApprovalForm(props: { step: ApprovalStep; onChange: (s: ApprovalStep) => void; docType?: DocumentTypeSpec; disabled?: boolean }) {
  const { t } = useDesignerT();
  const { step, onChange, disabled } = props;
  return (
    <>
      <NameField value={step.name} onChange={name => onChange({ ...step, name })} disabled={disabled} />
      <Section title={t('drawer.approvers')}>
        <ApproverRulesEditor rules={step.approvers} onChange={approvers => onChange({ ...step, approvers })} docType={props.docType} disabled={disabled} testId="designer-rule" />
      </Section>
      <Section title={t('drawer.mode')}>
        <RadioGroup
          value={step.mode}
          onChange={e => {
            const mode = e.target.value as ApprovalStep['mode'];
            const { ratio: _, ...rest } = step;
            onChange(mode === 'ratio' ? { ...rest, mode, ratio: step.ratio ?? 50 } : { ...rest, mode });
          }}
        >
          {APPROVAL_MODES.map(mode => (
            <FormControlLabel
              key={mode}
              value={mode}
              disabled={disabled}
              control={<Radio size="small" inputProps={{ 'data-testid': `designer-mode-${mode}` } as Record<string, string>} />}
              label={t(`modes.${mode}`)}
            />
          ))}
        </RadioGroup>
        {step.mode === 'ratio' && (
          <TextField
            size="small"
            type="number"
            label={t('drawer.ratio')}
            value={step.ratio ?? ''}
            disabled={disabled}
            onChange={e => {
              const n = Number(e.target.value);
              const { ratio: _, ...rest } = step;
              onChange(e.target.value === '' || !Number.isFinite(n) ? rest : { ...rest, ratio: Math.round(n) });
            }}
            error={!step.ratio || step.ratio < 1 || step.ratio > 100}
            inputProps={{ min: 1, max: 100, step: 1, 'data-testid': 'designer-ratio' }}
          />
        )}
      </Section>
      <Section title={t('drawer.emptyApprover')}>
        <EmptyApproverSelect
          label={t('drawer.emptyApprover')}
          value={step.emptyApprover}
          allowInherit
          onChange={emptyApprover => {
            const { emptyApprover: _, ...rest } = step;
            onChange(emptyApprover ? { ...rest, emptyApprover } : rest);
          }}
          disabled={disabled}
          testId="designer-node-empty"
        />
      </Section>
      <Section title={t('drawer.timeLimit')}>
        <TimeLimitEditor
          value={step.timeLimit}
          onChange={timeLimit => {
            const { timeLimit: _, ...rest } = step;
            onChange(timeLimit ? { ...rest, timeLimit } : rest);
          }}
          disabled={disabled}
        />
      </Section>
    </>
  );
}

export function CcForm(props: { step: CcStep; onChange: (s: CcStep) => void; docType?: DocumentTypeSpec; disabled?: boolean }) {
  const { t } = useDesignerT();
  const { step, onChange, disabled } = props;
  return (
    <>
      <NameField value={step.name} onChange={name => onChange({ ...step, name })} disabled={disabled} />
      <Section title={t('drawer.recipients')}>
        <ApproverRulesEditor rules={step.recipients} onChange={recipients => onChange({ ...step, recipients })} docType={props.docType} disabled={disabled} testId="designer-rule" />
      </Section>
    </>
  );
}

export function GroupForm(props: { group: BranchGroup; onChange: (g: BranchGroup) => void; disabled?: boolean }) {
  const { t } = useDesignerT();
  return (
    <>
      <NameField value={props.group.name} onChange={name => props.onChange({ ...props.group, name })} disabled={props.disabled} />
      <Typography variant="body2" color="text.secondary">
        {t('drawer.groupHint')}
      </Typography>
    </>
  );
}

export function BranchForm(props: { branch: Branch; onChange: (b: Branch) => void; docType?: DocumentTypeSpec; disabled?: boolean }) {
  const { t } = useDesignerT();
  const { branch, onChange, disabled } = props;
  return (
    <>
      <NameField value={branch.name} onChange={name => onChange({ ...branch, name })} disabled={disabled} />
      {branch.isDefault ? (
        <Typography variant="body2" color="text.secondary" data-testid="designer-default-text">
          {t('conditions.defaultText')}
        </Typography>
      ) : (
        <ConditionsEditor conditions={branch.conditions} onChange={conditions => onChange({ ...branch, conditions })} docType={props.docType} disabled={disabled} />
      )}
    </>
  );
}

/** Flow-level settings: name and the policies every node follows unless it overrides them. */
export function FlowSettingsForm(props: { definition: FlowDefinition; onChange: (d: FlowDefinition) => void; docTypeLabel: string; disabled?: boolean }) {
  const { t } = useDesignerT();
  const { definition, onChange, disabled } = props;
  const setPolicies = (patch: Partial<FlowPolicies>) => onChange({ ...definition, policies: { ...definition.policies, ...patch } });
  return (
    <>
      <TextField
        size="small"
        fullWidth
        required
        label={t('settings.name')}
        value={definition.name}
        disabled={disabled}
        onChange={e => onChange({ ...definition, name: e.target.value })}
        error={!definition.name.trim()}
        inputProps={{ maxLength: 100, 'data-testid': 'designer-flow-name' }}
      />
      <TextField size="small" fullWidth label={t('settings.documentType')} value={props.docTypeLabel} disabled InputProps={{ readOnly: true }} />
      <EmptyApproverSelect
        label={t('settings.emptyApprover')}
        value={definition.policies.emptyApprover}
        allowInherit={false}
        onChange={v => v && setPolicies({ emptyApprover: v })}
        disabled={disabled}
        testId="designer-flow-empty"
      />
      <NativeSelect
        label={t('settings.duplicate')}
        value={definition.policies.duplicateApprover}
        options={[
          { value: 'autoPass', label: t('settings.duplicateAutoPass') },
          { value: 'askAgain', label: t('settings.duplicateAskAgain') },
        ]}
        onChange={duplicateApprover => setPolicies({ duplicateApprover })}
        disabled={disabled}
        testId="designer-flow-duplicate"
      />
      <NativeSelect
        label={t('settings.resubmit')}
        value={definition.policies.resubmit}
        options={[
          { value: 'restart', label: t('settings.resubmitRestart') },
          { value: 'jump-back', label: t('settings.resubmitJumpBack') },
        ]}
        onChange={resubmit => setPolicies({ resubmit })}
        disabled={disabled}
        testId="designer-flow-resubmit"
      />
    </>
  );
}
