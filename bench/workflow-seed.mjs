// Bulk seeding of the workflow schema with set-based SQL (INSERT … SELECT FROM generate_series),
// not through the API: flows, running instances with their node, pending task and submit log line,
// some delegated tasks and CC receipts. Ids are md5-derived UUIDs of the row number, so the rows of
// one instance are generated without reading anything back and a run is reproducible.
//
//   bench.order       `tasks` instances, one 或签 node, one pending task each, spread over
//                     `approvers` approvers (approver001…); one in ten is held by the next
//                     approver on behalf of its own (委托); a third carry a time limit (due in
//                     5 h … 30 days, so the scheduler has nothing to do while the bench runs);
//                     one in five is copied to another approver, half of those read.
//                     Which rows get what is decided by hashes of the row number, never by
//                     g modulo something that also picks the approver (that would give some
//                     approvers all and others none).
//   bench.shared-all  `shared` instances with one 会签 node of the `deciders` first approvers
//   bench.shared-any  `shared` instances with one 或签 node of the same approvers

export const approverRef = n => `user:default/approver${String(n).padStart(3, '0')}`;

const POLICIES = { emptyApprover: { kind: 'autoPass' }, duplicateApprover: 'autoPass', resubmit: 'restart' };

function definition(type, name, mode, rule) {
  return {
    documentType: type,
    name,
    policies: POLICIES,
    steps: [{ kind: 'approval', id: 'leader', name: mode === 'all' ? '会签' : '主管审批', mode, approvers: [rule] }],
  };
}

/** A flow with its first version; answers the ids. */
async function insertFlow(c, { key, type, name, def }) {
  const flowId = `md5('flow-${key}')::uuid`;
  const versionId = `md5('flow-version-${key}')::uuid`;
  await c.query(
    `INSERT INTO workflow_flows (id, document_type, name, current_version, version, created_by, created_at, updated_by, updated_at)
     VALUES (${flowId}, $1, $2, 1, 1, 'user:default/lijun', now() - interval '60 days', 'user:default/lijun', now() - interval '60 days')`,
    [type, name],
  );
  await c.query(
    `INSERT INTO workflow_flow_versions (id, flow_id, number, definition, published_by, published_at)
     VALUES (${versionId}, ${flowId}, 1, $1, 'user:default/lijun', now() - interval '60 days')`,
    [JSON.stringify(def)],
  );
  return { flowId, versionId };
}

/**
 * The instances g = from..to of a flow: instance, node, the submit log line. `users` is a SQL
 * expression (in g) of the JSON array of the node's approvers as the route was resolved.
 */
async function insertInstances(c, { key, type, flow, mode, from, to, users, title, created }) {
  const plan = `json_build_object('policies', $1::json, 'department', 'group:default/wfbench',
      'route', json_build_array(json_build_object('stepId', 'leader', 'name', '${mode === 'all' ? '会签' : '主管审批'}', 'kind', 'approval',
        'mode', '${mode}', 'ratio', null, 'users', ${users})))::text`;
  await c.query(
    `INSERT INTO workflow_instances (id, flow_id, flow_version_id, flow_version, document_type, document_id, title, amount, currency,
       applicant, department, fields, plan, status, round, current_position, version, created_at, updated_at)
     SELECT md5('${key}-i-' || g)::uuid, ${flow.flowId}, ${flow.versionId}, 1, '${type}', '${key}-' || g, ${title},
       (abs(hashint8extended(g, 1)) % 500000000), 'CNY',
       'user:default/applicant' || lpad(((g % 300) + 1)::text, 3, '0'), 'group:default/wfbench', '{}', ${plan},
       'running', 1, 0, 1, ${created}, ${created}
     FROM generate_series(${from}, ${to}) g`,
    [JSON.stringify(POLICIES)],
  );
  await c.query(
    `INSERT INTO workflow_nodes (id, instance_id, round, position, step_id, name, kind, mode, ratio, status, activated_at)
     SELECT md5('${key}-n-' || g)::uuid, md5('${key}-i-' || g)::uuid, 1, 0, 'leader', '${mode === 'all' ? '会签' : '主管审批'}', 'approval', '${mode}', null, 'active', ${created}
     FROM generate_series(${from}, ${to}) g`,
  );
  await c.query(
    `INSERT INTO workflow_actions (instance_id, seq, action, actor, detail, created_at)
     SELECT md5('${key}-i-' || g)::uuid, 1, 'submit', 'user:default/applicant' || lpad(((g % 300) + 1)::text, 3, '0'), '{"flowVersion":1}', ${created}
     FROM generate_series(${from}, ${to}) g`,
  );
}

