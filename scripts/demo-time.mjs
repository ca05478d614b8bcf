// When the demo's history happened: office hours of a business calendar, read
// in the calendar's own time zone, so the seeded data looks the same whatever
// the hour, the date or the time zone of the machine that seeds it.

const MINUTE = 60_000;
/** How far back a calendar with no working time left is searched before giving up. */
const MAX_DAYS_BACK = 400;

const formatters = new Map();
function wallClock(instant, timeZone) {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(instant)).filter((x) => x.type !== "literal").map((x) => [x.type, Number(x.value)]));
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
}

/** The instant at which the zone's clocks read `wall` (a UTC-encoded wall time); in a DST gap, just after it. */
function instantOf(wall, timeZone) {
  const first = wall - (wallClock(wall, timeZone) - wall);
  const second = wall - (wallClock(first, timeZone) - first);
  const readsBack = [first, second].filter((t) => wallClock(t, timeZone) === wall);
  return readsBack.length ? Math.min(...readsBack) : Math.max(first, second);
}

const dateKey = (day) => new Date(day).toISOString().slice(0, 10);
const isoWeekday = (day) => new Date(day).getUTCDay() || 7;

/**
 * A random minute within working hours of the calendar day `daysAgo` days
 * before `latest`'s date in `cal.timeZone`, stepping further back past days
 * off and holidays, and never after `latest`. `cal` has the shape of the
 * API's support calendar. From `daysAgo` 2 on, the answer is always more than
 * a full day before `latest`, at any hour.
 */
export function pastBusinessTime(r, daysAgo, cal, latest = Date.now()) {
  const wallNow = wallClock(latest, cal.timeZone);
  const today = wallNow - (wallNow % 86_400_000);
  for (let back = daysAgo; back < daysAgo + MAX_DAYS_BACK; back++) {
    const day = today - back * 86_400_000;
    if (!cal.workingDays.includes(isoWeekday(day)) || cal.holidays.includes(dateKey(day))) continue;
    const start = instantOf(day + cal.startMinute * MINUTE, cal.timeZone);
    const end = Math.min(instantOf(day + cal.endMinute * MINUTE, cal.timeZone), latest);
    const minutes = Math.floor((end - start) / MINUTE);
    if (minutes > 0) return start + r.int(0, minutes - 1) * MINUTE;
  }
  throw new RangeError(`No working time in the ${MAX_DAYS_BACK} days before ${new Date(latest).toISOString()}`);
}
