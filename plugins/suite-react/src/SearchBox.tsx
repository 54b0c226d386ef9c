import { useEffect, useState } from 'react';
import InputAdornment from '@mui/material/InputAdornment';
import TextField from '@mui/material/TextField';
import SearchIcon from '@mui/icons-material/Search';
import type { UrlListState } from './listState';
import { useDebounced } from './useLoad';

/** Search box writing `q` to the URL 300 ms after the user stops typing (Enter applies at once). */
export function SearchBox(props: { list: UrlListState; placeholder: string; testId?: string; minWidth?: number }) {
  const urlQ = props.list.get('q');
  const [value, setValue] = useState(urlQ);
  const debounced = useDebounced(value, 300);
  useEffect(() => {
    // trimmed, so a trailing space neither reloads the list nor is taken back from the user while typing
    if (debounced.trim() !== urlQ) props.list.update({ q: debounced.trim() || null });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debounced]);
  useEffect(() => {
    // the URL changed elsewhere (back button, clear filters)
    if (urlQ !== debounced.trim()) setValue(urlQ);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [urlQ]);
  const minWidth = props.minWidth ?? 280;
  return (
    <TextField
      size="small"
      type="search"
      value={value}
      onChange={e => setValue(e.target.value)}
      onKeyDown={e => {
        if (e.key === 'Enter') props.list.update({ q: value.trim() || null });
      }}
      placeholder={props.placeholder}
      sx={{ minWidth, flex: `1 1 ${minWidth}px` }}
      inputProps={{ 'aria-label': props.placeholder, 'data-testid': props.testId }}
      InputProps={{
        startAdornment: (
          <InputAdornment position="start">
            <SearchIcon fontSize="small" />
          </InputAdornment>
        ),
      }}
    />
  );
}
