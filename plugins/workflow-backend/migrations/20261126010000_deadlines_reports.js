// @ts-check

/**
 * Time limits, reading and report columns on tasks, and the indexes behind
 * the approval lists, the sidebar counts and the deadline scheduler.
 *
 * - `pending_at`: when the task last reached its approver (a queued task of a
 *   sequential node reaches them later than it was created); lists show it as
 *   "since", reports measure from it.
 * - `due_at` / `remind_at` / `on_timeout`: the node's time limit, fixed when
 *   the task became pending (a later flow version does not move it).
 * - `reminded_at` / `timed_out_at`: set by the scheduler in the same
 *   transaction as its action, so a rerun (or a second replica) does nothing.
 * - `viewed_at`: the assignee's first opening of the approval (reports).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('workflow_tasks', t => {
    t.timestamp('pending_at', { useTz: true }).nullable();
    t.timestamp('due_at', { useTz: true }).nullable();
    t.timestamp('remind_at', { useTz: true }).nullable();
    t.string('on_timeout', 16).nullable();
    t.timestamp('reminded_at', { useTz: true }).nullable();
    t.timestamp('timed_out_at', { useTz: true }).nullable();
    t.timestamp('viewed_at', { useTz: true }).nullable();
    t.index(['decided_by', 'decided_at'], 'workflow_tasks_decided_by_idx');
    // reports select tasks by when they reached their approver
    t.index(['pending_at'], 'workflow_tasks_pending_at_idx');
  });
  // tasks from before this migration: they reached their approver when they were created, as far as anyone knows
  await knex('workflow_tasks').whereNotIn('status', ['queued', 'waiting']).update({ pending_at: knex.ref('created_at') });

  // 待办 sorted by since: the open tasks in order, so a page stops early (ListStore.inbox); decided tasks never weigh on it
  await knex.raw("CREATE INDEX workflow_tasks_open_since_idx ON workflow_tasks (pending_at, id) WHERE status = 'pending'");
  // the scheduler's scans touch only what is still to do
  await knex.raw(
    "CREATE INDEX workflow_tasks_due_idx ON workflow_tasks (due_at) WHERE status = 'pending' AND timed_out_at IS NULL AND due_at IS NOT NULL",
  );
  await knex.raw(
    "CREATE INDEX workflow_tasks_remind_idx ON workflow_tasks (remind_at) WHERE status = 'pending' AND reminded_at IS NULL AND remind_at IS NOT NULL",
  );
  // the sidebar badge counts unread copies on every page load
  await knex.raw('CREATE INDEX workflow_cc_unread_idx ON workflow_cc (user_ref) WHERE read_at IS NULL');

  await knex.schema.alterTable('workflow_instances', t => {
    t.index(['department'], 'workflow_instances_department_idx');
    t.index(['created_at'], 'workflow_instances_created_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('workflow_instances', t => {
    t.dropIndex(['department'], 'workflow_instances_department_idx');
    t.dropIndex(['created_at'], 'workflow_instances_created_idx');
  });
  await knex.raw('DROP INDEX IF EXISTS workflow_cc_unread_idx');
  await knex.raw('DROP INDEX IF EXISTS workflow_tasks_open_since_idx');
  await knex.raw('DROP INDEX IF EXISTS workflow_tasks_remind_idx');
  await knex.raw('DROP INDEX IF EXISTS workflow_tasks_due_idx');
  await knex.schema.alterTable('workflow_tasks', t => {
    t.dropIndex(['decided_by', 'decided_at'], 'workflow_tasks_decided_by_idx');
    t.dropIndex(['pending_at'], 'workflow_tasks_pending_at_idx');
    for (const c of ['pending_at', 'due_at', 'remind_at', 'on_timeout', 'reminded_at', 'timed_out_at', 'viewed_at']) t.dropColumn(c);
  });
};
