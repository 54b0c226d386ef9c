import { useEffect, useRef, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import FormHelperText from '@mui/material/FormHelperText';
import Typography from '@mui/material/Typography';
import BusinessIcon from '@mui/icons-material/BusinessOutlined';
import { useApi } from '@backstage/frontend-plugin-api';
import { mailApiRef } from '../../api/MailClient';
import { CustomerPickerDialog } from '../common/CustomerPickerDialog';
import { useMailT } from '../common/i18n';

type Shown = { id: string; name?: string; unreadable?: boolean };

/**
 * 关联客户 of a draft: the CRM customer its Message-ID will name, so the
 * answer routes back to that customer. The name comes from the CRM (its data
 * scope applies); a customer picked here is shown at once without asking again.
 */
export function CustomerField(props: {
  customerId: string | null;
  onChange: (customerId: string | null) => void;
  disabled?: boolean;
  error?: string;
}) {
  const { t } = useMailT();
  const api = useApi(mailApiRef);
  const { customerId } = props;
  const [shown, setShown] = useState<Shown>();
  // a picked customer's name is known already: no second trip to the CRM
  const picked = useRef<Shown>();
  const [picking, setPicking] = useState(false);

  useEffect(() => {
    if (!customerId) return undefined;
    if (picked.current?.id === customerId) {
      setShown(picked.current);
      return undefined;
    }
    let live = true;
    setShown({ id: customerId });
    api.getCustomer(customerId).then(
      c => live && setShown({ id: customerId, name: c.name }),
      () => live && setShown({ id: customerId, unreadable: true }),
    );
    return () => {
      live = false;
    };
  }, [api, customerId]);

  let value;
  if (!customerId) {
    value = (
      <Typography variant="body2" color="text.secondary">
        {t('compose.customerNone')}
      </Typography>
    );
  } else if (shown?.id === customerId && shown.name !== undefined) {
    value = <Typography variant="body2">{shown.name}</Typography>;
  } else if (shown?.id === customerId && shown.unreadable) {
    value = (
      <Typography variant="body2" color="error">
        {t('compose.customerUnreadable')}
      </Typography>
    );
  } else {
    value = <CircularProgress size={14} />;
  }

  return (
    <Box data-testid="mail-compose-customer">
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <BusinessIcon fontSize="small" color="action" />
        <Typography variant="body2" color="text.secondary" component="span">
          {t('compose.customer')}
        </Typography>
        <Box data-testid="mail-compose-customer-value" sx={{ minWidth: 80 }}>
          {value}
        </Box>
        <Button
          size="small"
          onClick={() => setPicking(true)}
          disabled={props.disabled}
          data-testid="mail-compose-customer-pick"
        >
          {t('compose.customerPick')}
        </Button>
        {customerId && (
          <Button
            size="small"
            color="inherit"
            onClick={() => props.onChange(null)}
            disabled={props.disabled}
            data-testid="mail-compose-customer-clear"
          >
            {t('compose.customerClear')}
          </Button>
        )}
      </Box>
      <FormHelperText error={!!props.error} sx={{ mt: 0 }}>
        {props.error ?? t('compose.customerHint')}
      </FormHelperText>
      <CustomerPickerDialog
        open={picking}
        title={t('compose.customerPickTitle')}
        exclude={customerId ? [customerId] : []}
        onClose={() => setPicking(false)}
        onPick={c => {
          picked.current = { id: c.id, name: c.name };
          setPicking(false);
          props.onChange(c.id);
        }}
      />
    </Box>
  );
}
