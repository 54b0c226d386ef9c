import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link as RouterLink, useParams } from 'react-router-dom';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import Link from '@mui/material/Link';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import ArrowBack from '@mui/icons-material/ArrowBack';
import PublishIcon from '@mui/icons-material/Publish';
import SettingsOutlined from '@mui/icons-material/SettingsOutlined';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { workflowFlowUpdatePermission } from '@cocrm/plugin-workflow-common';
import type { DocumentTypeSpec, FlowDefinition } from '@cocrm/plugin-workflow-common';
import { ApiErrorAlert, ConfirmDialog, ErrorState, LoadingState, useLeaveGuard, useLoad, useNotify } from '@cocrm/suite-react';
import { WorkflowApiError, workflowApiRef } from '../../api/WorkflowClient';
import type { FlowWithCurrent } from '../../api/types';
import { useWorkflowLinks } from '../../routes';
import { formatDateTime } from '../common/format';
import { DirectoryProvider, useNames } from './directory';
import { FlowEditor, Selection } from './FlowEditor';
import { useDesignerT } from './i18n';
import { DesignerProblem, draftProblems, fromDefinitionProblems } from './problems';
import { ProblemsPanel } from './ProblemsPanel';
import { sameDefinition } from './tree';
import { useDesignerDirectory } from './useDesignerDirectory';
import { VersionsPanel } from './VersionsPanel';

type TabKey = 'design' | 'versions';

function scrollToCard(id: string) {
  document.querySelector(`[data-testid="designer-card-${id}"]`)?.scrollIntoView?.({ block: 'center', inline: 'center', behavior: 'smooth' });
}

/** An older version, read-only, below the versions table. */
function VersionView(props: { flowId: string; number: number; baseline: FlowWithCurrent; docType?: DocumentTypeSpec; docTypeLabel: string; onBack: () => void }) {
  const { t } = useDesignerT();
  const api = useApi(workflowApiRef);
  const names = useNames();
  const { flowId, number, baseline } = props;
  const version = useLoad(
    () => (number === baseline.current.number ? Promise.resolve(baseline.current) : api.getFlowVersion(flowId, number)),
    [api, flowId, number, baseline],
  );
  if (version.error) return <ErrorState error={version.error} onRetry={version.retry} testId="designer-version-error" />;
  if (!version.value || version.loading) return <LoadingState compact testId="designer-version-loading" />;
  const v = version.value;
  return (
    <Box sx={{ mt: 2 }} data-testid="designer-version-view">
      <Alert
        severity="info"
        sx={{ mb: 2 }}
        action={
          <Button color="inherit" size="small" onClick={props.onBack} data-testid="designer-version-back">
            {t('versions.backToDraft')}
          </Button>
        }
      >
        {t('versions.viewing', { number: v.number, by: names.user(v.publishedBy), at: formatDateTime(v.publishedAt) })}
      </Alert>
      <FlowEditor definition={v.definition} docType={props.docType} docTypeLabel={props.docTypeLabel} problems={[]} readOnlyNote={t('drawer.readOnly')} />
    </Box>
  );
}

/**
 * 流程设计: the flow's current version as an editable draft, checked live,
 * published as a new version against the row version it was loaded at.
 */
