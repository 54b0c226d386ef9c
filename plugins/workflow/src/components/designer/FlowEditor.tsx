import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import Box from '@mui/material/Box';
import { ConfirmDialog } from '@cocrm/suite-react';
import type { DocumentTypeSpec, FlowDefinition } from '@cocrm/plugin-workflow-common';
import { FlowCanvas } from './FlowCanvas';
import { useDesignerT } from './i18n';
import { NodeDrawer, Selection } from './NodeDrawer';
import type { DesignerProblem } from './problems';
import { problemsByNode } from './problems';
import { addBranch, ChainRef, findNode, insertStep, moveBranch, NewNodeNames, NewStepKind, nestedStepCount, newStep, removeNode } from './tree';

export type { Selection };

export interface FlowEditorProps {
  definition: FlowDefinition;
  /** absent: read-only (an older version) */
  onChange?: (definition: FlowDefinition) => void;
  docType?: DocumentTypeSpec;
  docTypeLabel: string;
  problems: DesignerProblem[];
  /** controlled selection (the page selects a node when a problem is clicked); internal when absent */
  selection?: Selection | null;
  onSelectionChange?: (selection: Selection | null) => void;
  /** shown in the drawer of a read-only editor */
  readOnlyNote?: string;
}

interface PendingDelete {
  id: string;
  name: string;
  nested: number;
  dissolves: boolean;
}

function focusCard(id: string) {
  // after the drawer closes, keyboard users continue from the card they edited (ids are [A-Za-z0-9_-], no escaping needed)
  const el = document.querySelector<HTMLElement>(`[data-testid="designer-card-${id}-button"]`);
  el?.focus();
}

/**
 * The visual flow editor: definition in, definition out. Inserts, deletes,
 * reorders and edits nodes through the pure tree functions; the caller owns
 * the draft, its problems and what publishing means.
 */
export function FlowEditor(props: FlowEditorProps) {
  const { t } = useDesignerT();
  const { definition, onChange, docType } = props;
  const [ownSelection, setOwnSelection] = useState<Selection | null>(null);
  const selection = props.selection !== undefined ? props.selection : ownSelection;
  const setSelection = useCallback(
    (s: Selection | null) => {
      setOwnSelection(s);
      props.onSelectionChange?.(s);
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [props.onSelectionChange],
  );
  const [pending, setPending] = useState<PendingDelete | null>(null);
  const byNode = useMemo(() => problemsByNode(props.problems), [props.problems]);

  const names: NewNodeNames = useMemo(
    () => ({
      approval: t('nodes.approval'),
      cc: t('nodes.cc'),
      branchGroup: t('nodes.branchGroup'),
      condition: n => t('nodes.newCondition', { n }),
      defaultBranch: t('nodes.defaultBranch'),
    }),
    [t],
  );

  // the selected node may vanish (deleted, or another version loaded): the drawer closes with it
  const selectedId = selection?.kind === 'node' ? selection.id : null;
  const selectionGone = selectedId !== null && !findNode(definition, selectedId);
  useEffect(() => {
    if (selectionGone) setSelection(null);
  }, [selectionGone, setSelection]);

  const selectionRef = useRef(selection);
  selectionRef.current = selection;
  useEffect(() => {
    if (!selection) return undefined;
    const onKey = (e: KeyboardEvent) => {
      // dialogs, menus and open pickers handle their own Escape and stop it
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      const current = selectionRef.current;
      setSelection(null);
      if (current?.kind === 'node') focusCard(current.id);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [selection, setSelection]);

  const remove = (id: string) => {
    if (!onChange) return;
    onChange(removeNode(definition, id));
    setPending(null);
  };

  const askDelete = (id: string, keyboard: boolean) => {
    const node = findNode(definition, id);
    if (!node || !onChange) return;
    if (node.kind === 'branch' && node.branch.isDefault) return;
    const nested = nestedStepCount(node);
    const dissolves = node.kind === 'branch' && node.group.branches.filter(b => b.id !== id).every(b => b.isDefault);
    const name = node.kind === 'branch' ? node.branch.name : node.step.name;
    if (keyboard || nested > 0 || dissolves) setPending({ id, name, nested, dissolves });
    else remove(id);
  };

  const insert = (chain: ChainRef, index: number, kind: NewStepKind) => {
    if (!onChange) return;
    const step = newStep(kind, names);
    onChange(insertStep(definition, chain, index, step));
    // a new group is defined by its first condition: open that
    const focusId = step.kind === 'branch' ? step.branches[0].id : step.id;
    setSelection({ kind: 'node', id: focusId });
  };

  const readOnly = !onChange;
  const drawerProblems = selection?.kind === 'node' ? byNode.get(selection.id) ?? [] : props.problems.filter(p => !p.nodeId).map(p => p.message);

  return (
    <Box sx={{ display: 'flex', gap: 2, alignItems: 'flex-start' }}>
      <Box sx={{ flex: 1, minWidth: 0 }}>
        <FlowCanvas
          definition={definition}
          docType={docType}
          problems={byNode}
          selectedId={selectedId}
          onSelect={id => setSelection({ kind: 'node', id })}
          onInsert={readOnly ? undefined : insert}
          onAddBranch={
            readOnly
              ? undefined
              : groupId => {
                  const added = addBranch(definition, groupId, names);
                  onChange!(added.definition);
                  setSelection({ kind: 'node', id: added.branchId });
                }
          }
          onMoveBranch={readOnly ? undefined : (branchId, delta) => onChange!(moveBranch(definition, branchId, delta))}
          onDelete={readOnly ? undefined : askDelete}
        />
      </Box>
      {selection && !selectionGone && (
        <NodeDrawer
          // a fresh form per node, so half-typed amounts and hours do not carry over
          key={selection.kind === 'node' ? selection.id : '__settings'}
          selection={selection}
          definition={definition}
          onChange={onChange}
          onClose={() => setSelection(null)}
          docType={docType}
          docTypeLabel={props.docTypeLabel}
          problems={drawerProblems}
          readOnlyNote={props.readOnlyNote}
        />
      )}
      <ConfirmDialog
        open={!!pending}
        title={t('remove.title', { name: pending?.name ?? '' })}
        text={
          pending && (
            <>
              <div>{t('remove.step')}</div>
              {pending.nested > 0 && <div>{t('remove.withSteps', { count: pending.nested })}</div>}
              {pending.dissolves && <div>{t('remove.lastCondition')}</div>}
            </>
          )
        }
        confirmLabel={t('remove.confirm')}
        onConfirm={() => pending && remove(pending.id)}
        onClose={() => setPending(null)}
        testId="designer-remove-confirm"
      />
    </Box>
  );
}
