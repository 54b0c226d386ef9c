import Autocomplete from '@mui/material/Autocomplete';
import Chip from '@mui/material/Chip';
import TextField from '@mui/material/TextField';
import { normalizeMailDomain } from '@cocrm/plugin-crm-common';

/** Domains typed or pasted as one text ("a.com, b.com；c.com"), normalised, empty parts dropped. */
export function splitMailDomains(text: string): string[] {
  return text
    .split(/[\s,，;；、]+/)
    .map(normalizeMailDomain)
    .filter(d => d !== '');
}

const SEPARATOR = /[\s,，;；、]/;

/**
 * 邮箱域名 as chips: Enter, a comma (also the full-width one) or a space
 * turns what was typed into a chip; a pasted list becomes several. What is
 * still being typed is kept in `draft` so that saving does not lose it.
 * Chips the server refused (errors "mailDomains.<i>") are shown in red.
 */
export function MailDomainsField(props: {
  label: string;
  value: string[];
  draft: string;
  onChange: (value: string[], draft: string) => void;
  disabled?: boolean;
  error?: string;
  itemError?: (index: number) => boolean;
  hint: string;
}) {
  const add = (list: string[], parts: string[]) => Array.from(new Set([...list, ...parts]));
  return (
    <Autocomplete<string, true, false, true>
      multiple
      freeSolo
      options={[]}
      value={props.value}
      inputValue={props.draft}
      disabled={props.disabled}
      onChange={(_e, next) => props.onChange(add([], next.flatMap(splitMailDomains)), '')}
      onInputChange={(_e, text, reason) => {
        if (reason === 'reset') return;
        if (!SEPARATOR.test(text)) {
          props.onChange(props.value, text);
          return;
        }
        // everything before the last separator is complete; the rest is still being typed
        const parts = text.split(SEPARATOR);
        const rest = parts.pop() ?? '';
        props.onChange(add(props.value, splitMailDomains(parts.join(','))), rest);
      }}
      onBlur={() => {
        const parts = splitMailDomains(props.draft);
        if (parts.length) props.onChange(add(props.value, parts), '');
      }}
      renderTags={(list, getTagProps) =>
        list.map((domain, index) => {
          const { key, ...tagProps } = getTagProps({ index });
          return (
            <Chip
              key={key}
              {...tagProps}
              size="small"
              label={domain}
              color={props.itemError?.(index) ? 'error' : 'default'}
              variant={props.itemError?.(index) ? 'filled' : 'outlined'}
              data-testid="crm-mail-domain-chip"
            />
          );
        })
      }
      renderInput={params => (
        <TextField
          {...params}
          size="small"
          name="mailDomains"
          label={props.label}
          error={!!props.error}
          helperText={props.error ?? props.hint}
          inputProps={{ ...params.inputProps, 'data-testid': 'crm-field-mailDomains', autoCapitalize: 'none', spellCheck: false }}
        />
      )}
    />
  );
}