export async function seedWorkflow(c, { tasks, approvers, shared, deciders, log }) {
  const t0 = Date.now();
  const approver = expr => `'user:default/approver' || lpad((${expr})::text, 3, '0')`;
  // submitted within the last 30 days, minute resolution, reproducible
  const created = `(now() - ((abs(hashint8extended(g, 2)) % 43200) + 1) * interval '1 minute')`;

  const order = await insertFlow(c, {
    key: 'order',
    type: 'bench.order',
    name: '订单审批',
    def: definition('bench.order', '订单审批', 'any', { kind: 'departmentLeader' }),
  });
  // approver a(g) = ((g - 1) % approvers) + 1 decides; one task in ten is held for them by the next approver
  const own = `((g - 1) % ${approvers}) + 1`;
  const pick = (salt, n) => `abs(hashint8extended(g, ${salt})) % ${n} = 0`;
  await insertInstances(c, {
    key: 'order',
    type: 'bench.order',
    flow: order,
    mode: 'any',
    from: 1,
    to: tasks,
    users: `json_build_array(${approver(own)})`,
    title: `'订单审批 BO' || lpad(g::text, 6, '0')`,
    created,
  });
  const due = `(now() + interval '5 hours' + (abs(hashint8extended(g, 5)) % 720) * interval '1 hour')`;
  await c.query(
    `INSERT INTO workflow_tasks (id, instance_id, node_id, assignee, on_behalf_of, status, origin, seq, version,
       created_at, updated_at, pending_at, due_at, remind_at, on_timeout)
     SELECT md5('order-t-' || g)::uuid, md5('order-i-' || g)::uuid, md5('order-n-' || g)::uuid,
       CASE WHEN ${pick(3, 10)} THEN ${approver(`(${own}) % ${approvers} + 1`)} ELSE ${approver(own)} END,
       CASE WHEN ${pick(3, 10)} THEN ${approver(own)} END,
       'pending', 'rule', 0, 1, ${created}, ${created}, ${created},
       CASE WHEN ${pick(4, 3)} THEN ${due} END, CASE WHEN ${pick(4, 3)} THEN ${due} - interval '4 hours' END, CASE WHEN ${pick(4, 3)} THEN 'remind' END
     FROM generate_series(1, ${tasks}) g`,
  );
  // 抄送: one order in five to a random approver, half of them read
  await c.query(
    `INSERT INTO workflow_cc (id, instance_id, node_id, user_ref, by, created_at, read_at)
     SELECT md5('order-cc-' || g)::uuid, md5('order-i-' || g)::uuid, null, ${approver(`abs(hashint8extended(g, 6)) % ${approvers} + 1`)},
       'user:default/applicant' || lpad(((g % 300) + 1)::text, 3, '0'), ${created}, CASE WHEN ${pick(7, 2)} THEN ${created} + interval '1 hour' END
     FROM generate_series(1, ${tasks}) g
     WHERE ${pick(8, 5)}`,
  );
  log(`bench.order: ${tasks} instances / pending tasks over ${approvers} approvers (${(Date.now() - t0) / 1000} s)`);

  const deciderList = `(SELECT json_agg(${approver('d')} ORDER BY d) FROM generate_series(1, ${deciders}) d)`;
  for (const mode of ['all', 'any']) {
    const key = `shared-${mode}`;
    const type = `bench.${key}`;
    const flow = await insertFlow(c, {
      key,
      type,
      name: mode === 'all' ? '会签压测' : '或签压测',
      def: definition(type, mode === 'all' ? '会签压测' : '或签压测', mode, { kind: 'role', role: 'bench' }),
    });
    await insertInstances(c, { key, type, flow, mode, from: 1, to: shared, users: deciderList, title: `'${mode === 'all' ? '会签' : '或签'} SH' || lpad(g::text, 4, '0')`, created });
    await c.query(
      `INSERT INTO workflow_tasks (id, instance_id, node_id, assignee, status, origin, seq, version, created_at, updated_at, pending_at)
       SELECT md5('${key}-t-' || g || '-' || d)::uuid, md5('${key}-i-' || g)::uuid, md5('${key}-n-' || g)::uuid, ${approver('d')},
         'pending', 'rule', 0, 1, ${created}, ${created}, ${created}
       FROM generate_series(1, ${shared}) g, generate_series(1, ${deciders}) d`,
    );
  }
  log(`bench.shared-all / -any: ${shared} 会签 and ${shared} 或签 instances of ${deciders} approvers each`);
  await c.query('VACUUM ANALYZE workflow_instances, workflow_nodes, workflow_tasks, workflow_actions, workflow_cc, workflow_flows, workflow_flow_versions');
  return { seconds: (Date.now() - t0) / 1000 };
}

/** The catalog file of the bench's approvers (demo sign-in needs catalog users). */
export function approverCatalog(approvers) {
  const docs = [
    `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: wfbench
spec:
  type: department
  profile:
    displayName: 压测审批部
  children: []`,
  ];
  for (let n = 1; n <= approvers; n++) {
    const name = approverRef(n).replace('user:default/', '');
    docs.push(`apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: ${name}
spec:
  profile:
    displayName: 审批人${String(n).padStart(3, '0')}
  memberOf: [wfbench]`);
  }
  return `${docs.join('\n---\n')}\n`;
}
