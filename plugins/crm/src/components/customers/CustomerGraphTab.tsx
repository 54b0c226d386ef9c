import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import {
  Background,
  Controls,
  Edge,
  Handle,
  MarkerType,
  Node,
  NodeProps,
  Position,
  ReactFlow,
  ReactFlowProvider,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Grid from '@mui/material/Grid';
import IconButton from '@mui/material/IconButton';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useTheme } from '@mui/material/styles';
import AddIcon from '@mui/icons-material/Add';
import BusinessIcon from '@mui/icons-material/Business';
import DeleteIcon from '@mui/icons-material/DeleteOutline';
import PersonIcon from '@mui/icons-material/Person';
import StarIcon from '@mui/icons-material/Star';
import { useApi } from '@backstage/frontend-plugin-api';
import { CONTACT_RELATION_TYPES, RELATION_STRENGTHS } from '@cocrm/plugin-crm-common';
import type {
  Contact,
  ContactRelation,
  ContactRelationType,
  Customer,
  CustomerGraph,
  GraphNode,
  RelationStrength,
} from '@cocrm/plugin-crm-common';
import { EmptyState, LoadingState, useLoad, useNotify } from '@cocrm/suite-react';
import { crmApiRef } from '../../api/CrmClient';
import { useCrmLinks } from '../../routes';
import { useCrmT } from '../common/i18n';
import { ApiErrorAlert, ConfirmDialog, ErrorState } from '../common/feedback';

type CrmNodeData = { [K in keyof GraphNode]: GraphNode[K] } & { kdmLabel: string };
type CrmFlowNode = Node<CrmNodeData>;

function CustomerNode({ data }: NodeProps<CrmFlowNode>) {
  const theme = useTheme();
  return (
    <Box
      data-testid={`crm-graph-node-${data.id}`}
      sx={{
        px: 1.5,
        py: 1,
        borderRadius: 1,
        minWidth: 160,
        maxWidth: 220,
        textAlign: 'center',
        cursor: data.focus ? 'default' : 'pointer',
        bgcolor: data.focus ? theme.palette.primary.main : theme.palette.background.paper,
        color: data.focus ? theme.palette.primary.contrastText : theme.palette.text.primary,
        border: `2px solid ${theme.palette.primary.main}`,
        boxShadow: data.focus ? 3 : 1,
      }}
    >
      <Handle type="target" position={Position.Top} />
      <Box sx={{ display: 'flex', alignItems: 'center', justifyContent: 'center', gap: 0.5 }}>
        <BusinessIcon fontSize="small" />
        <Typography variant="body2" sx={{ fontWeight: 600, wordBreak: 'break-word' }}>
          {data.label}
        </Typography>
      </Box>
      {data.subtitle && (
        <Typography variant="caption" component="div" sx={{ opacity: 0.8 }}>
          {data.subtitle}
        </Typography>
      )}
      <Handle type="source" position={Position.Bottom} />
    </Box>
  );
}

function ContactNode({ data }: NodeProps<CrmFlowNode>) {
  const theme = useTheme();
  const kdm = !!data.keyDecisionMaker;
  return (
    <Box
      data-testid={`crm-graph-node-${data.id}`}
      sx={{
        px: 1.5,
        py: 0.75,
        borderRadius: 999,
        minWidth: 110,
        textAlign: 'center',
        cursor: 'pointer',
        bgcolor: theme.palette.background.paper,
        border: `2px solid ${kdm ? theme.palette.warning.main : theme.palette.grey[400]}`,
        boxShadow: kdm ? 2 : 0,
      }}
    >
      <Handle type="target" position={Position.Top} />
      <Box sx={{ display: 'flex', alignItems: 'center', justifyContent: 'center', gap: 0.5 }}>
        {kdm ? (
          <StarIcon fontSize="small" sx={{ color: 'warning.main' }} titleAccess={data.kdmLabel} />
        ) : (
          <PersonIcon fontSize="small" color="action" />
        )}
        <Typography variant="body2">{data.label}</Typography>
      </Box>
      {data.subtitle && (
        <Typography variant="caption" component="div" color="text.secondary">
          {data.subtitle}
        </Typography>
      )}
      <Handle type="source" position={Position.Bottom} />
    </Box>
  );
}

