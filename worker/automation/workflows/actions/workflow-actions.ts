/**
 * Every action a workflow step can run (but `wait` and `branch`, which are
 * the runner's own control flow): importing this file registers them all
 * with action-registry.ts.
 */
import "./record-field-actions";
import "./assign-owner-action";
import "./activity-actions";
import "./notify-action";
import "./send-email-action";
import "./webhook-action";
import "./ai-actions";
