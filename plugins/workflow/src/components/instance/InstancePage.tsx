import { useCallback, useEffect, useRef, useState } from 'react';
import { Link as RouterLink, useParams } from 'react-router-dom';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Grid from '@mui/material/Grid';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import ArrowBackIcon from '@mui/icons-material/ArrowBack';
import OpenInNewIcon from '@mui/icons-material/OpenInNew';
import { useApi } from '@backstage/frontend-plugin-api';
import type { InstanceDetail } from '@cocrm/plugin-workflow-common';
import { errorMessage, useCurrentUserRef, useLoad } from '@cocrm/suite-react';
import { workflowApiRef } from '../../api/WorkflowClient';
import { useWorkflowLinks } from '../../routes';
import { documentLink, useDirectory, useNames } from '../common/directory';
import { ErrorState, LoadingState } from '../common/feedback';
import { formatDateTime, formatMoney } from '../common/format';
import { useWorkflowT } from '../common/i18n';
import { InstanceStatusChip } from '../common/status';
import { useInboxChanges } from '../inbox/live';
import { ActionBar } from './ActionBar';
import { DocumentSummary } from './DocumentSummary';
import { NodeProgress } from './NodeProgress';
import { callerRole } from './roles';
import { Comments, Timeline } from './Timeline';

function Header(props: { detail: InstanceDetail; documentHref?: string }) {
  const { t } = useWorkflowT();
  const { userName, departmentName, typeLabel } = useNames();
  const { instance } = props.detail;
  const meta: Array<[string, string]> = [
    [t('columns.applicant'), userName(instance.applicant)],
    ...(instance.department
      ? [[t('columns.department'), departmentName(instance.department)] as [string, string]]
      : []),
    [t('columns.submittedAt'), formatDateTime(instance.createdAt)],
    ...(instance.finishedAt
      ? [[t('columns.finishedAt'), formatDateTime(instance.finishedAt)] as [string, string]]
      : []),
    [t('instance.flowVersion'), `v${instance.flowVersion}`],
  ];
  return (
    <Paper variant="outlined" sx={{ p: 2, mb: 2 }} data-testid="workflow-instance-header">
      <Box sx={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 1.5 }}>
        <Typography variant="h5" component="h2" sx={{ wordBreak: 'break-word' }}>
          {instance.title}
        </Typography>
        <Chip
          size="small"
          variant="outlined"
          label={typeLabel(instance.documentType)}
          data-testid="workflow-instance-type"
        />
        <InstanceStatusChip status={instance.status} size="medium" />
        <Box sx={{ flex: 1 }} />
        {instance.amount !== null && (
          <Typography variant="h5" component="p" color="primary" data-testid="workflow-instance-amount">
            {formatMoney(instance.amount, instance.currency)}
          </Typography>
        )}
      </Box>
      <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 3, mt: 1.5, alignItems: 'center' }}>
        {meta.map(([k, v]) => (
          <Typography key={k} variant="body2">
            <Box component="span" sx={{ color: 'text.secondary', mr: 0.75 }}>
              {k}
            </Box>
            {v}
          </Typography>
        ))}
        {props.documentHref && (
          <Link
            component={RouterLink}
            to={props.documentHref}
            sx={{ display: 'inline-flex', alignItems: 'center', gap: 0.5 }}
            data-testid="workflow-document-link"
          >
            {t('instance.openDocument')}
            <OpenInNewIcon sx={{ fontSize: 16 }} />
          </Link>
        )}
      </Box>
    </Paper>
  );
}

/**
 * 审批详情: the document's summary, where the approval stands, its full
 * history and the actions the signed-in user may take on it.
 */
export function InstancePage() {
  const { t } = useWorkflowT();
  const { id = '' } = useParams();
  const api = useApi(workflowApiRef);
  const links = useWorkflowLinks();
  const me = useCurrentUserRef();
  const { typeByName } = useDirectory();
  const data = useLoad(() => api.getInstance(id), [api, id]);
  const [conflict, setConflict] = useState<unknown>();
  const reload = data.retry;
  // others' decisions arrive live; the signal is per user, so any change to one's lists may concern this page
  useInboxChanges(useCallback(() => reload(), [reload]));

  const detail = data.value;
  const marked = useRef<string>();
  useEffect(() => {
    // opening a copy one received reads it
    if (!detail || !me || marked.current === detail.instance.id) return;
    if (detail.cc.some(c => c.user.toLowerCase() === me.toLowerCase())) {
      marked.current = detail.instance.id;
      api.markCcRead(detail.instance.id).catch(() => undefined);
    }
  }, [api, detail, me]);

  if (!detail && data.error) return <ErrorState error={data.error} onRetry={data.retry} />;
  if (!detail) return <LoadingState />;

  const role = callerRole(detail, me);
  const spec = typeByName.get(detail.instance.documentType);
  const documentHref = documentLink(spec, detail.instance.documentId);

  return (
    <Box data-testid="workflow-instance-page">
      <Button component={RouterLink} to={links.todo} startIcon={<ArrowBackIcon />} sx={{ mb: 1 }}>
        {t('instance.back')}
      </Button>
      {conflict !== undefined && (
        <Alert
          severity="warning"
          sx={{ mb: 2 }}
          onClose={() => setConflict(undefined)}
          data-testid="workflow-conflict-alert"
        >
          <AlertTitle>{t('instance.conflictTitle')}</AlertTitle>
          {errorMessage(conflict)}
        </Alert>
      )}
      {data.error && (
        <Alert severity="error" sx={{ mb: 2 }} data-testid="workflow-reload-error">
          {errorMessage(data.error)}
        </Alert>
      )}
      <Header detail={detail} documentHref={documentHref} />
      {detail.instance.status === 'returned' && role.isApplicant && (
        <Alert severity="info" sx={{ mb: 2 }} data-testid="workflow-returned-hint">
          {t('instance.returnedHint')}
        </Alert>
      )}
      <ActionBar
        detail={detail}
        role={role}
        me={me}
        documentHref={documentHref}
        onChanged={() => {
          setConflict(undefined);
          reload();
        }}
        onConflict={err => {
          setConflict(err);
          reload();
        }}
      />
      <Grid container spacing={2}>
        <Grid item xs={12} lg={7}>
          <DocumentSummary instance={detail.instance} spec={spec} />
          <Comments detail={detail} />
        </Grid>
        <Grid item xs={12} lg={5}>
          <NodeProgress detail={detail} />
        </Grid>
        <Grid item xs={12}>
          <Timeline detail={detail} />
        </Grid>
      </Grid>
    </Box>
  );
}
