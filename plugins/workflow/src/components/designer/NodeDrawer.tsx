import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Divider from '@mui/material/Divider';
import IconButton from '@mui/material/IconButton';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import CloseIcon from '@mui/icons-material/Close';
import ErrorOutline from '@mui/icons-material/ErrorOutline';
import type { DocumentTypeSpec, FlowDefinition, Step } from '@cocrm/plugin-workflow-common';
import { useDesignerT } from './i18n';
import { ApprovalForm, BranchForm, CcForm, FlowSettingsForm, GroupForm } from './NodeForms';
import { findNode, updateBranch, updateStep } from './tree';

/** What the side drawer edits: one node of the tree, or the flow's own settings. */
export type Selection = { kind: 'node'; id: string } | { kind: 'settings' };

export const DRAWER_WIDTH = 420;

/**
 * The side drawer beside the diagram (not modal, so another card can be
 * picked while it is open). Escape closes it; the editor listens for that.
 */
export function NodeDrawer(props: {
  selection: Selection;
  definition: FlowDefinition;
  onChange?: (def: FlowDefinition) => void;
  onClose: () => void;
  docType?: DocumentTypeSpec;
  docTypeLabel: string;
  problems: string[];
  /** why the fields are disabled, when they are */
  readOnlyNote?: string;
}) {
  const { t } = useDesignerT();
  const { selection, definition, onChange, docType } = props;
  const disabled = !onChange;
  const node = selection.kind === 'node' ? findNode(definition, selection.id) : undefined;
  if (selection.kind === 'node' && !node) return null;

  let title = t('drawer.settingsTitle');
  let body = (
    <FlowSettingsForm definition={definition} onChange={d => onChange?.(d)} docTypeLabel={props.docTypeLabel} disabled={disabled} />
  );
  if (node?.kind === 'branch') {
    title = t('drawer.branchTitle');
    body = (
      <BranchForm
        branch={node.branch}
        onChange={b => onChange?.(updateBranch(definition, b.id, () => b))}
        docType={docType}
        disabled={disabled}
      />
    );
  } else if (node?.kind === 'step') {
    const replace = (s: Step) => onChange?.(updateStep(definition, s.id, () => s));
    const step = node.step;
    if (step.kind === 'approval') {
      title = t('drawer.approvalTitle');
      body = <ApprovalForm step={step} onChange={replace} docType={docType} disabled={disabled} />;
    } else if (step.kind === 'cc') {
      title = t('drawer.ccTitle');
      body = <CcForm step={step} onChange={replace} docType={docType} disabled={disabled} />;
    } else {
      title = t('drawer.branchGroupTitle');
      body = <GroupForm group={step} onChange={replace} disabled={disabled} />;
    }
  }

  return (
    <Paper
      component="aside"
      role="complementary"
      aria-label={title}
      data-testid="designer-drawer"
      variant="outlined"
      sx={{ width: DRAWER_WIDTH, flexShrink: 0, display: 'flex', flexDirection: 'column', maxHeight: '80vh', position: 'sticky', top: 16 }}
    >
      <Box sx={{ display: 'flex', alignItems: 'center', px: 2, py: 1 }}>
        <Typography variant="h6" component="h3" sx={{ flex: 1 }}>
          {title}
        </Typography>
        <IconButton aria-label={t('common.close')} onClick={props.onClose} data-testid="designer-drawer-close">
          <CloseIcon />
        </IconButton>
      </Box>
      <Divider />
      <Box sx={{ p: 2, overflow: 'auto', display: 'flex', flexDirection: 'column', gap: 2 }}>
        {disabled && <Alert severity="info">{props.readOnlyNote ?? t('drawer.readOnly')}</Alert>}
        {props.problems.length > 0 && (
          <Alert severity="error" icon={<ErrorOutline />} data-testid="designer-drawer-problems">
            {props.problems.map(p => (
              <div key={p}>{p}</div>
            ))}
          </Alert>
        )}
        {body}
      </Box>
    </Paper>
  );
}
