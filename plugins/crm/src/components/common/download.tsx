import { useState } from 'react';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import FileDownloadIcon from '@mui/icons-material/FileDownload';
import { errorMessage, saveBlob, useNotify } from '@cocrm/suite-react';
import { CrmApiError } from '../../api/CrmClient';
import type { CrmExport } from '../../api/CrmClient';
import { useCrmT } from './i18n';


/**
 * 导出 Excel: runs the export (through fetchApi, so it is authenticated),
 * saves the file under the server's name and reports failures with the
 * server's message. Disabled with a spinner while the file is coming.
 */
export function ExportButton(props: { onExport: () => Promise<CrmExport> }) {
  const { t } = useCrmT();
  const notify = useNotify();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    if (busy) return;
    setBusy(true);
    try {
      const { blob, filename } = await props.onExport();
      saveBlob(blob, filename);
      notify({ message: t('common.exported', { filename }) });
    } catch (e) {
      notify({
        message: errorMessage(e),
        // as in ApiErrorAlert: a refusal is a warning, anything else an error
        severity: e instanceof CrmApiError && e.status === 403 ? 'warning' : 'error',
      });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button
      variant="outlined"
      onClick={run}
      disabled={busy}
      aria-busy={busy}
      startIcon={busy ? <CircularProgress size={16} color="inherit" /> : <FileDownloadIcon />}
      data-testid="crm-export-button"
    >
      {busy ? t('common.exporting') : t('common.export')}
    </Button>
  );
}