const nodeTypes = { customer: CustomerNode, contact: ContactNode };

const STRENGTH_STYLE: Record<RelationStrength, { strokeWidth: number; strokeDasharray?: string }> = {
  strong: { strokeWidth: 3.5 },
  medium: { strokeWidth: 2 },
  weak: { strokeWidth: 1.2, strokeDasharray: '6 4' },
};

/**
 * Places the graph without a layout library: related customers on the top row,
 * the focus customer below them, its contacts in rows underneath.
 */
export function layoutGraph(graph: CustomerGraph): Record<string, { x: number; y: number }> {
  const pos: Record<string, { x: number; y: number }> = {};
  const focus = graph.nodes.find(n => n.focus);
  const others = graph.nodes.filter(n => n.kind === 'customer' && !n.focus);
  const contacts = graph.nodes.filter(n => n.kind === 'contact');
  const rowWidth = (count: number, gap: number) => (count - 1) * gap;
  others.forEach((n, i) => {
    pos[n.id] = { x: i * 260 - rowWidth(others.length, 260) / 2, y: 0 };
  });
  if (focus) pos[focus.id] = { x: 0, y: others.length ? 160 : 0 };
  const top = (others.length ? 160 : 0) + 170;
  const perRow = 5;
  contacts.forEach((n, i) => {
    const row = Math.floor(i / perRow);
    const inRow = Math.min(perRow, contacts.length - row * perRow);
    const col = i % perRow;
    pos[n.id] = { x: col * 200 - rowWidth(inRow, 200) / 2 + (row % 2) * 40, y: top + row * 140 };
  });
  return pos;
}

