import { useState } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import AddLinkIcon from '@mui/icons-material/AddLink';
import BusinessIcon from '@mui/icons-material/Business';
import CancelIcon from '@mui/icons-material/Cancel';
import { useApi } from '@backstage/frontend-plugin-api';
import { useNotify } from '@cocrm/suite-react';
import { mailApiRef } from '../../api/MailClient';
import type { ThreadLink } from '../../api/types';
import { customerLink } from '../../routes';
import { CustomerPickerDialog } from '../common/CustomerPickerDialog';
import { ConfirmDialog } from '../common/feedback';
import { formatDateTime } from '../common/format';
import { MailMessageKey, useMailT } from '../common/i18n';

/** 关联客户: the customers a conversation is routed to, linked and unlinked by hand. */
export function ThreadCustomers(props: {
  threadId: string;
  links: ThreadLink[];
  onChanged: (links: ThreadLink[]) => void;
}) {
  const { t } = useMailT();
  const api = useApi(mailApiRef);
  const notify = useNotify();
  const [picking, setPicking] = useState(false);
  const [unlinking, setUnlinking] = useState<ThreadLink>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const linked = props.links.filter(l => l.state === 'linked');

  const reload = async () => props.onChanged((await api.listLinks(props.threadId)).items);

  const link = async (customerId: string, name: string) => {
    setBusy(true);
    setError(undefined);
    try {
      await api.linkCustomer(props.threadId, customerId);
      await reload();
      setPicking(false);
      notify({ message: t('links.linked', { name }) });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const unlink = async () => {
    if (!unlinking) return;
    setBusy(true);
    setError(undefined);
    try {
      await api.unlinkCustomer(props.threadId, unlinking.customerId);
      await reload();
      notify({ message: t('links.unlinked', { name: unlinking.customerName }) });
      setUnlinking(undefined);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box
      sx={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 0.75 }}
      data-testid="mail-thread-customers"
      aria-label={t('links.title')}
    >
      <BusinessIcon fontSize="small" color="action" />
      {!linked.length && (
        <Typography variant="body2" color="text.secondary">
          {t('links.none')}
        </Typography>
      )}
      {linked.map(l => (
        <Tooltip
          key={l.customerId}
          title={`${t(`links.source.${l.source}` as MailMessageKey)} · ${formatDateTime(l.at)}`}
        >
          <Chip
            size="small"
            color="primary"
            variant="outlined"
            label={l.customerName}
            component={RouterLink}
            to={customerLink(l.customerId)}
            clickable
            onDelete={() => {
              setError(undefined);
              setUnlinking(l);
            }}
            deleteIcon={<CancelIcon aria-label={t('links.unlink')} data-testid={`mail-unlink-${l.customerId}`} />}
            data-testid={`mail-link-${l.customerId}`}
          />
        </Tooltip>
      ))}
      <Button
        size="small"
        startIcon={<AddLinkIcon />}
        onClick={() => {
          setError(undefined);
          setPicking(true);
        }}
        data-testid="mail-link-customer"
      >
        {t('links.link')}
      </Button>
      <CustomerPickerDialog
        open={picking}
        title={t('links.link')}
        busy={busy}
        error={picking ? error : undefined}
        exclude={linked.map(l => l.customerId)}
        onPick={c => link(c.id, c.name)}
        onClose={() => setPicking(false)}
      />
      <ConfirmDialog
        open={!!unlinking}
        title={t('links.unlinkConfirm', { name: unlinking?.customerName ?? '' })}
        text={t('links.unlinkHint')}
        confirmLabel={t('links.unlink')}
        busy={busy}
        error={unlinking ? error : undefined}
        onConfirm={unlink}
        onClose={() => setUnlinking(undefined)}
        testId="mail-unlink-confirm"
      />
    </Box>
  );
}
