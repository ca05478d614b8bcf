/** Notifications: each member's inbox, preferences, emails and digest, written by other features through `notify`. Mounted under /api by worker/app.ts. */
import { createRouter } from "../platform/http";
import { registerJob } from "../platform/job-queue";
import { notificationRoutes } from "./notification-routes";
import { NOTIFICATION_EMAIL_JOB, sendNotificationEmail } from "./notification-email";

export { notify, type NotificationInput } from "./notification-inbox";
export { NOTIFICATION_CATEGORIES, categoryOf, type NotificationCategory } from "./notification-categories";
export { notificationDigestTask } from "./notification-digest";

registerJob(NOTIFICATION_EMAIL_JOB, sendNotificationEmail);

export const notificationsRoutes = createRouter().route("/notifications", notificationRoutes);
