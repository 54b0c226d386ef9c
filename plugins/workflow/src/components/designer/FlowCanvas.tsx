import { createContext, MouseEvent, useContext, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import IconButton from '@mui/material/IconButton';
import ListItemIcon from '@mui/material/ListItemIcon';
import Menu from '@mui/material/Menu';
import MenuItem from '@mui/material/MenuItem';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import AddIcon from '@mui/icons-material/Add';
import ArrowBackIos from '@mui/icons-material/ArrowBackIosNew';
import ArrowForwardIos from '@mui/icons-material/ArrowForwardIos';
import CallSplit from '@mui/icons-material/CallSplit';
import HowToReg from '@mui/icons-material/HowToReg';
import Send from '@mui/icons-material/Send';
import { orderedBranches } from '@cocrm/plugin-workflow-common';
import type { ApproverRule, Branch, BranchGroup, DocumentTypeSpec, FlowDefinition, Step } from '@cocrm/plugin-workflow-common';
import { describeConditions, describeMode, describeRules } from './describe';
import { useNames } from './directory';
import { useDesignerT } from './i18n';
import { CARD_WIDTH, DefaultChip, NODE_COLORS, NodeCard } from './NodeCard';
import type { ChainRef, NewStepKind } from './tree';

/** What the diagram can ask the editor to do; absent handlers (read-only) hide their controls. */
export interface CanvasActions {
  onSelect: (id: string) => void;
  onInsert?: (chain: ChainRef, index: number, kind: NewStepKind) => void;
  onAddBranch?: (groupId: string) => void;
  onMoveBranch?: (branchId: string, delta: -1 | 1) => void;
  /** `keyboard`: asked through the Delete key, which always confirms */
  onDelete?: (id: string, keyboard: boolean) => void;
}

interface CanvasContextValue extends CanvasActions {
  docType?: DocumentTypeSpec;
  problems: Map<string, string[]>;
  selectedId: string | null;
}

const CanvasContext = createContext<CanvasContextValue>({ onSelect: () => undefined, problems: new Map(), selectedId: null });

const LINE = 'grey.400';
const CANVAS_BG = '#f5f5f7';

function Line(props: { height?: number; grow?: boolean }) {
  return <Box sx={{ width: 2, bgcolor: LINE, height: props.height ?? 24, flexGrow: props.grow ? 1 : 0, minHeight: props.grow ? 24 : undefined }} />;
}

const chainKey = (chain: ChainRef) => (chain.kind === 'root' ? 'root' : chain.branchId);

/** The "+" between two nodes, with its menu of what can be inserted there. */
function AddButton(props: { chain: ChainRef; index: number }) {
  const { t } = useDesignerT();
  const { onInsert } = useContext(CanvasContext);
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  if (!onInsert) return <Line height={40} />;
  const testId = `designer-add-${chainKey(props.chain)}-${props.index}`;
  const pick = (kind: NewStepKind) => {
    setAnchor(null);
    onInsert(props.chain, props.index, kind);
  };
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', alignItems: 'center' }}>
      <Line height={14} />
      <Tooltip title={t('nodes.add')}>
        <IconButton
          size="small"
          aria-label={t('nodes.add')}
          aria-haspopup="menu"
          onClick={(e: MouseEvent<HTMLElement>) => setAnchor(e.currentTarget)}
          data-testid={testId}
          sx={{ bgcolor: 'primary.main', color: 'primary.contrastText', width: 28, height: 28, '&:hover': { bgcolor: 'primary.dark' } }}
        >
          <AddIcon fontSize="small" />
        </IconButton>
      </Tooltip>
      <Line height={14} />
      <Menu anchorEl={anchor} open={!!anchor} onClose={() => setAnchor(null)}>
        <MenuItem onClick={() => pick('approval')} data-testid="designer-add-approval">
          <ListItemIcon>
            <HowToReg fontSize="small" sx={{ color: NODE_COLORS.approval }} />
          </ListItemIcon>
          {t('nodes.addApproval')}
        </MenuItem>
        <MenuItem onClick={() => pick('cc')} data-testid="designer-add-cc">
          <ListItemIcon>
            <Send fontSize="small" sx={{ color: NODE_COLORS.cc }} />
          </ListItemIcon>
          {t('nodes.addCc')}
        </MenuItem>
        <MenuItem onClick={() => pick('branch')} data-testid="designer-add-branch">
          <ListItemIcon>
            <CallSplit fontSize="small" sx={{ color: NODE_COLORS.condition }} />
          </ListItemIcon>
          {t('nodes.addBranch')}
        </MenuItem>
      </Menu>
    </Box>
  );
}

