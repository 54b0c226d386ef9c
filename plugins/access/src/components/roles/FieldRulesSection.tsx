import Box from '@mui/material/Box';
import FormHelperText from '@mui/material/FormHelperText';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { FieldMode, ResourceModel } from '@cocrm/plugin-access-common';
import { useAccessT } from '../common/i18n';
import { changedSx } from './GrantMatrix';
import { fieldKey } from './roleDraft';

type FieldChoice = 'visible' | FieldMode;
const CHOICES: FieldChoice[] = ['visible', 'readOnly', 'hidden'];

/** 字段权限: per resource, each field 可见 / 只读 / 隐藏. */
export function FieldRulesSection(props: {
  resources: ResourceModel[];
  fields: Record<string, FieldMode>;
  baseline: Record<string, FieldMode>;
  errors: Record<string, string>;
  onChange: (key: string, mode: FieldMode | undefined) => void;
  disabled?: boolean;
}) {
  const { t, label } = useAccessT();
  const withFields = props.resources.filter(r => r.fields.length > 0);
  const choiceLabel: Record<FieldChoice, string> = {
    visible: t('role.visible'),
    readOnly: t('role.readOnly'),
    hidden: t('role.hidden'),
  };
  if (!withFields.length) {
    return <Typography color="text.secondary">{t('role.noFields')}</Typography>;
  }
  return (
    <Box
      sx={{
        display: 'grid',
        gap: 2,
        gridTemplateColumns: { xs: '1fr', lg: 'repeat(2, minmax(0, 1fr))' },
        alignItems: 'start',
      }}
    >
      {withFields.map(r => {
        const resourceName = label(r.label, r.resourceType);
        return (
          <Paper key={r.resourceType} variant="outlined" data-testid={`field-rules-${r.resourceType}`}>
            <Typography variant="subtitle2" sx={{ px: 2, pt: 1.5, pb: 0.5 }}>
              {resourceName}
            </Typography>
            <Table size="small" aria-label={`${t('role.fieldRules')} · ${resourceName}`}>
              <TableHead>
                <TableRow>
                  <TableCell>{t('role.field')}</TableCell>
                  <TableCell sx={{ width: 140 }}>{t('effective.mode')}</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {r.fields.map(f => {
                  const key = fieldKey(r.resourceType, f.name);
                  const value: FieldChoice = props.fields[key] ?? 'visible';
                  const changed = value !== (props.baseline[key] ?? 'visible');
                  const fieldName = label(f.label, f.name);
                  return (
                    <TableRow key={f.name}>
                      <TableCell>
                        {fieldName}
                        <Typography
                          component="span"
                          variant="caption"
                          color="text.secondary"
                          fontFamily="monospace"
                          sx={{ ml: 1 }}
                        >
                          {f.name}
                        </Typography>
                      </TableCell>
                      <TableCell sx={[changed && changedSx]} data-changed={changed || undefined}>
                        <TextField
                          select
                          size="small"
                          fullWidth
                          disabled={props.disabled}
                          value={value}
                          error={!!props.errors[key]}
                          onChange={e => {
                            const v = e.target.value as FieldChoice;
                            props.onChange(key, v === 'visible' ? undefined : v);
                          }}
                          SelectProps={{ native: true }}
                          inputProps={{
                            'data-testid': `field-${r.resourceType}-${f.name}`,
                            'aria-label': `${resourceName} · ${fieldName}`,
                          }}
                          sx={{
                            '& select': {
                              py: 0.75,
                              fontSize: 14,
                              color: value === 'hidden' ? 'error.main' : 'text.primary',
                            },
                          }}
                        >
                          {CHOICES.map(c => (
                            <option key={c} value={c}>
                              {choiceLabel[c]}
                            </option>
                          ))}
                        </TextField>
                        {props.errors[key] && <FormHelperText error>{props.errors[key]}</FormHelperText>}
                      </TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          </Paper>
        );
      })}
    </Box>
  );
}
