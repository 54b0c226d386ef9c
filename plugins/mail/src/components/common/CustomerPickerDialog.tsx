import { useEffect, useState } from 'react';
import Autocomplete from '@mui/material/Autocomplete';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useApi } from '@backstage/frontend-plugin-api';
import { useDebounced } from '@cocrm/suite-react';
import { mailApiRef } from '../../api/MailClient';
import type { CrmCustomerOption } from '../../api/types';
import { ApiErrorAlert } from './feedback';
import { useMailT } from './i18n';

/** Picks a CRM customer by name or number (the CRM's own search, so its data scope applies). */
export function CustomerPickerDialog(props: {
  open: boolean;
  title: string;
  busy?: boolean;
  error?: unknown;
  exclude?: string[];
  onPick: (customer: CrmCustomerOption) => void;
  onClose: () => void;
}) {
  const { t } = useMailT();
  const api = useApi(mailApiRef);
  const [input, setInput] = useState('');
  const [value, setValue] = useState<CrmCustomerOption | null>(null);
  const [options, setOptions] = useState<CrmCustomerOption[]>([]);
  const [loading, setLoading] = useState(false);
  const [searchError, setSearchError] = useState<unknown>();
  const q = useDebounced(input.trim(), 250);

  useEffect(() => {
    if (!props.open) return undefined;
    let live = true;
    setLoading(true);
    setSearchError(undefined);
    api.searchCustomers(q).then(
      items => {
        if (!live) return;
        const excluded = new Set(props.exclude ?? []);
        setOptions(items.filter(c => !excluded.has(c.id)));
        setLoading(false);
      },
      e => {
        if (!live) return;
        setSearchError(e);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, q, props.open]);

  useEffect(() => {
    if (!props.open) {
      setValue(null);
      setInput('');
    }
  }, [props.open]);

  return (
    <Dialog
      open={props.open}
      onClose={() => !props.busy && props.onClose()}
      maxWidth="sm"
      fullWidth
      data-testid="mail-customer-picker"
    >
      <DialogTitle>{props.title}</DialogTitle>
      <DialogContent>
        <Autocomplete<CrmCustomerOption, false, false, false>
          sx={{ mt: 1 }}
          options={options}
          value={value}
          loading={loading}
          filterOptions={x => x}
          getOptionLabel={o => o.name}
          isOptionEqualToValue={(a, b) => a.id === b.id}
          onChange={(_, v) => setValue(v)}
          inputValue={input}
          onInputChange={(_, v) => setInput(v)}
          noOptionsText={t('common.none')}
          renderOption={(liProps, o) => (
            <li {...liProps} key={o.id}>
              <Box>
                <Typography>{o.name}</Typography>
                {o.number && (
                  <Typography variant="caption" color="text.secondary">
                    {o.number}
                  </Typography>
                )}
              </Box>
            </li>
          )}
          renderInput={params => (
            <TextField
              {...params}
              // eslint-disable-next-line jsx-a11y/no-autofocus -- the dialog exists to pick one
              autoFocus
              label={t('links.pickerLabel')}
              helperText={t('links.pickerHint')}
              inputProps={{ ...params.inputProps, 'data-testid': 'mail-customer-picker-input' }}
              InputProps={{
                ...params.InputProps,
                endAdornment: (
                  <>
                    {loading && <CircularProgress size={16} />}
                    {params.InputProps.endAdornment}
                  </>
                ),
              }}
            />
          )}
        />
        {!!searchError && (
          <Box sx={{ mt: 2 }}>
            <ApiErrorAlert error={searchError} />
          </Box>
        )}
        {!!props.error && (
          <Box sx={{ mt: 2 }}>
            <ApiErrorAlert error={props.error} />
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose} disabled={props.busy}>
          {t('common.cancel')}
        </Button>
        <Button
          variant="contained"
          disabled={!value || props.busy}
          onClick={() => value && props.onPick(value)}
          data-testid="mail-customer-picker-confirm"
          startIcon={props.busy ? <CircularProgress size={16} color="inherit" /> : undefined}
        >
          {t('links.link')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