/** The mode only matters when a node can have several approvers; one leader or one supervisor cannot. */
function mayFindSeveral(rules: ApproverRule[]): boolean {
  if (rules.length !== 1) return true;
  const [rule] = rules;
  return !(rule.kind === 'departmentLeader' || rule.kind === 'supervisor' || (rule.kind === 'users' && rule.users.length === 1));
}

function StepCard(props: { step: Exclude<Step, BranchGroup> }) {
  const i18n = useDesignerT();
  const { t } = i18n;
  const names = useNames();
  const ctx = useContext(CanvasContext);
  const { step } = props;
  const rules = step.kind === 'approval' ? step.approvers : step.recipients;
  const who = describeRules(rules, ctx.docType, i18n, names);
  let summary = who;
  if (step.kind === 'approval' && who) {
    const extra = [
      mayFindSeveral(step.approvers) ? describeMode(step, i18n) : '',
      step.timeLimit ? t('nodes.deadline', { hours: step.timeLimit.hours }) : '',
    ]
      .filter(Boolean)
      .join(' · ');
    summary = extra ? t('nodes.summaryWithMode', { who, how: extra }) : who;
  }
  return (
    <NodeCard
      id={step.id}
      testId={`designer-card-${step.id}`}
      title={step.name}
      header={step.kind === 'approval' ? t('nodes.approval') : t('nodes.cc')}
      color={step.kind === 'approval' ? NODE_COLORS.approval : NODE_COLORS.cc}
      summary={summary}
      placeholder={step.kind === 'approval' ? t('nodes.noApprovers') : t('nodes.noRecipients')}
      selected={ctx.selectedId === step.id}
      problems={ctx.problems.get(step.id)}
      onSelect={() => ctx.onSelect(step.id)}
      onDelete={ctx.onDelete && (() => ctx.onDelete!(step.id, false))}
      onKeyDelete={ctx.onDelete && (() => ctx.onDelete!(step.id, true))}
      deleteLabel={t('nodes.delete', { name: step.name })}
    />
  );
}

function BranchCard(props: { branch: Branch; index: number; conditionCount: number }) {
  const i18n = useDesignerT();
  const { t } = i18n;
  const names = useNames();
  const ctx = useContext(CanvasContext);
  const { branch } = props;
  const summary = branch.isDefault ? t('nodes.defaultHint') : describeConditions(branch.conditions, ctx.docType, i18n, names);
  const canDelete = !branch.isDefault && ctx.onDelete;
  const move = ctx.onMoveBranch;
  return (
    <NodeCard
      id={branch.id}
      testId={`designer-card-${branch.id}`}
      title={branch.name}
      color={NODE_COLORS.condition}
      summary={summary}
      placeholder={t('nodes.noConditions')}
      selected={ctx.selectedId === branch.id}
      problems={ctx.problems.get(branch.id)}
      badges={
        branch.isDefault ? (
          <DefaultChip />
        ) : (
          <Typography variant="caption" color="text.secondary" sx={{ whiteSpace: 'nowrap' }}>
            {t('nodes.priority', { n: props.index + 1 })}
          </Typography>
        )
      }
      actions={
        move && !branch.isDefault ? (
          <>
            <Tooltip title={t('nodes.moveLeft')}>
              <span>
                <IconButton
                  size="small"
                  aria-label={t('nodes.moveLeft')}
                  disabled={props.index === 0}
                  onClick={() => move(branch.id, -1)}
                  data-testid={`designer-branch-left-${branch.id}`}
                >
                  <ArrowBackIos sx={{ fontSize: 14 }} />
                </IconButton>
              </span>
            </Tooltip>
            <Tooltip title={t('nodes.moveRight')}>
              <span>
                <IconButton
                  size="small"
                  aria-label={t('nodes.moveRight')}
                  disabled={props.index >= props.conditionCount - 1}
                  onClick={() => move(branch.id, 1)}
                  data-testid={`designer-branch-right-${branch.id}`}
                >
                  <ArrowForwardIos sx={{ fontSize: 14 }} />
                </IconButton>
              </span>
            </Tooltip>
          </>
        ) : undefined
      }
      onSelect={() => ctx.onSelect(branch.id)}
      onDelete={canDelete ? () => ctx.onDelete!(branch.id, false) : undefined}
      onKeyDelete={canDelete ? () => ctx.onDelete!(branch.id, true) : undefined}
      deleteLabel={t('nodes.delete', { name: branch.name })}
    />
  );
}

function Chain(props: { steps: Step[]; chain: ChainRef }) {
  return (
    <>
      <AddButton chain={props.chain} index={0} />
      {props.steps.map((step, i) => (
        <Box key={step.id} sx={{ display: 'flex', flexDirection: 'column', alignItems: 'center' }}>
          {step.kind === 'branch' ? <GroupView group={step} /> : <StepCard step={step} />}
          <AddButton chain={props.chain} index={i + 1} />
        </Box>
      ))}
    </>
  );
}

