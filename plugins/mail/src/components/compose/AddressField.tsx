import { useEffect, useState } from 'react';
import Autocomplete from '@mui/material/Autocomplete';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useApi } from '@backstage/frontend-plugin-api';
import { useDebounced } from '@cocrm/suite-react';
import { mailApiRef } from '../../api/MailClient';
import type { MailAddress } from '../../api/types';
import { isValidAddress, parseAddressList, sameAddress } from '../common/addresses';
import { formatAddress } from '../common/format';
import { useMailT } from '../common/i18n';

interface AddressOption extends MailAddress {
  hint?: string;
}

const SEPARATOR = /[,;，；、\n]/;

/** Adds typed or pasted recipients, skipping ones already there. */
function merge(value: MailAddress[], added: MailAddress[]): MailAddress[] {
  const out = [...value];
  for (const a of added) if (!out.some(x => sameAddress(x, a))) out.push(a);
  return out;
}

/** CRM contacts with a mail address, as suggestions; none when the CRM is not there or says no. */
function useContactSuggestions(input: string): AddressOption[] {
  const api = useApi(mailApiRef);
  const q = useDebounced(input.trim(), 250);
  const [options, setOptions] = useState<AddressOption[]>([]);
  useEffect(() => {
    let live = true;
    if (q.length < 1) {
      setOptions([]);
      return undefined;
    }
    api.searchContacts(q).then(
      contacts => {
        if (!live) return;
        setOptions(
          contacts.flatMap(c =>
            (c.emails ?? []).filter(isValidAddress).map(address => ({ name: c.name, address, hint: c.customerName })),
          ),
        );
      },
      () => live && setOptions([]),
    );
    return () => {
      live = false;
    };
  }, [api, q]);
  return options;
}

/**
 * Recipients as chips: typed, pasted (several at once) or picked from CRM
 * contacts; an address that is not valid shows as a red chip to fix or remove.
 */
export function AddressField(props: {
  label: string;
  value: MailAddress[];
  onChange: (value: MailAddress[]) => void;
  error?: string;
  testId: string;
  disabled?: boolean;
  autoFocus?: boolean;
}) {
  const { t } = useMailT();
  const [input, setInput] = useState('');
  const suggestions = useContactSuggestions(input);
  const invalid = props.value.filter(a => !isValidAddress(a.address));

  const commit = (text: string) => {
    const added = parseAddressList(text);
    if (added.length) props.onChange(merge(props.value, added));
    setInput('');
  };

  return (
    <Autocomplete<AddressOption, true, false, true>
      multiple
      freeSolo
      disabled={props.disabled}
      options={suggestions.filter(o => !props.value.some(v => sameAddress(v, o)))}
      filterOptions={x => x}
      value={props.value}
      inputValue={input}
      getOptionLabel={o => (typeof o === 'string' ? o : formatAddress(o))}
      isOptionEqualToValue={(a, b) => sameAddress(a, b)}
      onInputChange={(_, v, reason) => {
        if (reason === 'reset') return;
        if (SEPARATOR.test(v)) {
          const parts = v.split(SEPARATOR);
          const rest = parts.pop() ?? '';
          commit(parts.join(','));
          setInput(rest);
        } else {
          setInput(v);
        }
      }}
      onChange={(_, v) => {
        // typed text arrives as strings, picked contacts as options
        const next: MailAddress[] = [];
        for (const item of v) {
          if (typeof item === 'string') next.push(...parseAddressList(item));
          else next.push({ name: item.name, address: item.address });
        }
        props.onChange(merge([], next));
        setInput('');
      }}
      renderTags={(items, getTagProps) =>
        items.map((a, index) => {
          const ok = isValidAddress(a.address);
          const { key, ...tagProps } = getTagProps({ index });
          return (
            <Chip
              key={key}
              {...tagProps}
              size="small"
              color={ok ? 'default' : 'error'}
              variant={ok ? 'filled' : 'outlined'}
              label={a.name ? a.name : a.address}
              title={ok ? formatAddress(a) : `${t('compose.invalidAddress')}: ${a.address}`}
              data-testid={`${props.testId}-chip`}
              data-invalid={ok ? undefined : 'true'}
            />
          );
        })
      }
      renderOption={(liProps, o) => (
        <li {...liProps} key={o.address}>
          <Box>
            <Typography>{o.name || o.address}</Typography>
            <Typography variant="caption" color="text.secondary">
              {o.address}
              {o.hint ? ` · ${o.hint}` : ''}
            </Typography>
          </Box>
        </li>
      )}
      renderInput={params => (
        <TextField
          {...params}
          variant="standard"
          label={props.label}
          // eslint-disable-next-line jsx-a11y/no-autofocus -- the first field of a new message
          autoFocus={props.autoFocus}
          error={!!props.error || invalid.length > 0}
          helperText={
            props.error ??
            (invalid.length
              ? t('compose.invalidAddresses', { list: invalid.map(a => a.address).join(t('common.listSeparator')) })
              : undefined)
          }
          onBlur={() => input.trim() && commit(input)}
          onPaste={e => {
            const text = e.clipboardData.getData('text/plain');
            if (SEPARATOR.test(text) || parseAddressList(text).length > 1) {
              e.preventDefault();
              commit(`${input}${text}`);
            }
          }}
          inputProps={{ ...params.inputProps, 'data-testid': props.testId }}
        />
      )}
    />
  );
}
