import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Link from '@mui/material/Link';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import { useDesignerT } from './i18n';
import type { DesignerProblem } from './problems';

/**
 * What blocks publishing, listed above the diagram. A problem of a node is a
 * link that selects its card; flow-level ones open the flow settings.
 */
export function ProblemsPanel(props: { problems: DesignerProblem[]; onPick: (nodeId: string | null) => void }) {
  const { t } = useDesignerT();
  if (props.problems.length === 0) return null;
  return (
    <Alert severity="warning" data-testid="designer-problems" sx={{ mb: 2 }}>
      <AlertTitle>{t('designer.problemsTitle', { count: props.problems.length })}</AlertTitle>
      <List dense disablePadding>
        {props.problems.map((p, i) => (
          <ListItem key={p.key} disableGutters sx={{ py: 0 }}>
            <Link
              component="button"
              type="button"
              color="inherit"
              underline="hover"
              onClick={() => props.onPick(p.nodeId)}
              data-testid={`designer-problem-${i}`}
              sx={{ textAlign: 'left' }}
            >
              {p.message}
            </Link>
          </ListItem>
        ))}
      </List>
    </Alert>
  );
}
