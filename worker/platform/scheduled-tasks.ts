import type { Env } from "./env";

export type ScheduledTask = (env: Env, at: Date) => Promise<void>;

/** Tasks that run on every cron tick; each is independent, so one failing never skips the rest. */
const tasks = new Map<string, ScheduledTask>();

export function registerScheduledTask(name: string, task: ScheduledTask): void {
  tasks.set(name, task);
}

export async function runScheduled(env: Env, at: Date): Promise<void> {
  const results = await Promise.allSettled([...tasks.values()].map((task) => task(env, at)));
  results.forEach((result, i) => {
    if (result.status === "rejected") {
      const name = [...tasks.keys()][i];
      console.error(JSON.stringify({ level: "error", msg: "scheduled task failed", task: name, err: String(result.reason) }));
    }
  });
}
