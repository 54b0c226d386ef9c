import { useState } from 'react';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import Skeleton from '@mui/material/Skeleton';
import Typography from '@mui/material/Typography';
import ImageIcon from '@mui/icons-material/ImageOutlined';
import { useApi } from '@backstage/frontend-plugin-api';
import { useLoad, useNotify } from '@cocrm/suite-react';
import { mailApiRef } from '../../api/MailClient';
import { ApiErrorAlert, ErrorState } from '../common/feedback';
import { formatDateTime } from '../common/format';
import { useMailT } from '../common/i18n';

/** The senders whose remote images the user chose to see (始终信任此发件人), each removable. */
export function TrustedSenders() {
  const { t } = useMailT();
  const api = useApi(mailApiRef);
  const notify = useNotify();
  const data = useLoad(() => api.listTrustedSenders().then(r => r.items), [api]);
  const [error, setError] = useState<unknown>();

  const remove = async (address: string) => {
    setError(undefined);
    try {
      await api.untrustSender(address);
      notify({ message: t('trusted.removed', { address }) });
      data.retry();
    } catch (e) {
      setError(e);
    }
  };

  let body;
  if (data.error && !data.value) body = <ErrorState error={data.error} onRetry={data.retry} />;
  else if (!data.value) body = <Skeleton width="50%" />;
  else if (!data.value.length)
    body = (
      <Typography variant="body2" color="text.secondary">
        {t('trusted.none')}
      </Typography>
    );
  else
    body = (
      <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1 }}>
        {data.value.map(s => (
          <Chip
            key={s.address}
            label={s.address}
            title={t('trusted.since', { time: formatDateTime(s.createdAt) })}
            onDelete={() => remove(s.address)}
            data-testid={`mail-trusted-${s.address}`}
          />
        ))}
      </Box>
    );

  return (
    <Paper variant="outlined" sx={{ p: 2 }} data-testid="mail-trusted-senders">
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mb: 0.5 }}>
        <ImageIcon color="action" />
        <Typography variant="h6" component="h2">
          {t('trusted.title')}
        </Typography>
      </Box>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1.5 }}>
        {t('trusted.hint')}
      </Typography>
      {body}
      {!!error && (
        <Box sx={{ mt: 1 }}>
          <ApiErrorAlert error={error} />
        </Box>
      )}
    </Paper>
  );
}
