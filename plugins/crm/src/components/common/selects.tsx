import { useEffect, useMemo, useState } from 'react';
import Autocomplete from '@mui/material/Autocomplete';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import {
  CustomerLevel,
  CustomerStatus,
  INDUSTRY_SECTIONS,
  REGION_TREE,
  RegionNode,
  industryDivision,
  isIndustrySectionCode,
  regionPath,
} from '@cocrm/plugin-crm-common';
import type { Customer } from '@cocrm/plugin-crm-common';
import { useApi } from '@backstage/frontend-plugin-api';
import { useDebounced } from '@cocrm/suite-react';
import { crmApiRef } from '../../api/CrmClient';
import { EnumGroup, useCrmT } from './i18n';

/** A select over one enum, labels from translations. */
export function EnumSelect<T extends string>(props: {
  group: EnumGroup;
  values: readonly T[];
  label: string;
  value: T | null | undefined;
  onChange: (v: T | null) => void;
  allowEmpty?: boolean;
  error?: string;
  required?: boolean;
  name?: string;
  disabled?: boolean;
  /** shown under the field when there is no error (e.g. 只读) */
  hint?: string;
}) {
  const { t, enumLabel } = useCrmT();
  return (
    <TextField
      select
      fullWidth
      size="small"
      name={props.name}
      label={props.label}
      required={props.required}
      disabled={props.disabled}
      value={props.value ?? ''}
      error={!!props.error}
      helperText={props.error ?? props.hint}
      inputProps={props.name ? { 'data-testid': `crm-field-${props.name}` } : undefined}
      onChange={e => props.onChange((e.target.value as T) || null)}
    >
      {props.allowEmpty !== false && (
        <MenuItem value="">
          <em>{t('common.none')}</em>
        </MenuItem>
      )}
      {props.values.map(v => (
        <MenuItem key={v} value={v}>
          {enumLabel(props.group, v)}
        </MenuItem>
      ))}
    </TextField>
  );
}

/** Multi-select of an enum (filters). */
export function EnumMultiSelect<T extends string>(props: {
  group: EnumGroup;
  values: readonly T[];
  label: string;
  value: T[];
  onChange: (v: T[]) => void;
  testId?: string;
}) {
  const { enumLabel } = useCrmT();
  return (
    <TextField
      select
      size="small"
      label={props.label}
      sx={{ minWidth: 140 }}
      value={props.value}
      SelectProps={{
        multiple: true,
        renderValue: sel => (sel as T[]).map(v => enumLabel(props.group, v)).join('、'),
      }}
      inputProps={{ 'data-testid': props.testId }}
      onChange={e => {
        const v = e.target.value as unknown;
        props.onChange((typeof v === 'string' ? v.split(',') : (v as T[])).filter(Boolean) as T[]);
      }}
    >
      {props.values.map(v => (
        <MenuItem key={v} value={v}>
          {enumLabel(props.group, v)}
        </MenuItem>
      ))}
    </TextField>
  );
}

/**
 * 行业: section, then division. In `mode="filter"` the value may be a section letter
 * or a division code; in `mode="form"` only a division code is a complete value.
 */