/** A branch group: its own small card (name, 添加条件) above the branches side by side, each a column with its chain. */
function GroupView(props: { group: BranchGroup }) {
  const { t } = useDesignerT();
  const ctx = useContext(CanvasContext);
  const { group } = props;
  const branches = orderedBranches(group);
  const conditionCount = branches.filter(b => !b.isDefault).length;
  const selected = ctx.selectedId === group.id;
  const problems = ctx.problems.get(group.id) ?? [];
  // the horizontal lines end at the middle of the outer columns
  const mask = (side: 'left' | 'right', edge: 'top' | 'bottom') => ({
    content: '""',
    position: 'absolute',
    [side]: 0,
    [edge]: -2,
    width: '50%',
    height: 2,
    bgcolor: CANVAS_BG,
  });
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', alignItems: 'center' }} data-testid={`designer-group-${group.id}`}>
      <NodeCard
        id={group.id}
        testId={`designer-card-${group.id}`}
        title={group.name}
        header={t('nodes.branchGroup')}
        color={NODE_COLORS.condition}
        selected={selected}
        problems={problems}
        onSelect={() => ctx.onSelect(group.id)}
        onDelete={ctx.onDelete && (() => ctx.onDelete!(group.id, false))}
        onKeyDelete={ctx.onDelete && (() => ctx.onDelete!(group.id, true))}
        deleteLabel={t('nodes.delete', { name: group.name })}
        actions={
          ctx.onAddBranch ? (
            <Button
              size="small"
              variant="outlined"
              color="success"
              startIcon={<AddIcon />}
              onClick={() => ctx.onAddBranch!(group.id)}
              data-testid={`designer-add-condition-${group.id}`}
              sx={{ bgcolor: 'background.paper' }}
            >
              {t('nodes.addCondition')}
            </Button>
          ) : undefined
        }
      />
      <Line height={16} />
      <Box sx={{ display: 'flex', alignItems: 'stretch', borderTop: 2, borderBottom: 2, borderColor: LINE }}>
        {branches.map((branch, index) => (
          <Box
            key={branch.id}
            data-testid={`designer-column-${branch.id}`}
            sx={{
              position: 'relative',
              display: 'flex',
              flexDirection: 'column',
              alignItems: 'center',
              px: 3,
              minWidth: CARD_WIDTH + 48,
              '&:first-of-type::before': mask('left', 'top'),
              '&:first-of-type::after': mask('left', 'bottom'),
              '&:last-of-type::before': mask('right', 'top'),
              '&:last-of-type::after': mask('right', 'bottom'),
            }}
          >
            <Line height={20} />
            <BranchCard branch={branch} index={index} conditionCount={conditionCount} />
            <Chain steps={branch.steps} chain={{ kind: 'branch', branchId: branch.id }} />
            <Line grow />
          </Box>
        ))}
      </Box>
    </Box>
  );
}

function EndPoint(props: { label: string; testId: string }) {
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', alignItems: 'center', gap: 0.5 }} data-testid={props.testId}>
      <Box sx={{ width: 12, height: 12, borderRadius: '50%', bgcolor: 'grey.500' }} />
      <Typography variant="body2" color="text.secondary">
        {props.label}
      </Typography>
    </Box>
  );
}

/**
 * The flow as a vertical chain from 发起人 to 流程结束, with branch groups
 * opening into columns. Pure rendering: every change goes through `actions`.
 */
export function FlowCanvas(
  props: CanvasActions & {
    definition: FlowDefinition;
    docType?: DocumentTypeSpec;
    problems: Map<string, string[]>;
    selectedId: string | null;
  },
) {
  const { t } = useDesignerT();
  const { definition, docType, problems, selectedId, ...actions } = props;
  return (
    <CanvasContext.Provider value={{ ...actions, docType, problems, selectedId }}>
      <Box
        role="region"
        aria-label={t('designer.canvasLabel')}
        data-testid="designer-canvas"
        sx={{ bgcolor: CANVAS_BG, overflow: 'auto', p: 4, minHeight: 480, borderRadius: 1 }}
      >
        <Box sx={{ display: 'flex', flexDirection: 'column', alignItems: 'center', width: 'max-content', minWidth: '100%' }}>
          <NodeCard
            id="__start"
            testId="designer-card-start"
            title={t('nodes.start')}
            header={t('nodes.start')}
            color={NODE_COLORS.start}
            summary={t('nodes.startHint')}
          />
          <Chain steps={definition.steps} chain={{ kind: 'root' }} />
          <EndPoint label={t('nodes.end')} testId="designer-end" />
        </Box>
      </Box>
    </CanvasContext.Provider>
  );
}