export function FlowDesignerPage() {
  const { id = '' } = useParams();
  const api = useApi(workflowApiRef);
  const { t, locale, label } = useDesignerT();
  const notify = useNotify();
  const links = useWorkflowLinks();
  const directory = useDesignerDirectory();
  const canUpdate = usePermission({ permission: workflowFlowUpdatePermission }).allowed;

  const loaded = useLoad(() => api.getFlow(id), [api, id]);
  const docTypes = useLoad(() => api.listDocumentTypes(), [api]);
  const versions = useLoad(() => api.listFlowVersions(id), [api, id]);

  const [baseline, setBaseline] = useState<FlowWithCurrent>();
  const [draft, setDraft] = useState<FlowDefinition>();
  const [selection, setSelection] = useState<Selection | null>(null);
  const [tab, setTab] = useState<TabKey>('design');
  const [viewing, setViewing] = useState<number | null>(null);
  const [serverProblems, setServerProblems] = useState<DesignerProblem[]>([]);
  const [publishing, setPublishing] = useState(false);
  const [publishError, setPublishError] = useState<unknown>();
  const [askReload, setAskReload] = useState(false);

  // a fresh load (first visit or 重新加载) replaces the draft: that is what reloading promises
  useEffect(() => {
    if (loaded.value) {
      setBaseline(loaded.value);
      setDraft(loaded.value.current.definition);
      setServerProblems([]);
      setPublishError(undefined);
    }
  }, [loaded.value]);

  const editDraft = useCallback((def: FlowDefinition) => {
    setDraft(def);
    // the server's findings were about the previous draft
    setServerProblems([]);
    setPublishError(undefined);
  }, []);

  const docType = docTypes.value?.find(d => d.type === (draft ?? baseline?.current.definition)?.documentType);
  const typeName = draft?.documentType ?? '';
  const docTypeLabel = docType ? label(docType.label, typeName) : typeName;
  const localProblems = useMemo(() => (draft ? draftProblems(draft, docType, locale, t) : []), [draft, docType, locale, t]);
  const problems = useMemo(() => {
    const seen = new Set(localProblems.map(p => p.message));
    return [...localProblems, ...serverProblems.filter(p => !seen.has(p.message))];
  }, [localProblems, serverProblems]);

  const dirty = !!draft && !!baseline && !sameDefinition(draft, baseline.current.definition);
  const editable = canUpdate;
  const leave = useLeaveGuard(dirty && editable);

  const reload = () => {
    setAskReload(false);
    setViewing(null);
    loaded.retry();
    versions.retry();
  };

  const publish = async () => {
    if (!draft || !baseline || problems.length > 0) return;
    setPublishing(true);
    setPublishError(undefined);
    try {
      // the server knows the registered document types for sure; its verdict is final
      const check = await api.checkFlow(draft);
      if (check.problems.length > 0) {
        setServerProblems(fromDefinitionProblems(check.problems, locale));
        return;
      }
      const flow = await api.publishFlow(id, baseline.flow.version, draft);
      setBaseline({
        flow,
        current: { ...baseline.current, number: flow.currentVersion, definition: draft, publishedBy: flow.updatedBy, publishedAt: flow.updatedAt },
      });
      notify({ message: t('designer.published', { number: flow.currentVersion }) });
      versions.retry();
    } catch (e) {
      setPublishError(e);
    } finally {
      setPublishing(false);
    }
  };

  const pickProblem = (nodeId: string | null) => {
    setTab('design');
    setSelection(nodeId ? { kind: 'node', id: nodeId } : { kind: 'settings' });
    if (nodeId) scrollToCard(nodeId);
  };

  if (!baseline || !draft) {
    if (loaded.error) return <ErrorState error={loaded.error} onRetry={loaded.retry} testId="designer-load-error" />;
    return <LoadingState testId="designer-loading" />;
  }

  const blocked = problems.length > 0;
  const serverList = publishError instanceof WorkflowApiError ? publishError.problems : [];

  return (
    <DirectoryProvider value={directory}>
      <Box data-testid="designer-page">
        <Link component={RouterLink} to={links.flows} underline="hover" sx={{ display: 'inline-flex', alignItems: 'center', gap: 0.5, mb: 1 }} data-testid="designer-back">
          <ArrowBack fontSize="small" />
          {t('common.back')}
        </Link>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, flexWrap: 'wrap', mb: 1 }}>
          <Box sx={{ flex: 1, minWidth: 240 }}>
            <Typography variant="h5" component="h2" data-testid="designer-title">
              {draft.name || baseline.flow.name}
            </Typography>
            <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mt: 0.5, flexWrap: 'wrap' }}>
              <Typography color="text.secondary">{docTypeLabel}</Typography>
              <Chip size="small" label={t('designer.version', { number: baseline.current.number })} data-testid="designer-version" />
              {dirty && <Chip size="small" color="warning" label={t('designer.dirty')} data-testid="designer-dirty" />}
            </Box>
          </Box>
          <Button
            startIcon={<SettingsOutlined />}
            onClick={() => {
              setTab('design');
              setSelection({ kind: 'settings' });
            }}
            data-testid="designer-settings"
          >
            {t('designer.settings')}
          </Button>
          {editable && (
            <Tooltip title={blocked ? t('designer.publishBlocked') : ''}>
              <span>
                <Button
                  variant="contained"
                  startIcon={publishing ? <CircularProgress size={16} color="inherit" /> : <PublishIcon />}
                  disabled={!dirty || blocked || publishing}
                  onClick={publish}
                  data-testid="designer-publish"
                >
                  {publishing ? t('designer.publishing') : t('designer.publish')}
                </Button>
              </span>
            </Tooltip>
          )}
        </Box>
        {docTypes.value && !docType && (
          <Alert severity="warning" sx={{ mb: 2 }} data-testid="designer-unknown-type">
            {t('designer.unknownType', { type: typeName })}
          </Alert>
        )}
        {!!publishError && (
          <Box sx={{ mb: 2 }}>
            <ApiErrorAlert error={publishError} onReload={() => (dirty ? setAskReload(true) : reload())} testIdPrefix="designer-publish">
              {serverList.length > 0 && (
                <Box component="ul" sx={{ m: 0, pl: 2 }}>
                  {serverList.map(p => (
                    <li key={p}>{p}</li>
                  ))}
                </Box>
              )}
            </ApiErrorAlert>
          </Box>
        )}
        {serverProblems.length > 0 && (
          <Alert severity="error" sx={{ mb: 2 }} data-testid="designer-check-failed">
            {t('designer.checkFailed')}
          </Alert>
        )}
        <Tabs value={tab} onChange={(_, v: TabKey) => setTab(v)} sx={{ mb: 2, borderBottom: 1, borderColor: 'divider' }}>
          <Tab value="design" label={t('designer.tabDesign')} data-testid="designer-tab-design" />
          <Tab value="versions" label={t('designer.tabVersions')} data-testid="designer-tab-versions" />
        </Tabs>
        {tab === 'design' && (
          <>
            {editable && <ProblemsPanel problems={problems} onPick={pickProblem} />}
            <FlowEditor
              definition={draft}
              onChange={editable ? editDraft : undefined}
              docType={docType}
              docTypeLabel={docTypeLabel}
              problems={editable ? problems : []}
              selection={selection}
              onSelectionChange={setSelection}
              readOnlyNote={t('drawer.noPermission')}
            />
          </>
        )}
        {tab === 'versions' && (
          <>
            <VersionsPanel
              versions={versions.value}
              loading={versions.loading}
              error={versions.error}
              onRetry={versions.retry}
              currentVersion={baseline.current.number}
              viewing={viewing}
              onView={setViewing}
            />
            {viewing !== null && (
              <VersionView
                flowId={id}
                number={viewing}
                baseline={baseline}
                docType={docType}
                docTypeLabel={docTypeLabel}
                onBack={() => {
                  setViewing(null);
                  setTab('design');
                }}
              />
            )}
          </>
        )}
        <ConfirmDialog
          open={askReload}
          title={t('designer.reloadTitle')}
          text={t('designer.reloadText')}
          confirmLabel={t('designer.reloadConfirm')}
          onConfirm={reload}
          onClose={() => setAskReload(false)}
          testId="designer-reload-confirm"
        />
        <ConfirmDialog
          open={leave.leaving}
          title={t('designer.leaveTitle')}
          text={t('designer.leaveText')}
          confirmLabel={t('designer.leaveConfirm')}
          onConfirm={leave.confirmLeave}
          onClose={leave.cancelLeave}
          testId="designer-leave-confirm"
        />
      </Box>
    </DirectoryProvider>
  );
}
