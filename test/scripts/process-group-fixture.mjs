// A script that starts a process group the way `npm start` starts wrangler
// dev, prints its id, then waits (as while seeding) or fails as asked.
import { exitOnSignals, spawnGroup } from "../../scripts/process-groups.mjs";

exitOnSignals();
// Two processes in the group, as wrangler and its workerd.
const { child } = spawnGroup("sh", ["-c", "sleep 600 & sleep 600"], { stdio: "ignore" });
console.log(child.pid);

const mode = process.argv[2];
if (mode === "throw") setTimeout(() => { throw new Error("seeding failed"); }, 100);
else if (mode === "reject") setTimeout(() => Promise.reject(new Error("seeding failed")), 100);
else setInterval(() => {}, 60_000);