function GraphView({ graph }: { graph: CustomerGraph }) {
  const crm = useCrmT();
  const { t, enumLabel } = crm;
  const theme = useTheme();
  const navigate = useNavigate();
  const links = useCrmLinks();

  const { nodes, edges } = useMemo(() => {
    const pos = layoutGraph(graph);
    const n: CrmFlowNode[] = graph.nodes.map(g => ({
      id: g.id,
      type: g.kind,
      position: pos[g.id] ?? { x: 0, y: 0 },
      data: { ...g, kdmLabel: t('graph.legendKdm') },
      draggable: true,
      connectable: false,
    }));
    const e: Edge[] = graph.edges.map(g => {
      const structural = g.kind === 'parent' || g.kind === 'group' || g.kind === 'employs';
      const style = STRENGTH_STYLE[g.strength ?? 'medium'];
      const color = structural ? theme.palette.grey[500] : theme.palette.secondary.main;
      return {
        id: g.id,
        source: g.source,
        target: g.target,
        label: enumLabel('relation', g.kind),
        labelStyle: { fontSize: 12 },
        labelBgPadding: [4, 2] as [number, number],
        labelBgBorderRadius: 4,
        style: { ...style, stroke: color, ...(g.kind === 'employs' ? { strokeWidth: 1, strokeDasharray: '2 3' } : {}) },
        markerEnd: g.kind === 'superior' || g.kind === 'parent' || g.kind === 'group' ? { type: MarkerType.ArrowClosed, color } : undefined,
        data: { kind: g.kind, strength: g.strength },
      };
    });
    return { nodes: n, edges: e };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [graph, theme, t]);

  return (
    <Box sx={{ height: 520, border: 1, borderColor: 'divider', borderRadius: 1 }} data-testid="crm-customer-graph">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        fitView
        fitViewOptions={{ padding: 0.2 }}
        minZoom={0.2}
        maxZoom={2.5}
        nodesConnectable={false}
        proOptions={{ hideAttribution: true }}
        onNodeClick={(_, node) => {
          const data = node.data as unknown as CrmNodeData;
          if (data.kind === 'customer' && !data.focus) navigate(links.customer(data.id));
          if (data.kind === 'contact') navigate(links.contact(data.id));
        }}
      >
        <Background gap={20} />
        <Controls showInteractive={false} fitViewOptions={{ padding: 0.2 }} />
      </ReactFlow>
    </Box>
  );
}

function RelationDialog(props: {
  open: boolean;
  contacts: Contact[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t, enumLabel, fieldLabel } = useCrmT();
  const api = useApi(crmApiRef);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [type, setType] = useState<ContactRelationType>('colleague');
  const [strength, setStrength] = useState<RelationStrength>('medium');
  const [remark, setRemark] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (e?: React.FormEvent) => {
    e?.preventDefault();
    if (!from || !to) return;
    setBusy(true);
    setError(undefined);
    try {
      await api.createRelation({ fromContactId: from, toContactId: to, type, strength, remark: remark.trim() || null });
      setFrom('');
      setTo('');
      setRemark('');
      props.onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const contactSelect = (label: string, value: string, onChange: (v: string) => void, exclude: string, testId: string) => (
    <TextField
      select
      fullWidth
      size="small"
      label={label}
      value={value}
      onChange={e => onChange(e.target.value)}
      inputProps={{ 'data-testid': testId }}
    >
      {props.contacts
        .filter(c => c.id !== exclude)
        .map(c => (
          <MenuItem key={c.id} value={c.id}>
            {c.name}
            {c.title ? ` · ${c.title}` : ''}
          </MenuItem>
        ))}
    </TextField>
  );
  return (
    <Dialog open={props.open} onClose={props.onClose} maxWidth="sm" fullWidth>
      <form onSubmit={submit} noValidate>
        <DialogTitle>{t('graph.addRelation')}</DialogTitle>
        <DialogContent dividers>
          {!!error && (
            <Box sx={{ mb: 2 }}>
              <ApiErrorAlert error={error} />
            </Box>
          )}
          <Grid container spacing={2}>
            <Grid item xs={12} md={6}>
              {contactSelect(fieldLabel('fromContactId'), from, setFrom, to, 'crm-relation-from')}
            </Grid>
            <Grid item xs={12} md={6}>
              {contactSelect(fieldLabel('toContactId'), to, setTo, from, 'crm-relation-to')}
            </Grid>
            <Grid item xs={12} md={6}>
              <TextField
                select
                fullWidth
                size="small"
                label={t('graph.type')}
                value={type}
                onChange={e => setType(e.target.value as ContactRelationType)}
                helperText={type === 'superior' ? t('graph.superiorHint') : undefined}
                inputProps={{ 'data-testid': 'crm-relation-type' }}
              >
                {CONTACT_RELATION_TYPES.map(v => (
                  <MenuItem key={v} value={v}>
                    {enumLabel('relation', v)}
                  </MenuItem>
                ))}
              </TextField>
            </Grid>
            <Grid item xs={12} md={6}>
              <TextField
                select
                fullWidth
                size="small"
                label={fieldLabel('strength')}
                value={strength}
                onChange={e => setStrength(e.target.value as RelationStrength)}
              >
                {RELATION_STRENGTHS.map(v => (
                  <MenuItem key={v} value={v}>
                    {enumLabel('strength', v)}
                  </MenuItem>
                ))}
              </TextField>
            </Grid>
            <Grid item xs={12}>
              <TextField
                fullWidth
                size="small"
                label={fieldLabel('remark')}
                value={remark}
                onChange={e => setRemark(e.target.value)}
              />
            </Grid>
          </Grid>
        </DialogContent>
        <DialogActions>
          <Button onClick={props.onClose}>{t('common.cancel')}</Button>
          <Button type="submit" variant="contained" disabled={busy || !from || !to} data-testid="crm-relation-submit">
            {t('common.save')}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

/** 关系图 tab: the graph plus the list of contact relations with add/delete. */
export function CustomerGraphTab({ customer, revision = 0 }: { customer: Customer; revision?: number }) {
  const { t, enumLabel } = useCrmT();
  const api = useApi(crmApiRef);
  const notify = useNotify();
  const [nonce, setNonce] = useState(0);
  const graph = useLoad(() => api.getGraph(customer.id), [api, customer.id, revision, nonce]);
  const relations = useLoad(() => api.listRelations(customer.id), [api, customer.id, revision, nonce]);
  const contacts = useLoad(
    () => api.listContacts({ customerId: customer.id, pageSize: 100, sort: 'name', order: 'asc' }),
    [api, customer.id, revision],
  );
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<ContactRelation | null>(null);
  const [deleteError, setDeleteError] = useState<unknown>();
  const contactName = (id: string) =>
    contacts.value?.items.find(c => c.id === id)?.name ??
    graph.value?.nodes.find(n => n.id === id)?.label ??
    id;
  const contactCount = contacts.value?.items.length ?? 0;

  if (graph.loading && !graph.value) return <LoadingState />;
  if (graph.error && !graph.value) return <ErrorState error={graph.error} onRetry={graph.retry} />;

  return (
    <Box>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mb: 1, flexWrap: 'wrap' }}>
        <Chip size="small" icon={<BusinessIcon />} label={t('graph.legendCustomer')} variant="outlined" color="primary" />
        <Chip size="small" icon={<PersonIcon />} label={t('graph.legendContact')} variant="outlined" />
        <Chip size="small" icon={<StarIcon />} label={t('graph.legendKdm')} variant="outlined" color="warning" />
        <Box sx={{ flex: 1 }} />
        <Button
          variant="contained"
          startIcon={<AddIcon />}
          disabled={contactCount < 2}
          title={contactCount < 2 ? t('graph.needTwoContacts') : undefined}
          onClick={() => setAdding(true)}
          data-testid="crm-add-relation"
        >
          {t('graph.addRelation')}
        </Button>
      </Box>
      {graph.value && (
        <ReactFlowProvider>
          <GraphView graph={graph.value} />
        </ReactFlowProvider>
      )}
      <Paper variant="outlined" sx={{ mt: 2 }}>
        <Typography variant="subtitle1" sx={{ px: 2, pt: 1.5, fontWeight: 600 }}>
          {t('graph.relations')}
        </Typography>
        {relations.value && relations.value.length === 0 ? (
          <EmptyState title={t('graph.empty')} />
        ) : (
          <List dense data-testid="crm-relations-list">
            {(relations.value ?? []).map(r => (
              <ListItem
                key={r.id}
                secondaryAction={
                  <IconButton edge="end" aria-label={t('graph.deleteRelation')} onClick={() => setDeleting(r)}>
                    <DeleteIcon />
                  </IconButton>
                }
              >
                <ListItemText
                  primary={`${contactName(r.fromContactId)} — ${enumLabel('relation', r.type)} — ${contactName(r.toContactId)}`}
                  secondary={[enumLabel('strength', r.strength), r.remark].filter(Boolean).join(' · ')}
                />
              </ListItem>
            ))}
          </List>
        )}
      </Paper>
      <RelationDialog
        open={adding}
        contacts={contacts.value?.items ?? []}
        onClose={() => setAdding(false)}
        onSaved={() => {
          setAdding(false);
          notify({ message: t('common.saved') });
          setNonce(n => n + 1);
        }}
      />
      <ConfirmDialog
        open={!!deleting}
        title={t('graph.deleteRelation')}
        text={
          deleting
            ? `${contactName(deleting.fromContactId)} — ${enumLabel('relation', deleting.type)} — ${contactName(deleting.toContactId)}`
            : ''
        }
        confirmLabel={t('common.delete')}
        error={deleteError}
        onClose={() => {
          setDeleting(null);
          setDeleteError(undefined);
        }}
        onConfirm={async () => {
          if (!deleting) return;
          try {
            await api.deleteRelation(deleting.id, deleting.version);
            setDeleting(null);
            notify({ message: t('common.deleted') });
            setNonce(n => n + 1);
          } catch (e) {
            setDeleteError(e);
          }
        }}
      />
    </Box>
  );
}