export function IndustrySelect(props: {
  value: string | null;
  onChange: (code: string | null) => void;
  mode: 'filter' | 'form';
  error?: string;
  size?: 'small' | 'medium';
  disabled?: boolean;
}) {
  const { t } = useCrmT();
  // eslint-disable-next-line no-nested-ternary
  const fromValue = props.value
    ? isIndustrySectionCode(props.value)
      ? props.value
      : industryDivision(props.value)?.section ?? ''
    : '';
  const [section, setSection] = useState(fromValue);
  useEffect(() => setSection(fromValue), [fromValue]);
  const divisions = INDUSTRY_SECTIONS.find(s => s.code === section)?.divisions ?? [];
  const division = props.value && !isIndustrySectionCode(props.value) ? props.value : '';
  return (
    <Box sx={{ display: 'flex', gap: 1, minWidth: 0 }}>
      <TextField
        select
        size="small"
        sx={{ minWidth: 150, flex: 1 }}
        label={t('customer.filter.industrySection')}
        value={section}
        disabled={props.disabled}
        error={!!props.error && !section}
        onChange={e => {
          const s = e.target.value;
          setSection(s);
          props.onChange(props.mode === 'filter' ? s || null : null);
        }}
        inputProps={{ 'data-testid': 'crm-industry-section' }}
      >
        <MenuItem value="">
          <em>{props.mode === 'filter' ? t('common.all') : t('common.none')}</em>
        </MenuItem>
        {INDUSTRY_SECTIONS.map(s => (
          <MenuItem key={s.code} value={s.code}>
            {s.code} {s.name}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        select
        size="small"
        sx={{ minWidth: 150, flex: 1 }}
        label={t('customer.filter.industryDivision')}
        value={division}
        disabled={props.disabled || !section}
        error={!!props.error}
        helperText={props.error}
        onChange={e => props.onChange(e.target.value || (props.mode === 'filter' ? section || null : null))}
        inputProps={{ 'data-testid': 'crm-industry-division' }}
      >
        <MenuItem value="">
          <em>{props.mode === 'filter' ? t('common.all') : t('common.none')}</em>
        </MenuItem>
        {divisions.map(d => (
          <MenuItem key={d.code} value={d.code}>
            {d.code} {d.name}
          </MenuItem>
        ))}
      </TextField>
    </Box>
  );
}

/** 区域: province → city → district; the value is the most precise code chosen. */
export function RegionSelect(props: {
  value: string | null;
  onChange: (code: string | null) => void;
  error?: string;
  mode: 'filter' | 'form';
  disabled?: boolean;
}) {
  const { t } = useCrmT();
  const path = props.value ? regionPath(props.value) : [];
  const [p, c, d] = [path[0]?.code ?? '', path[1]?.code ?? '', path[2]?.code ?? ''];
  const cities: RegionNode[] = REGION_TREE.find(n => n.code === p)?.children ?? [];
  const districts: RegionNode[] = cities.find(n => n.code === c)?.children ?? [];
  const empty = (
    <MenuItem value="">
      <em>{props.mode === 'filter' ? t('common.all') : t('common.none')}</em>
    </MenuItem>
  );
  const level = (
    label: string,
    value: string,
    options: RegionNode[],
    onChange: (v: string) => void,
    testId: string,
    disabled = false,
  ) => (
    <TextField
      select
      size="small"
      sx={{ minWidth: 120, flex: 1 }}
      label={label}
      value={value}
      disabled={props.disabled || disabled}
      error={!!props.error}
      onChange={e => onChange(e.target.value)}
      inputProps={{ 'data-testid': testId }}
    >
      {empty}
      {options.map(n => (
        <MenuItem key={n.code} value={n.code}>
          {n.name}
        </MenuItem>
      ))}
    </TextField>
  );
  return (
    <Box>
      <Box sx={{ display: 'flex', gap: 1 }}>
        {level(t('customer.filter.province'), p, REGION_TREE, v => props.onChange(v || null), 'crm-region-province')}
        {level(t('customer.filter.city'), c, cities, v => props.onChange(v || p || null), 'crm-region-city', !cities.length)}
        {level(
          t('customer.filter.district'),
          d,
          districts,
          v => props.onChange(v || c || null),
          'crm-region-district',
          !districts.length,
        )}
      </Box>
      {props.error && (
        <Box sx={{ color: 'error.main', fontSize: 12, mt: 0.5, ml: 1.75 }}>{props.error}</Box>
      )}
    </Box>
  );
}

export interface CustomerRef {
  id: string;
  name: string;
  number?: string;
}

/** Autocomplete over the /customers search. */
export function CustomerAutocomplete(props: {
  label: string;
  value: CustomerRef | null;
  onChange: (v: CustomerRef | null) => void;
  excludeId?: string;
  error?: string;
  size?: 'small' | 'medium';
  sx?: object;
  disabled?: boolean;
  /** shown under the field when there is no error (e.g. 只读) */
  hint?: string;
}) {
  const { t } = useCrmT();
  const api = useApi(crmApiRef);
  const [input, setInput] = useState('');
  const q = useDebounced(input, 300);
  const [options, setOptions] = useState<CustomerRef[]>([]);
  const [loading, setLoading] = useState(false);
  useEffect(() => {
    let live = true;
    setLoading(true);
    api
      .listCustomers({ q: q || undefined, pageSize: 20, sort: 'updatedAt', order: 'desc' })
      .then(
        page => {
          if (live) {
            setOptions(
              page.items
                .filter((c: Customer) => c.id !== props.excludeId)
                .map((c: Customer) => ({ id: c.id, name: c.name, number: c.number })),
            );
          }
        },
        () => live && setOptions([]),
      )
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [api, q, props.excludeId]);
  const all = useMemo(
    () => (props.value && !options.some(o => o.id === props.value!.id) ? [props.value, ...options] : options),
    [options, props.value],
  );
  return (
    <Autocomplete
      size={props.size ?? 'small'}
      sx={props.sx}
      options={all}
      value={props.value}
      loading={loading}
      disabled={props.disabled}
      filterOptions={x => x}
      noOptionsText={t('common.noOptions')}
      loadingText={t('common.loading')}
      getOptionLabel={o => o.name}
      isOptionEqualToValue={(a, b) => a.id === b.id}
      onInputChange={(_, v) => setInput(v)}
      onChange={(_, v) => props.onChange(v)}
      renderOption={(liProps, o) => (
        <li {...liProps} key={o.id}>
          {o.name}
          {o.number && <span style={{ opacity: 0.6, marginLeft: 8 }}>{o.number}</span>}
        </li>
      )}
      renderInput={params => (
        <TextField {...params} label={props.label} error={!!props.error} helperText={props.error ?? props.hint} />
      )}
    />
  );
}

const LEVEL_COLORS: Record<CustomerLevel, 'error' | 'warning' | 'info' | 'default'> = {
  A: 'error',
  B: 'warning',
  C: 'info',
  D: 'default',
};
const STATUS_COLORS: Record<CustomerStatus, 'default' | 'info' | 'success' | 'warning'> = {
  potential: 'default',
  intent: 'info',
  deal: 'success',
  lost: 'warning',
};

export function LevelChip({ level }: { level: CustomerLevel | null | undefined }) {
  const { enumLabel } = useCrmT();
  if (!level) return null;
  return <Chip size="small" variant="outlined" color={LEVEL_COLORS[level]} label={enumLabel('level', level)} />;
}

export function StatusChip({ status }: { status: CustomerStatus }) {
  const { enumLabel } = useCrmT();
  return <Chip size="small" color={STATUS_COLORS[status] ?? 'default'} label={enumLabel('status', status)} />;
}
