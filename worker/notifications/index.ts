/** Notifications: each member's inbox, written by other features through `notify`. Mounted under /api by worker/app.ts. */
import { createRouter } from "../platform/http";
import { notificationRoutes } from "./notification-routes";

export { notify, type NotificationInput } from "./notification-inbox";

export const notificationsRoutes = createRouter().route("/notifications", notificationRoutes);
